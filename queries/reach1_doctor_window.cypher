// The entities one browsing edge from one doctor ($id) inside the time window ($since, $until: edges whose first–last span meets it),
// each with the claims on the edge reaching it. Anchored on the start's id: one walk from one node.
MATCH (s:Doctor)<-[e:TREATED]-(y:Patient) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, y.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (s:Doctor)-[e:WORKS_AT]->(y:Institution) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, y.id AS id, sum(e.claims) AS claims

// The entities one browsing edge from one institution ($id) inside the time window ($since, $until: edges whose first–last span meets it),
// each with the claims on the edge reaching it. Anchored on the start's id: one walk from one node.
MATCH (s:Institution)<-[e:VISITED]-(y:Patient) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, y.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT]-(y:Card) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'card' AS type, y.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT]-(y:Doctor) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'doctor' AS type, y.id AS id, sum(e.claims) AS claims

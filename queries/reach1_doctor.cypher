// The entities one browsing edge from one doctor ($id) over all time (no window test: on a hub's 2-hop walk it costs more than the walk),
// each with the claims on the edge reaching it. Anchored on the start's id: one walk from one node.
MATCH (s:Doctor)<-[e:TREATED]-(y:Patient) WHERE s.id = $id
RETURN 'patient' AS type, y.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (s:Doctor)-[e:WORKS_AT]->(y:Institution) WHERE s.id = $id
RETURN 'institution' AS type, y.id AS id, sum(e.claims) AS claims

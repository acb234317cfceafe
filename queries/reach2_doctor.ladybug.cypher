// The entities two browsing edges from one doctor ($id) over all time (no window test: on a hub's 2-hop walk it costs more than the walk),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
// LadybugDB: a pair's edge is its stored row plus the rows later loads added in KIND_ADDED
// (queries/schema.ladybug.cypher): the first hop keeps each entity reached once (by either table),
// the second sums both tables' rows.
MATCH (s:Doctor)<-[e:TREATED|TREATED_ADDED]-(y:Patient) WHERE s.id = $id
WITH DISTINCT y
MATCH (y)-[f:HOLDS|HOLDS_ADDED]->(x:Card)
RETURN 'card' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Doctor)<-[e:TREATED|TREATED_ADDED]-(y:Patient) WHERE s.id = $id
WITH DISTINCT y
MATCH (y)-[f:TREATED|TREATED_ADDED]->(x:Doctor)
RETURN 'doctor' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Doctor)<-[e:TREATED|TREATED_ADDED]-(y:Patient) WHERE s.id = $id
WITH DISTINCT y
MATCH (y)-[f:VISITED|VISITED_ADDED]->(x:Institution)
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(y:Institution) WHERE s.id = $id
WITH DISTINCT y
MATCH (y)<-[f:VISITED|VISITED_ADDED]-(x:Patient)
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(y:Institution) WHERE s.id = $id
WITH DISTINCT y
MATCH (y)<-[f:USED_AT|USED_AT_ADDED]-(x:Card)
RETURN 'card' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(y:Institution) WHERE s.id = $id
WITH DISTINCT y
MATCH (y)<-[f:WORKS_AT|WORKS_AT_ADDED]-(x:Doctor)
RETURN 'doctor' AS type, x.id AS id, sum(f.claims) AS claims

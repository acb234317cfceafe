// The entities two browsing edges from one patient ($id) over all time (no window test: on a hub's 2-hop walk it costs more than the walk),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
// LadybugDB: a pair's edge is its stored row plus the rows later loads added in KIND_ADDED
// (queries/schema.ladybug.cypher). Both hops walk both tables in one pattern (a first hop kept
// apart, WITH DISTINCT, made LadybugDB join the second against the whole table: 1.4 s against
// 0.2 s at 5M claims); each path is counted once per row of its first pair, so the second pair's
// sum is divided by that count.
MATCH (s:Patient)-[e:HOLDS|HOLDS_ADDED]->(y:Card)<-[f:HOLDS|HOLDS_ADDED]-(x:Patient) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'patient' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Patient)-[e:HOLDS|HOLDS_ADDED]->(y:Card)-[f:USED_AT|USED_AT_ADDED]->(x:Institution) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'institution' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Patient)-[e:TREATED|TREATED_ADDED]->(y:Doctor)<-[f:TREATED|TREATED_ADDED]-(x:Patient) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'patient' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Patient)-[e:TREATED|TREATED_ADDED]->(y:Doctor)-[f:WORKS_AT|WORKS_AT_ADDED]->(x:Institution) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'institution' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED|VISITED_ADDED]->(y:Institution)<-[f:VISITED|VISITED_ADDED]-(x:Patient) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'patient' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED|VISITED_ADDED]->(y:Institution)<-[f:USED_AT|USED_AT_ADDED]-(x:Card) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'card' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED|VISITED_ADDED]->(y:Institution)<-[f:WORKS_AT|WORKS_AT_ADDED]-(x:Doctor) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims
RETURN 'doctor' AS type, x.id AS id, sum(claims / paths) AS claims

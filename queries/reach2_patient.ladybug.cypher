// The entities two browsing edges from one patient ($id) over all time (no window test: on a hub's 2-hop walk it costs more than the walk),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
// LadybugDB: the second edge's totals are its stored row plus the rows later loads added in
// KIND_ADDED (queries/schema.ladybug.cypher); the first edge is walked in the stored table alone
// (every added pair has a stored edge), so no path is counted twice.
MATCH (s:Patient)-[e:HOLDS]->(y:Card)<-[f:HOLDS|HOLDS_ADDED]-(x:Patient) WHERE s.id = $id
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:HOLDS]->(y:Card)-[f:USED_AT|USED_AT_ADDED]->(x:Institution) WHERE s.id = $id
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:TREATED]->(y:Doctor)<-[f:TREATED|TREATED_ADDED]-(x:Patient) WHERE s.id = $id
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:TREATED]->(y:Doctor)-[f:WORKS_AT|WORKS_AT_ADDED]->(x:Institution) WHERE s.id = $id
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED]->(y:Institution)<-[f:VISITED|VISITED_ADDED]-(x:Patient) WHERE s.id = $id
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED]->(y:Institution)<-[f:USED_AT|USED_AT_ADDED]-(x:Card) WHERE s.id = $id
RETURN 'card' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED]->(y:Institution)<-[f:WORKS_AT|WORKS_AT_ADDED]-(x:Doctor) WHERE s.id = $id
RETURN 'doctor' AS type, x.id AS id, sum(f.claims) AS claims

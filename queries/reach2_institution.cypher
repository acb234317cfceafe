// The entities two browsing edges from one institution ($id) over all time (no window test: on a hub's 2-hop walk it costs more than the walk),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
MATCH (s:Institution)<-[e:VISITED]-(y:Patient)-[f:HOLDS]->(x:Card) WHERE s.id = $id
RETURN 'card' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:VISITED]-(y:Patient)-[f:TREATED]->(x:Doctor) WHERE s.id = $id
RETURN 'doctor' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:VISITED]-(y:Patient)-[f:VISITED]->(x:Institution) WHERE s.id = $id
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT]-(y:Card)<-[f:HOLDS]-(x:Patient) WHERE s.id = $id
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT]-(y:Card)-[f:USED_AT]->(x:Institution) WHERE s.id = $id
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT]-(y:Doctor)<-[f:TREATED]-(x:Patient) WHERE s.id = $id
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT]-(y:Doctor)-[f:WORKS_AT]->(x:Institution) WHERE s.id = $id
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims

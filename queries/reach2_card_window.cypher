// The entities two browsing edges from one card ($id) inside the time window ($since, $until: edges whose first–last span meets it),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
MATCH (s:Card)<-[e:HOLDS]-(y:Patient)-[f:HOLDS]->(x:Card) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until AND coalesce(f.last, $since) >= $since AND coalesce(f.first, $until) <= $until
RETURN 'card' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Card)<-[e:HOLDS]-(y:Patient)-[f:TREATED]->(x:Doctor) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until AND coalesce(f.last, $since) >= $since AND coalesce(f.first, $until) <= $until
RETURN 'doctor' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Card)<-[e:HOLDS]-(y:Patient)-[f:VISITED]->(x:Institution) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until AND coalesce(f.last, $since) >= $since AND coalesce(f.first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Card)-[e:USED_AT]->(y:Institution)<-[f:VISITED]-(x:Patient) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until AND coalesce(f.last, $since) >= $since AND coalesce(f.first, $until) <= $until
RETURN 'patient' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Card)-[e:USED_AT]->(y:Institution)<-[f:USED_AT]-(x:Card) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until AND coalesce(f.last, $since) >= $since AND coalesce(f.first, $until) <= $until
RETURN 'card' AS type, x.id AS id, sum(f.claims) AS claims
UNION ALL
MATCH (s:Card)-[e:USED_AT]->(y:Institution)<-[f:WORKS_AT]-(x:Doctor) WHERE s.id = $id AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until AND coalesce(f.last, $since) >= $since AND coalesce(f.first, $until) <= $until
RETURN 'doctor' AS type, x.id AS id, sum(f.claims) AS claims

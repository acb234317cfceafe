// The entities two browsing edges from one institution ($id) inside the time window ($since, $until: edges whose first–last span meets it),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
// LadybugDB: a pair's totals and first–last span are its stored edge plus the rows later loads
// added in KIND_ADDED (queries/schema.ladybug.cypher), summed per pair before the window test.
MATCH (s:Institution)<-[e:VISITED|VISITED_ADDED]-(y:Patient) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)-[f:HOLDS|HOLDS_ADDED]->(x:Card)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, x.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:VISITED|VISITED_ADDED]-(y:Patient) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)-[f:TREATED|TREATED_ADDED]->(x:Doctor)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, x.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:VISITED|VISITED_ADDED]-(y:Patient) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)-[f:VISITED|VISITED_ADDED]->(x:Institution)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT|USED_AT_ADDED]-(y:Card) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)<-[f:HOLDS|HOLDS_ADDED]-(x:Patient)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, x.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT|USED_AT_ADDED]-(y:Card) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)-[f:USED_AT|USED_AT_ADDED]->(x:Institution)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT|WORKS_AT_ADDED]-(y:Doctor) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)<-[f:TREATED|TREATED_ADDED]-(x:Patient)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, x.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT|WORKS_AT_ADDED]-(y:Doctor) WHERE s.id = $id
WITH y, min(e.first) AS e_first, max(e.last) AS e_last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until
MATCH (y)-[f:WORKS_AT|WORKS_AT_ADDED]->(x:Institution)
WITH x, y, sum(f.claims) AS claims, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(claims) AS claims

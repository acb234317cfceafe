// The entities two browsing edges from one institution ($id) inside the time window ($since, $until: edges whose first–last span meets it),
// each with the claims on the second edges reaching it (one row per entity and path shape; the start
// and its neighbours come back too and the caller drops them). Anchored on the start's id: one walk
// from one node instead of a list test over every edge.
// LadybugDB: a pair's totals and first–last span are its stored edge plus the rows later loads
// added in KIND_ADDED (queries/schema.ladybug.cypher). Both hops walk both tables in one pattern
// (kept apart, LadybugDB joined the second hop against the whole table: 1.35 s against 0.14 s at
// 5M claims); per (middle, end) the spans are combined before the window test and the second
// pair's sum is divided by the rows of the first (each path repeats once per such row).
MATCH (s:Institution)<-[e:VISITED|VISITED_ADDED]-(y:Patient)-[f:HOLDS|HOLDS_ADDED]->(x:Card) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Institution)<-[e:VISITED|VISITED_ADDED]-(y:Patient)-[f:TREATED|TREATED_ADDED]->(x:Doctor) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Institution)<-[e:VISITED|VISITED_ADDED]-(y:Patient)-[f:VISITED|VISITED_ADDED]->(x:Institution) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT|USED_AT_ADDED]-(y:Card)<-[f:HOLDS|HOLDS_ADDED]-(x:Patient) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Institution)<-[e:USED_AT|USED_AT_ADDED]-(y:Card)-[f:USED_AT|USED_AT_ADDED]->(x:Institution) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT|WORKS_AT_ADDED]-(y:Doctor)<-[f:TREATED|TREATED_ADDED]-(x:Patient) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, x.id AS id, sum(claims / paths) AS claims
UNION ALL
MATCH (s:Institution)<-[e:WORKS_AT|WORKS_AT_ADDED]-(y:Doctor)-[f:WORKS_AT|WORKS_AT_ADDED]->(x:Institution) WHERE s.id = $id
WITH y, x, count(DISTINCT e) AS paths, sum(f.claims) AS claims, min(e.first) AS e_first, max(e.last) AS e_last, min(f.first) AS first, max(f.last) AS last
WHERE coalesce(e_last, $since) >= $since AND coalesce(e_first, $until) <= $until AND coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, x.id AS id, sum(claims / paths) AS claims

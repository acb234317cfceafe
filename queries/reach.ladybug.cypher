// The entities one browsing edge away from a frontier (typed id lists) inside the time window,
// each with the claims on the edges that reach it (one row per entity and edge kind).
// LadybugDB: a pair's totals and first–last span are its stored edge plus the rows later loads
// added in KIND_ADDED (queries/schema.ladybug.cypher), summed per pair before the window test.
MATCH (a:Patient)-[e:HOLDS|HOLDS_ADDED]->(b:Card) WHERE a.id IN $patients
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:HOLDS|HOLDS_ADDED]->(b:Card) WHERE b.id IN $cards
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:TREATED|TREATED_ADDED]->(b:Doctor) WHERE a.id IN $patients
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:TREATED|TREATED_ADDED]->(b:Doctor) WHERE b.id IN $doctors
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:VISITED|VISITED_ADDED]->(b:Institution) WHERE a.id IN $patients
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:VISITED|VISITED_ADDED]->(b:Institution) WHERE b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Card)-[e:USED_AT|USED_AT_ADDED]->(b:Institution) WHERE a.id IN $cards
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Card)-[e:USED_AT|USED_AT_ADDED]->(b:Institution) WHERE b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(b:Institution) WHERE a.id IN $doctors
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(b:Institution) WHERE b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, a.id AS id, sum(claims) AS claims

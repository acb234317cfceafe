// The entities one browsing edge away from a large frontier (typed id lists) inside the time window,
// each with the claims on the edges that reach it. LadybugDB only: its IN test scans the list for
// every row, so frontiers of thousands go through UNWIND and primary-key lookups instead (which
// cost a scan per branch even for a few ids: small frontiers use `reach`).
// LadybugDB: a pair's totals and first–last span are its stored edge plus the rows later loads
// added in KIND_ADDED (queries/schema.ladybug.cypher), summed per pair before the window test.
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:HOLDS|HOLDS_ADDED]->(b:Card)
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $cards AS i MATCH (a:Patient)-[e:HOLDS|HOLDS_ADDED]->(b:Card {id: i})
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:TREATED|TREATED_ADDED]->(b:Doctor)
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $doctors AS i MATCH (a:Patient)-[e:TREATED|TREATED_ADDED]->(b:Doctor {id: i})
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:VISITED|VISITED_ADDED]->(b:Institution)
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $institutions AS i MATCH (a:Patient)-[e:VISITED|VISITED_ADDED]->(b:Institution {id: i})
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $cards AS i MATCH (a:Card {id: i})-[e:USED_AT|USED_AT_ADDED]->(b:Institution)
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $institutions AS i MATCH (a:Card)-[e:USED_AT|USED_AT_ADDED]->(b:Institution {id: i})
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, a.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $doctors AS i MATCH (a:Doctor {id: i})-[e:WORKS_AT|WORKS_AT_ADDED]->(b:Institution)
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(claims) AS claims
UNION ALL
UNWIND $institutions AS i MATCH (a:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(b:Institution {id: i})
WITH a, b, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, a.id AS id, sum(claims) AS claims

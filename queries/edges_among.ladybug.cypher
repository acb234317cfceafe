// The browsing edges, with their totals, that have both ends in a set of entities (typed id lists)
// and a first–last span meeting the time window.
// LadybugDB: a pair's totals and first–last span are its stored edge plus the rows later loads
// added in KIND_ADDED (queries/schema.ladybug.cypher), summed per pair before the window test.
MATCH (a:Patient)-[e:HOLDS|HOLDS_ADDED]->(b:Card) WHERE a.id IN $patients AND b.id IN $cards
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last
UNION ALL
MATCH (a:Patient)-[e:TREATED|TREATED_ADDED]->(b:Doctor) WHERE a.id IN $patients AND b.id IN $doctors
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'TREATED' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last
UNION ALL
MATCH (a:Patient)-[e:VISITED|VISITED_ADDED]->(b:Institution) WHERE a.id IN $patients AND b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'VISITED' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last
UNION ALL
MATCH (a:Card)-[e:USED_AT|USED_AT_ADDED]->(b:Institution) WHERE a.id IN $cards AND b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'USED_AT' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(b:Institution) WHERE a.id IN $doctors AND b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last

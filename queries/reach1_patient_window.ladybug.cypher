// The entities one browsing edge from one patient ($id) inside the time window ($since, $until: edges whose first–last span meets it),
// each with the claims on the edge reaching it. Anchored on the start's id: one walk from one node.
// LadybugDB: a pair's totals and first–last span are its stored edge plus the rows later loads
// added in KIND_ADDED (queries/schema.ladybug.cypher), summed per pair before the window test.
MATCH (s:Patient)-[e:HOLDS|HOLDS_ADDED]->(y:Card) WHERE s.id = $id
WITH s, y, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'card' AS type, y.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:TREATED|TREATED_ADDED]->(y:Doctor) WHERE s.id = $id
WITH s, y, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'doctor' AS type, y.id AS id, sum(claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED|VISITED_ADDED]->(y:Institution) WHERE s.id = $id
WITH s, y, sum(e.claims) AS claims, min(e.first) AS first, max(e.last) AS last
WHERE coalesce(last, $since) >= $since AND coalesce(first, $until) <= $until
RETURN 'institution' AS type, y.id AS id, sum(claims) AS claims

// The browsing edges, with their totals, that have both ends in a set of entities (typed id lists)
// and a first–last span meeting the time window.
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE a.id IN $patients AND b.id IN $cards AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:TREATED]->(b:Doctor) WHERE a.id IN $patients AND b.id IN $doctors AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'TREATED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:VISITED]->(b:Institution) WHERE a.id IN $patients AND b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'VISITED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Card)-[e:USED_AT]->(b:Institution) WHERE a.id IN $cards AND b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'USED_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution) WHERE a.id IN $doctors AND b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last

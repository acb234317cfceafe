// The aggregated browsing edges touching a set of entities whose first–last span meets the time window
// (edges without claims, e.g. a registered doctor or a card from the patients file, always qualify).
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE a.id IN $patients AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE b.id IN $cards AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:TREATED]->(b:Doctor) WHERE a.id IN $patients AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'TREATED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:TREATED]->(b:Doctor) WHERE b.id IN $doctors AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'TREATED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:VISITED]->(b:Institution) WHERE a.id IN $patients AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'VISITED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Patient)-[e:VISITED]->(b:Institution) WHERE b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'VISITED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Card)-[e:USED_AT]->(b:Institution) WHERE a.id IN $cards AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'USED_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Card)-[e:USED_AT]->(b:Institution) WHERE b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'USED_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution) WHERE a.id IN $doctors AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution) WHERE b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last

// The aggregated browsing edges touching a set of entities whose first–last span meets the time window
// (edges without claims, e.g. a registered doctor or a card from the patients file, always qualify).
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:HOLDS]->(b:Card) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $cards AS i MATCH (a:Patient)-[e:HOLDS]->(b:Card {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:TREATED]->(b:Doctor) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'TREATED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $doctors AS i MATCH (a:Patient)-[e:TREATED]->(b:Doctor {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'TREATED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:VISITED]->(b:Institution) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'VISITED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $institutions AS i MATCH (a:Patient)-[e:VISITED]->(b:Institution {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'VISITED' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $cards AS i MATCH (a:Card {id: i})-[e:USED_AT]->(b:Institution) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'USED_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $institutions AS i MATCH (a:Card)-[e:USED_AT]->(b:Institution {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'USED_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $doctors AS i MATCH (a:Doctor {id: i})-[e:WORKS_AT]->(b:Institution) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
UNWIND $institutions AS i MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last

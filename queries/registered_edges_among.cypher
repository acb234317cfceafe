// The HOLDS and WORKS_AT edges, with their totals, that have both ends in a set of entities (typed id
// lists), over all time: the two kinds the patients and doctors files create even without claims.
// (Over all time the other kinds are recounted from the claims fetched for their ids anyway.)
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE a.id IN $patients AND b.id IN $cards
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution) WHERE a.id IN $doctors AND b.id IN $institutions
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, e.claims AS claims, e.fund_amount AS fund_amount, e.total_amount AS total_amount, e.first AS first, e.last AS last

// The HOLDS and WORKS_AT edges, with their totals, that have both ends in a set of entities (typed id
// lists), over all time: the two kinds the patients and doctors files create even without claims.
// (Over all time the other kinds are recounted from the claims fetched for their ids anyway.)
// LadybugDB: a pair's totals are its stored row plus the rows later loads added in KIND_ADDED
// (queries/schema.ladybug.cypher), so both tables are walked and summed.
MATCH (a:Patient)-[e:HOLDS|HOLDS_ADDED]->(b:Card) WHERE a.id IN $patients AND b.id IN $cards
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
RETURN 'HOLDS' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT|WORKS_AT_ADDED]->(b:Institution) WHERE a.id IN $doctors AND b.id IN $institutions
WITH a, b, sum(e.claims) AS claims, sum(e.fund_amount) AS fund_amount, sum(e.total_amount) AS total_amount, min(e.first) AS first, max(e.last) AS last
RETURN 'WORKS_AT' AS kind, a.id AS a, b.id AS b, claims, fund_amount, total_amount, first, last

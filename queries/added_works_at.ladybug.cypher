// The added WORKS_AT totals summed per pair (compaction adds them to the stored edges with add_works_at).
MATCH (a:Doctor)-[d:WORKS_AT_ADDED]->(b:Institution)
RETURN a.id AS a, b.id AS b, sum(d.claims) AS claims, sum(d.fund_amount) AS fund_amount, sum(d.total_amount) AS total_amount, min(d.first) AS first, max(d.last) AS last, sum(CASE WHEN d.registered THEN 1 ELSE 0 END) > 0 AS registered

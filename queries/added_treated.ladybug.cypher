// The added TREATED totals summed per pair (compaction adds them to the stored edges with add_treated).
MATCH (a:Patient)-[d:TREATED_ADDED]->(b:Doctor)
RETURN a.id AS a, b.id AS b, sum(d.claims) AS claims, sum(d.fund_amount) AS fund_amount, sum(d.total_amount) AS total_amount, min(d.first) AS first, max(d.last) AS last

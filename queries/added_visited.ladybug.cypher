// The added VISITED totals summed per pair (compaction adds them to the stored edges with add_visited).
MATCH (a:Patient)-[d:VISITED_ADDED]->(b:Institution)
RETURN a.id AS a, b.id AS b, sum(d.claims) AS claims, sum(d.fund_amount) AS fund_amount, sum(d.total_amount) AS total_amount, min(d.first) AS first, max(d.last) AS last

// Add a batch of new claims' totals to the USED_AT edges (Card–Institution), creating missing edges.
UNWIND $rows AS r
MATCH (a:Card {id: r.a}), (b:Institution {id: r.b})
MERGE (a)-[e:USED_AT]->(b)
ON CREATE SET e.claims = 0, e.fund_amount = 0.0, e.total_amount = 0.0, e.first = r.first, e.last = r.last
SET e.claims = e.claims + r.claims,
    e.fund_amount = e.fund_amount + r.fund_amount,
    e.total_amount = e.total_amount + r.total_amount,
    e.first = CASE WHEN e.first IS NULL OR r.first < e.first THEN r.first ELSE e.first END,
    e.last = CASE WHEN e.last IS NULL OR r.last > e.last THEN r.last ELSE e.last END

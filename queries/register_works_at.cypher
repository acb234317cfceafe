// Mark doctors as registered at the institution the doctors reference file names.
UNWIND $rows AS r
MATCH (a:Doctor {id: r.a}), (b:Institution {id: r.b})
MERGE (a)-[e:WORKS_AT]->(b)
ON CREATE SET e.claims = 0, e.fund_amount = 0.0, e.total_amount = 0.0
SET e.registered = true

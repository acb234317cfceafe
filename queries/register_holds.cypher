// Link patients to the cards the patients reference file gives them (an edge with no claims yet).
UNWIND $rows AS r
MATCH (a:Patient {id: r.a}), (b:Card {id: r.b})
MERGE (a)-[e:HOLDS]->(b)
ON CREATE SET e.claims = 0, e.fund_amount = 0.0, e.total_amount = 0.0

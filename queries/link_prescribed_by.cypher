// Link new claims to their prescribing or attending doctor.
UNWIND $rows AS r
MATCH (c:Claim {id: r.a}), (d:Doctor {id: r.b})
CREATE (c)-[:PRESCRIBED_BY]->(d)

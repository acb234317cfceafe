// Link rings to the claims that prove them.
UNWIND $rows AS r
MATCH (g:Ring {id: r.ring}), (c:Claim {id: r.id})
CREATE (g)-[:INCLUDES]->(c)

// Link rings to their member institutions that exist in the graph, with each member's role.
UNWIND $rows AS r
MATCH (g:Ring {id: r.ring}), (n:Institution {id: r.id})
CREATE (g)-[:INVOLVES {role: r.role}]->(n)

// Link rings to their member patients that exist in the graph, with each member's role.
UNWIND $rows AS r
MATCH (g:Ring {id: r.ring}), (n:Patient {id: r.id})
CREATE (g)-[:INVOLVES {role: r.role}]->(n)

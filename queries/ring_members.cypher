// The ids of the entities one stored ring is linked to (a check that rings reach the graph).
MATCH (g:Ring {id: $ring})-[:INVOLVES]->(n)
RETURN n.id AS id ORDER BY id

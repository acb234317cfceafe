// Every WORKS_AT pair (Doctor, Institution) in the graph, for a large load to tell new edges from stored ones in one scan.
MATCH (a:Doctor)-[:WORKS_AT]->(b:Institution) RETURN a.id AS a, b.id AS b

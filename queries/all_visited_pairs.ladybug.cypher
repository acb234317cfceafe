// Every VISITED pair (Patient, Institution) in the graph, for a large load to tell new edges from stored ones in one scan.
MATCH (a:Patient)-[:VISITED]->(b:Institution) RETURN a.id AS a, b.id AS b

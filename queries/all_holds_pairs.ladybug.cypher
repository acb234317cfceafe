// Every HOLDS pair (Patient, Card) in the graph, for a large load to tell new edges from stored ones in one scan.
MATCH (a:Patient)-[:HOLDS]->(b:Card) RETURN a.id AS a, b.id AS b

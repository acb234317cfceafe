// Every TREATED pair (Patient, Doctor) in the graph, for a large load to tell new edges from stored ones in one scan.
MATCH (a:Patient)-[:TREATED]->(b:Doctor) RETURN a.id AS a, b.id AS b

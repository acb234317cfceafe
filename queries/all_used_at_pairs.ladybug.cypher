// Every USED_AT pair (Card, Institution) in the graph, for a large load to tell new edges from stored ones in one scan.
MATCH (a:Card)-[:USED_AT]->(b:Institution) RETURN a.id AS a, b.id AS b

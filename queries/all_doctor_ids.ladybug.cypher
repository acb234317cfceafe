// Every doctor id in the graph, for a large load to tell new doctors from stored ones in one scan.
MATCH (n:Doctor) RETURN n.id AS id

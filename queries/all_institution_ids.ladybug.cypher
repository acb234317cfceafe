// Every institution id in the graph, for a large load to tell new institutions from stored ones in one scan.
MATCH (n:Institution) RETURN n.id AS id

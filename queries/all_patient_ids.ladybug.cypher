// Every patient id in the graph, for a large load to tell new patients from stored ones in one scan.
MATCH (n:Patient) RETURN n.id AS id

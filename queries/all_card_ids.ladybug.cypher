// Every card id in the graph, for a large load to tell new cards from stored ones in one scan.
MATCH (n:Card) RETURN n.id AS id

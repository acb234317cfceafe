// Every claim id in the graph, for a large load to tell its new claims from stored ones in one scan.
MATCH (n:Claim) RETURN n.id AS id

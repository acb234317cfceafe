// Remove every node and relationship (tests and benchmarks start from an empty graph with it).
MATCH (n) DETACH DELETE n

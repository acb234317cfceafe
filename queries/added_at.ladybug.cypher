// The added AT links (compaction copies them into AT).
MATCH (c:Claim)-[:AT_ADDED]->(n:Institution)
RETURN c.id AS claim_id, n.id AS id

// The added PRESCRIBED_BY links (compaction copies them into PRESCRIBED_BY).
MATCH (c:Claim)-[:PRESCRIBED_BY_ADDED]->(n:Doctor)
RETURN c.id AS claim_id, n.id AS id

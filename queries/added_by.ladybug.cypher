// The added BY links (compaction copies them into BY).
MATCH (c:Claim)-[:BY_ADDED]->(n:Patient)
RETURN c.id AS claim_id, n.id AS id

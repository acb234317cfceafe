// The added WITH_CARD links (compaction copies them into WITH_CARD).
MATCH (c:Claim)-[:WITH_CARD_ADDED]->(n:Card)
RETURN c.id AS claim_id, n.id AS id

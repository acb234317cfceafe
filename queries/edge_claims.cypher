// The claims behind given browsing edges (entity pairs, by edge kind) settled inside the time window.
UNWIND $holds AS pr MATCH (:Patient {id: pr.a})<-[:BY]-(c:Claim)-[:WITH_CARD]->(:Card {id: pr.b})
WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN 'HOLDS' AS kind, pr.a AS a, pr.b AS b, c.id AS claim_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount
UNION ALL
UNWIND $treated AS pr MATCH (:Patient {id: pr.a})<-[:BY]-(c:Claim)-[:PRESCRIBED_BY]->(:Doctor {id: pr.b})
WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN 'TREATED' AS kind, pr.a AS a, pr.b AS b, c.id AS claim_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount
UNION ALL
UNWIND $visited AS pr MATCH (:Patient {id: pr.a})<-[:BY]-(c:Claim)-[:AT]->(:Institution {id: pr.b})
WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN 'VISITED' AS kind, pr.a AS a, pr.b AS b, c.id AS claim_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount
UNION ALL
UNWIND $used_at AS pr MATCH (:Card {id: pr.a})<-[:WITH_CARD]-(c:Claim)-[:AT]->(:Institution {id: pr.b})
WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN 'USED_AT' AS kind, pr.a AS a, pr.b AS b, c.id AS claim_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount
UNION ALL
UNWIND $works_at AS pr MATCH (:Doctor {id: pr.a})<-[:PRESCRIBED_BY]-(c:Claim)-[:AT]->(:Institution {id: pr.b})
WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN 'WORKS_AT' AS kind, pr.a AS a, pr.b AS b, c.id AS claim_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount

// Claim count, amounts and first and last settlement of one entity, given as a one-element list of its type.
UNWIND $patients AS i MATCH (c:Claim)-[:BY]->(:Patient {id: i})
RETURN 'patient' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
UNWIND $cards AS i MATCH (c:Claim)-[:WITH_CARD]->(:Card {id: i})
RETURN 'card' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
UNWIND $doctors AS i MATCH (c:Claim)-[:PRESCRIBED_BY]->(:Doctor {id: i})
RETURN 'doctor' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
UNWIND $institutions AS i MATCH (c:Claim)-[:AT]->(:Institution {id: i})
RETURN 'institution' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last

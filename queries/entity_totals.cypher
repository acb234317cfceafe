// Claim count, amounts and first and last settlement of one entity, given as a one-element list of its type.
MATCH (n:Patient)<-[:BY]-(c:Claim) WHERE n.id IN $patients
RETURN 'patient' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
MATCH (n:Card)<-[:WITH_CARD]-(c:Claim) WHERE n.id IN $cards
RETURN 'card' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
MATCH (n:Doctor)<-[:PRESCRIBED_BY]-(c:Claim) WHERE n.id IN $doctors
RETURN 'doctor' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
MATCH (n:Institution)<-[:AT]-(c:Claim) WHERE n.id IN $institutions
RETURN 'institution' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last

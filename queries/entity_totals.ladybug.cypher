// Claim count, amounts and first and last settlement of one entity, given as a one-element list of its type.
// LadybugDB: a claim's link is in the stored table or, loaded by a later load, in its _ADDED
// table (queries/schema.ladybug.cypher): both are walked.
MATCH (n:Patient)<-[:BY|BY_ADDED]-(c:Claim) WHERE n.id IN $patients
RETURN 'patient' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
MATCH (n:Card)<-[:WITH_CARD|WITH_CARD_ADDED]-(c:Claim) WHERE n.id IN $cards
RETURN 'card' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
MATCH (n:Doctor)<-[:PRESCRIBED_BY|PRESCRIBED_BY_ADDED]-(c:Claim) WHERE n.id IN $doctors
RETURN 'doctor' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last
UNION ALL
MATCH (n:Institution)<-[:AT|AT_ADDED]-(c:Claim) WHERE n.id IN $institutions
RETURN 'institution' AS type, count(c) AS claims, sum(c.total_amount) AS total_amount, sum(c.fund_amount) AS fund_amount, min(c.settled_at) AS first, max(c.settled_at) AS last

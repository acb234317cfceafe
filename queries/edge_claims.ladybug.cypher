// The claims behind browsing edges, fetched through each edge's source entity (patients for
// HOLDS, TREATED, VISITED; cards for USED_AT; doctors for WORKS_AT) inside the time window;
// Only claims whose other end is a shown entity come back; the caller assigns them to edges.
// LadybugDB: a claim's link is in the stored table or, loaded by a later load, in its _ADDED
// table (queries/schema.ladybug.cypher): both are walked.
MATCH (p:Patient)<-[:BY|BY_ADDED]-(c:Claim) WHERE p.id IN $patients
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until
  AND (c.card_id IN $shown_cards OR c.doctor_id IN $shown_doctors OR c.institution_id IN $shown_institutions)
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount
UNION ALL
MATCH (k:Card)<-[:WITH_CARD|WITH_CARD_ADDED]-(c:Claim) WHERE k.id IN $cards
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until AND c.institution_id IN $shown_institutions
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount
UNION ALL
MATCH (d:Doctor)<-[:PRESCRIBED_BY|PRESCRIBED_BY_ADDED]-(c:Claim) WHERE d.id IN $doctors
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until AND c.institution_id IN $shown_institutions
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.settled_at AS settled_at, c.fund_amount AS fund_amount, c.total_amount AS total_amount

// The claims touching any of these patients, cards, doctors or institutions inside the time window
// (each part capped at $limit; the caller merges, orders by time and says when it capped).
// (The window is applied after the id match, in a WITH, so planners start from the few ids, not all claims.)
// LadybugDB: a claim's link is in the stored table or, loaded by a later load, in its _ADDED
// table (queries/schema.ladybug.cypher): both are walked.
MATCH (n:Patient)<-[:BY|BY_ADDED]-(c:Claim) WHERE n.id IN $patients
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.visit_type AS visit_type, c.settled_at AS settled_at, c.admitted_on AS admitted_on, c.discharged_on AS discharged_on, c.total_amount AS total_amount, c.fund_amount AS fund_amount, c.diagnosis AS diagnosis, c.operator_id AS operator_id ORDER BY settled_at, claim_id LIMIT $limit
UNION ALL
MATCH (n:Card)<-[:WITH_CARD|WITH_CARD_ADDED]-(c:Claim) WHERE n.id IN $cards
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.visit_type AS visit_type, c.settled_at AS settled_at, c.admitted_on AS admitted_on, c.discharged_on AS discharged_on, c.total_amount AS total_amount, c.fund_amount AS fund_amount, c.diagnosis AS diagnosis, c.operator_id AS operator_id ORDER BY settled_at, claim_id LIMIT $limit
UNION ALL
MATCH (n:Doctor)<-[:PRESCRIBED_BY|PRESCRIBED_BY_ADDED]-(c:Claim) WHERE n.id IN $doctors
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.visit_type AS visit_type, c.settled_at AS settled_at, c.admitted_on AS admitted_on, c.discharged_on AS discharged_on, c.total_amount AS total_amount, c.fund_amount AS fund_amount, c.diagnosis AS diagnosis, c.operator_id AS operator_id ORDER BY settled_at, claim_id LIMIT $limit
UNION ALL
MATCH (n:Institution)<-[:AT|AT_ADDED]-(c:Claim) WHERE n.id IN $institutions
WITH c WHERE c.settled_at >= $since AND c.settled_at <= $until
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.visit_type AS visit_type, c.settled_at AS settled_at, c.admitted_on AS admitted_on, c.discharged_on AS discharged_on, c.total_amount AS total_amount, c.fund_amount AS fund_amount, c.diagnosis AS diagnosis, c.operator_id AS operator_id ORDER BY settled_at, claim_id LIMIT $limit

// These claims, by id, in the analytic schema.
UNWIND $ids AS i MATCH (c:Claim {id: i})
RETURN c.id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.institution_id AS institution_id, c.doctor_id AS doctor_id, c.visit_type AS visit_type, c.settled_at AS settled_at, c.admitted_on AS admitted_on, c.discharged_on AS discharged_on, c.total_amount AS total_amount, c.fund_amount AS fund_amount, c.diagnosis AS diagnosis, c.operator_id AS operator_id

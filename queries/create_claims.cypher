// Add new claims (ids checked absent in the same transaction) with their patient, card and institution links.
UNWIND $rows AS r
MATCH (p:Patient {id: r.patient_id}), (k:Card {id: r.card_id}), (i:Institution {id: r.institution_id})
CREATE (c:Claim {id: r.claim_id, patient_id: r.patient_id, card_id: r.card_id,
                 institution_id: r.institution_id, doctor_id: r.doctor_id, visit_type: r.visit_type,
                 settled_at: r.settled_at, admitted_on: r.admitted_on, discharged_on: r.discharged_on,
                 total_amount: r.total_amount, fund_amount: r.fund_amount, diagnosis: r.diagnosis,
                 operator_id: r.operator_id})
CREATE (c)-[:BY]->(p)
CREATE (c)-[:WITH_CARD]->(k)
CREATE (c)-[:AT]->(i)

// Create or update doctors from the doctors reference file (its values replace older ones).
UNWIND $rows AS r
MERGE (n:Doctor {id: r.id})
SET n.name = r.name, n.institution_id = r.institution_id

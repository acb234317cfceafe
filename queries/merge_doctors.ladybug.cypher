// Update doctors that already exist from the doctors reference file (its values replace older
// ones), from an Arrow table of k_-prefixed columns. LadybugDB only: new doctors are bulk-copied
// by the caller; LOAD FROM joins the table in one scan where UNWIND … MERGE matched row by row.
LOAD FROM $rows
MATCH (n:Doctor) WHERE n.id = k_id
SET n.name = k_name, n.institution_id = k_institution_id

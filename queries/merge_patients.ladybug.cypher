// Update patients that already exist from the patients reference file (its values replace older
// ones), from an Arrow table of k_-prefixed columns. LadybugDB only: new patients are bulk-copied
// by the caller; LOAD FROM joins the table in one scan where UNWIND … MERGE matched row by row.
LOAD FROM $rows
MATCH (n:Patient) WHERE n.id = k_id
SET n.name = k_name, n.birth_year = k_birth_year, n.sex = k_sex, n.region = k_region,
    n.phone = k_phone, n.address = k_address

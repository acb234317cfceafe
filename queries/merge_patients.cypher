// Create or update patients from the patients reference file (its values replace older ones).
UNWIND $rows AS r
MERGE (n:Patient {id: r.id})
SET n.name = r.name, n.birth_year = r.birth_year, n.sex = r.sex, n.region = r.region,
    n.phone = r.phone, n.address = r.address

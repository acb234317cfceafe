// Doctors' reference properties, by id.
UNWIND $ids AS i MATCH (n:Doctor {id: i})
RETURN n.id AS id, n.name AS name, n.institution_id AS institution_id

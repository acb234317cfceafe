// Doctors' reference properties, by id.
MATCH (n:Doctor) WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, n.institution_id AS institution_id

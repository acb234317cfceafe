// Doctors' reference properties, by id.
// One primary-key lookup per id (an `IN` list test would scan every node of the label).
UNWIND $ids AS i MATCH (n:Doctor {id: i})
RETURN n.id AS id, n.name AS name, n.institution_id AS institution_id

// Patients' reference properties, by id.
// One primary-key lookup per id (an `IN` list test would scan every node of the label).
UNWIND $ids AS i MATCH (n:Patient {id: i})
RETURN n.id AS id, n.name AS name, n.birth_year AS birth_year, n.sex AS sex, n.region AS region, n.phone AS phone, n.address AS address

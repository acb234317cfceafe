// Patients' reference properties, by id.
UNWIND $ids AS i MATCH (n:Patient {id: i})
RETURN n.id AS id, n.name AS name, n.birth_year AS birth_year, n.sex AS sex, n.region AS region, n.phone AS phone, n.address AS address

// Patients' reference properties, by id.
MATCH (n:Patient) WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, n.birth_year AS birth_year, n.sex AS sex, n.region AS region, n.phone AS phone, n.address AS address

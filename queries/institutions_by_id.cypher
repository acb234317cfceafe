// Institutions' reference properties, by id.
// One primary-key lookup per id (an `IN` list test would scan every node of the label).
UNWIND $ids AS i MATCH (n:Institution {id: i})
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.level AS level, n.region AS region, n.lat AS lat, n.lon AS lon

// Institutions' reference properties, by id.
MATCH (n:Institution) WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.level AS level, n.region AS region, n.lat AS lat, n.lon AS lon

// Create or update institutions from the institutions reference file (its values replace older ones).
UNWIND $rows AS r
MERGE (n:Institution {id: r.id})
SET n.name = r.name, n.kind = r.kind, n.level = r.level, n.region = r.region, n.lat = r.lat, n.lon = r.lon

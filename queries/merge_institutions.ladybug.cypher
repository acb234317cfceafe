// Update institutions that already exist from the institutions reference file (its values replace
// older ones), from an Arrow table of k_-prefixed columns. LadybugDB only: new institutions are
// bulk-copied by the caller; LOAD FROM joins the table in one scan where UNWIND … MERGE matched row by row.
LOAD FROM $rows
MATCH (n:Institution) WHERE n.id = k_id
SET n.name = k_name, n.kind = k_kind, n.level = k_level, n.region = k_region, n.lat = k_lat, n.lon = k_lon

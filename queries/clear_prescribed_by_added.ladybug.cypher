// Remove every added PRESCRIBED_BY link (compaction, once they are copied into PRESCRIBED_BY).
MATCH (:Claim)-[d:PRESCRIBED_BY_ADDED]->(:Doctor) DELETE d

// Remove every added WORKS_AT row (compaction, once their totals are in the stored edges).
MATCH (:Doctor)-[d:WORKS_AT_ADDED]->(:Institution) DELETE d

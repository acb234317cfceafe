// Remove every added USED_AT row (compaction, once their totals are in the stored edges).
MATCH (:Card)-[d:USED_AT_ADDED]->(:Institution) DELETE d

// Remove every added TREATED row (compaction, once their totals are in the stored edges).
MATCH (:Patient)-[d:TREATED_ADDED]->(:Doctor) DELETE d

// Remove every added VISITED row (compaction, once their totals are in the stored edges).
MATCH (:Patient)-[d:VISITED_ADDED]->(:Institution) DELETE d

// Remove every added HOLDS row (compaction, once their totals are in the stored edges).
MATCH (:Patient)-[d:HOLDS_ADDED]->(:Card) DELETE d

// Remove every added BY link (compaction, once they are copied into BY).
MATCH (:Claim)-[d:BY_ADDED]->(:Patient) DELETE d

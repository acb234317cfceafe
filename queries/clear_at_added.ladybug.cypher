// Remove every added AT link (compaction, once they are copied into AT).
MATCH (:Claim)-[d:AT_ADDED]->(:Institution) DELETE d

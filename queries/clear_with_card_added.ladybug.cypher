// Remove every added WITH_CARD link (compaction, once they are copied into WITH_CARD).
MATCH (:Claim)-[d:WITH_CARD_ADDED]->(:Card) DELETE d

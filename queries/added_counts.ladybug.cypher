// How many added rows each relationship kind holds (see compaction in LadybugStore.compact).
MATCH (:Patient)-[d:HOLDS_ADDED]->(:Card)
RETURN 'HOLDS' AS kind, count(d) AS n
UNION ALL
MATCH (:Patient)-[d:TREATED_ADDED]->(:Doctor)
RETURN 'TREATED' AS kind, count(d) AS n
UNION ALL
MATCH (:Patient)-[d:VISITED_ADDED]->(:Institution)
RETURN 'VISITED' AS kind, count(d) AS n
UNION ALL
MATCH (:Card)-[d:USED_AT_ADDED]->(:Institution)
RETURN 'USED_AT' AS kind, count(d) AS n
UNION ALL
MATCH (:Doctor)-[d:WORKS_AT_ADDED]->(:Institution)
RETURN 'WORKS_AT' AS kind, count(d) AS n
UNION ALL
MATCH (:Claim)-[d:BY_ADDED]->(:Patient)
RETURN 'BY' AS kind, count(d) AS n
UNION ALL
MATCH (:Claim)-[d:WITH_CARD_ADDED]->(:Card)
RETURN 'WITH_CARD' AS kind, count(d) AS n
UNION ALL
MATCH (:Claim)-[d:AT_ADDED]->(:Institution)
RETURN 'AT' AS kind, count(d) AS n
UNION ALL
MATCH (:Claim)-[d:PRESCRIBED_BY_ADDED]->(:Doctor)
RETURN 'PRESCRIBED_BY' AS kind, count(d) AS n

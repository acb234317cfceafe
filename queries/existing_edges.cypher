// Which of these entity pairs already have an aggregated browsing edge, by edge kind.
UNWIND $holds AS pr MATCH (:Patient {id: pr.a})-[:HOLDS]->(:Card {id: pr.b}) RETURN 'HOLDS' AS kind, pr.a AS a, pr.b AS b
UNION ALL
UNWIND $treated AS pr MATCH (:Patient {id: pr.a})-[:TREATED]->(:Doctor {id: pr.b}) RETURN 'TREATED' AS kind, pr.a AS a, pr.b AS b
UNION ALL
UNWIND $visited AS pr MATCH (:Patient {id: pr.a})-[:VISITED]->(:Institution {id: pr.b}) RETURN 'VISITED' AS kind, pr.a AS a, pr.b AS b
UNION ALL
UNWIND $used_at AS pr MATCH (:Card {id: pr.a})-[:USED_AT]->(:Institution {id: pr.b}) RETURN 'USED_AT' AS kind, pr.a AS a, pr.b AS b
UNION ALL
UNWIND $works_at AS pr MATCH (:Doctor {id: pr.a})-[:WORKS_AT]->(:Institution {id: pr.b}) RETURN 'WORKS_AT' AS kind, pr.a AS a, pr.b AS b

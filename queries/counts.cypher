// How many claims, patients, cards, doctors, institutions and rings the graph holds.
MATCH (n:Claim) RETURN 'claims' AS what, count(n) AS n
UNION ALL
MATCH (n:Patient) RETURN 'patients' AS what, count(n) AS n
UNION ALL
MATCH (n:Card) RETURN 'cards' AS what, count(n) AS n
UNION ALL
MATCH (n:Doctor) RETURN 'doctors' AS what, count(n) AS n
UNION ALL
MATCH (n:Institution) RETURN 'institutions' AS what, count(n) AS n
UNION ALL
MATCH (n:Ring) RETURN 'rings' AS what, count(n) AS n

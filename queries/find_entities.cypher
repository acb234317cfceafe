// Entities of the wanted types whose id equals or starts with the text, at most $limit per type.
MATCH (n:Patient) WHERE 'patient' IN $types AND n.id STARTS WITH $text
RETURN 'patient' AS type, n.id AS id ORDER BY id LIMIT $limit
UNION ALL
MATCH (n:Card) WHERE 'card' IN $types AND n.id STARTS WITH $text
RETURN 'card' AS type, n.id AS id ORDER BY id LIMIT $limit
UNION ALL
MATCH (n:Doctor) WHERE 'doctor' IN $types AND n.id STARTS WITH $text
RETURN 'doctor' AS type, n.id AS id ORDER BY id LIMIT $limit
UNION ALL
MATCH (n:Institution) WHERE 'institution' IN $types AND n.id STARTS WITH $text
RETURN 'institution' AS type, n.id AS id ORDER BY id LIMIT $limit

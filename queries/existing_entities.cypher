// Which of these patients, cards, doctors and institutions already exist, by type.
UNWIND $patients AS i MATCH (n:Patient {id: i}) RETURN 'patient' AS type, n.id AS id
UNION ALL
UNWIND $cards AS i MATCH (n:Card {id: i}) RETURN 'card' AS type, n.id AS id
UNION ALL
UNWIND $doctors AS i MATCH (n:Doctor {id: i}) RETURN 'doctor' AS type, n.id AS id
UNION ALL
UNWIND $institutions AS i MATCH (n:Institution {id: i}) RETURN 'institution' AS type, n.id AS id

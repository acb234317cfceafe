// Cards, by id (a card has no properties beyond its id).
UNWIND $ids AS i MATCH (n:Card {id: i})
RETURN n.id AS id

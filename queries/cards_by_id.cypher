// Cards, by id (a card has no properties beyond its id).
MATCH (n:Card) WHERE n.id IN $ids
RETURN n.id AS id

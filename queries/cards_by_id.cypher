// Cards, by id (a card has no properties beyond its id).
// One primary-key lookup per id (an `IN` list test would scan every node of the label).
UNWIND $ids AS i MATCH (n:Card {id: i})
RETURN n.id AS id

// Make sure these card ids exist as Card nodes, leaving any properties they already have.
UNWIND $ids AS i
MERGE (n:Card {id: i})

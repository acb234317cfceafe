// Make sure these patient ids exist as Patient nodes, leaving any properties they already have.
UNWIND $ids AS i
MERGE (n:Patient {id: i})

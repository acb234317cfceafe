// Make sure these doctor ids exist as Doctor nodes, leaving any properties they already have.
UNWIND $ids AS i
MERGE (n:Doctor {id: i})

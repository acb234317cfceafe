// Make sure these institution ids exist as Institution nodes, leaving any properties they already have.
UNWIND $ids AS i
MERGE (n:Institution {id: i})

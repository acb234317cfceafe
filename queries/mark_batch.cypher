// Record that an analytic batch or reference-file version is fully loaded into this store.
MERGE (b:Batch {id: $id})

// Remove a Batch record (LadybugDB: a merging load's edge totals still to add, once they are added).
MATCH (b:Batch {id: $id})
DELETE b

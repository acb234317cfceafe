// The analytic batches and reference-file versions already loaded into this store.
MATCH (b:Batch) RETURN b.id AS id

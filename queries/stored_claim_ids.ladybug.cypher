// Which of these claim ids (an Arrow table with one column, k_id) are already in the graph.
// LadybugDB only: LOAD FROM joins the table with one scan; UNWIND of a list with MATCH by id
// cost a scan per chunk and seconds per thousand ids.
LOAD FROM $rows
MATCH (n:Claim) WHERE n.id = k_id
RETURN n.id AS id

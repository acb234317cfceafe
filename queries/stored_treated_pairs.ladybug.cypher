// Which of these (Patient, Doctor) pairs (an Arrow table with columns k_a, k_b) already have a TREATED edge.
// LadybugDB only: LOAD FROM joins the table with one scan; UNWIND of a list of maps with MATCH
// took seconds per thousand pairs.
LOAD FROM $rows
MATCH (a:Patient)-[:TREATED]->(b:Doctor) WHERE a.id = k_a AND b.id = k_b
RETURN a.id AS a, b.id AS b

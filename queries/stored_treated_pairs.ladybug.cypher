// Which of these (Patient, Doctor) pairs (an Arrow table with columns k_a, k_b) already have a TREATED edge.
// LadybugDB only: LOAD FROM joins the table with one scan; UNWIND of a list of maps with MATCH
// took seconds per thousand pairs.
// The rows find their `a` nodes by id first and only those nodes' edges are read: the whole
// pattern in one MATCH scanned every edge of the kind (61 pairs at 5M claims 0.75 s -> 0.01 s;
// 30,000 pairs 0.86 -> 0.20 s).
LOAD FROM $rows
MATCH (a:Patient) WHERE a.id = k_a
MATCH (a)-[:TREATED]->(b:Doctor) WHERE b.id = k_b
RETURN a.id AS a, b.id AS b

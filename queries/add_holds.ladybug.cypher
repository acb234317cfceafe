// Add a batch of new claims' totals to HOLDS edges (Patient–Card) that already exist, from an Arrow table
// (k_a, k_b, k_claims, k_fund_amount, k_total_amount, k_first, k_last). LadybugDB only: LOAD FROM
// joins the table with one scan, where UNWIND of a list of maps with MATCH … MERGE took 27 s per
// thousand rows; missing edges are bulk-copied by the caller, never created here.
LOAD FROM $rows
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE a.id = k_a AND b.id = k_b
SET e.claims = e.claims + k_claims,
    e.fund_amount = e.fund_amount + k_fund_amount,
    e.total_amount = e.total_amount + k_total_amount,
    e.first = CASE WHEN e.first IS NULL OR k_first < e.first THEN k_first ELSE e.first END,
    e.last = CASE WHEN e.last IS NULL OR k_last > e.last THEN k_last ELSE e.last END

// Append a merging load's TREATED pair totals, one row per pair (from id, to id, then totals).
COPY TREATED_ADDED FROM $rows

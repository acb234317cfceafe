// Append a merging load's HOLDS pair totals, one row per pair (from id, to id, then totals).
COPY HOLDS_ADDED FROM $rows

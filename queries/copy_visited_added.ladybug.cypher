// Append a merging load's VISITED pair totals, one row per pair (from id, to id, then totals).
COPY VISITED_ADDED FROM $rows

// Append a merging load's totals for VISITED edges already stored, one row per pair (from id, to id, then totals).
COPY VISITED_ADDED FROM $rows

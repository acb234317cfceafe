// Append a merging load's USED_AT pair totals, one row per pair (from id, to id, then totals).
COPY USED_AT_ADDED FROM $rows

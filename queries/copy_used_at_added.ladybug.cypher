// Append a merging load's totals for USED_AT edges already stored, one row per pair (from id, to id, then totals).
COPY USED_AT_ADDED FROM $rows

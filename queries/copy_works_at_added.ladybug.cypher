// Append a merging load's totals for WORKS_AT edges already stored, one row per pair (from id, to id, then totals).
COPY WORKS_AT_ADDED FROM $rows

// Append a merging load's totals for TREATED edges already stored, one row per pair (from id, to id, then totals).
COPY TREATED_ADDED FROM $rows

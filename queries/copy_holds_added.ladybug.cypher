// Append a merging load's totals for HOLDS edges already stored, one row per pair (from id, to id, then totals).
COPY HOLDS_ADDED FROM $rows

// Append a merging load's WORKS_AT pair totals, one row per pair (from id, to id, totals, registered).
COPY WORKS_AT_ADDED FROM $rows

// Bulk-load new USED_AT relationships from an Arrow table (from id, to id, then properties).
COPY USED_AT FROM $rows

// Bulk-load new WORKS_AT relationships from an Arrow table (from id, to id, then properties).
COPY WORKS_AT FROM $rows

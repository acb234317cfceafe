// Bulk-load new HOLDS relationships from an Arrow table (from id, to id, then properties).
COPY HOLDS FROM $rows

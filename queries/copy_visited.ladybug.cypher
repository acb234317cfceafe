// Bulk-load new VISITED relationships from an Arrow table (from id, to id, then properties).
COPY VISITED FROM $rows

// Bulk-load new TREATED relationships from an Arrow table (from id, to id, then properties).
COPY TREATED FROM $rows

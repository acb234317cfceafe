// Bulk-load new BY relationships from an Arrow table (from id, to id, then properties).
COPY BY FROM $rows

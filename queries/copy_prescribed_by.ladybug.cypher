// Bulk-load new PRESCRIBED_BY relationships from an Arrow table (from id, to id, then properties).
COPY PRESCRIBED_BY FROM $rows

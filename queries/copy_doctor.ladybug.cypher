// Bulk-load new Doctor nodes from an Arrow table whose ids are known to be absent.
COPY Doctor FROM $rows

// Bulk-load new Patient nodes from an Arrow table whose ids are known to be absent.
COPY Patient FROM $rows

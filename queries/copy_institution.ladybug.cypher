// Bulk-load new Institution nodes from an Arrow table whose ids are known to be absent.
COPY Institution FROM $rows

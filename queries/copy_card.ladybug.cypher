// Bulk-load new Card nodes from an Arrow table whose ids are known to be absent.
COPY Card FROM $rows

// Bulk-load new Claim nodes from an Arrow table whose ids are known to be absent.
COPY Claim FROM $rows

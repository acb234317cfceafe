// Bulk-load new WITH_CARD relationships from an Arrow table (from id, to id, then properties).
COPY WITH_CARD FROM $rows

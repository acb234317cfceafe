// Bulk-load new AT relationships from an Arrow table (from id, to id, then properties).
COPY AT FROM $rows

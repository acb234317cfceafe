// Bulk-link rings to member institutions from an Arrow table (ring id, institution id, role) whose institutions exist.
COPY INVOLVES FROM $rows (from='Ring', to='Institution')

// Bulk-link rings to member doctors from an Arrow table (ring id, doctor id, role) whose doctors exist.
COPY INVOLVES FROM $rows (from='Ring', to='Doctor')

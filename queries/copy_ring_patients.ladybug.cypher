// Bulk-link rings to member patients from an Arrow table (ring id, patient id, role) whose patients exist.
COPY INVOLVES FROM $rows (from='Ring', to='Patient')

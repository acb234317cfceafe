// Bulk-link rings to member cards from an Arrow table (ring id, card id, role) whose cards exist.
COPY INVOLVES FROM $rows (from='Ring', to='Card')

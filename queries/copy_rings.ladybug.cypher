// Bulk-create Ring nodes from an Arrow table (id, score, pattern, fund_amount, first_seen, last_seen).
COPY Ring FROM $rows

// Bulk-link rings to their claims from an Arrow table (ring id, claim id) whose claims exist.
COPY INCLUDES FROM $rows

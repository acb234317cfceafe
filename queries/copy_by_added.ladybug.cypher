// Append a merging load's BY links (claim id, patient id).
COPY BY_ADDED FROM $rows

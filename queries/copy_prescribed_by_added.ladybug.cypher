// Append a merging load's PRESCRIBED_BY links (claim id, doctor id).
COPY PRESCRIBED_BY_ADDED FROM $rows

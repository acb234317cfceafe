// Append a merging load's AT links (claim id, institution id).
COPY AT_ADDED FROM $rows

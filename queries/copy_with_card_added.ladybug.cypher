// Append a merging load's WITH_CARD links (claim id, card id).
COPY WITH_CARD_ADDED FROM $rows

// Remove every stored ring and its links (rings are replaced as a whole by each detection).
// LadybugDB: the ring tables are dropped, and made again from schema.ladybug.cypher in the same
// transaction (LadybugStore.store_rings): a DETACH DELETE of a city's rings visits every link
// (7.9 s of a 15M-claim increment), a drop does not; a failed replacement rolls the drop back.
DROP TABLE IF EXISTS INCLUDES;
DROP TABLE IF EXISTS INVOLVES;
DROP TABLE IF EXISTS Ring;

// Remove every stored ring and its links (rings are replaced as a whole by each detection).
MATCH (r:Ring) DETACH DELETE r

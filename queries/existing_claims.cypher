// Which of these claim ids are already in the graph (so a load adds only new claims).
UNWIND $ids AS i
MATCH (c:Claim {id: i})
RETURN c.id AS id

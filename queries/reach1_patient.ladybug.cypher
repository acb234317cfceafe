// The entities one browsing edge from one patient ($id) over all time (no window test: on a hub's 2-hop walk it costs more than the walk),
// each with the claims on the edge reaching it. Anchored on the start's id: one walk from one node.
// LadybugDB: a pair's totals are its stored row plus the rows later loads added in KIND_ADDED
// (queries/schema.ladybug.cypher), so both tables are walked and summed.
MATCH (s:Patient)-[e:HOLDS|HOLDS_ADDED]->(y:Card) WHERE s.id = $id
RETURN 'card' AS type, y.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:TREATED|TREATED_ADDED]->(y:Doctor) WHERE s.id = $id
RETURN 'doctor' AS type, y.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (s:Patient)-[e:VISITED|VISITED_ADDED]->(y:Institution) WHERE s.id = $id
RETURN 'institution' AS type, y.id AS id, sum(e.claims) AS claims

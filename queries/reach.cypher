// The entities one browsing edge away from a frontier (typed id lists) inside the time window,
// each with the claims on the edges that reach it (one row per entity and edge kind).
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE a.id IN $patients AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'card' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE b.id IN $cards AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:TREATED]->(b:Doctor) WHERE a.id IN $patients AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'doctor' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:TREATED]->(b:Doctor) WHERE b.id IN $doctors AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:VISITED]->(b:Institution) WHERE a.id IN $patients AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Patient)-[e:VISITED]->(b:Institution) WHERE b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Card)-[e:USED_AT]->(b:Institution) WHERE a.id IN $cards AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Card)-[e:USED_AT]->(b:Institution) WHERE b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'card' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution) WHERE a.id IN $doctors AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution) WHERE b.id IN $institutions AND coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'doctor' AS type, a.id AS id, sum(e.claims) AS claims

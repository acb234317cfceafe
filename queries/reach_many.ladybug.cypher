// The entities one browsing edge away from a large frontier (typed id lists) inside the time window,
// each with the claims on the edges that reach it. LadybugDB only: its IN test scans the list for
// every row, so frontiers of thousands go through UNWIND and primary-key lookups instead (which
// cost a scan per branch even for a few ids: small frontiers use `reach`).
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:HOLDS]->(b:Card) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'card' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $cards AS i MATCH (a:Patient)-[e:HOLDS]->(b:Card {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:TREATED]->(b:Doctor) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'doctor' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $doctors AS i MATCH (a:Patient)-[e:TREATED]->(b:Doctor {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $patients AS i MATCH (a:Patient {id: i})-[e:VISITED]->(b:Institution) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $institutions AS i MATCH (a:Patient)-[e:VISITED]->(b:Institution {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'patient' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $cards AS i MATCH (a:Card {id: i})-[e:USED_AT]->(b:Institution) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $institutions AS i MATCH (a:Card)-[e:USED_AT]->(b:Institution {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'card' AS type, a.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $doctors AS i MATCH (a:Doctor {id: i})-[e:WORKS_AT]->(b:Institution) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'institution' AS type, b.id AS id, sum(e.claims) AS claims
UNION ALL
UNWIND $institutions AS i MATCH (a:Doctor)-[e:WORKS_AT]->(b:Institution {id: i}) WHERE coalesce(e.last, $since) >= $since AND coalesce(e.first, $until) <= $until
RETURN 'doctor' AS type, a.id AS id, sum(e.claims) AS claims

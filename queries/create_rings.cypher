// Store rings (their scores, patterns, amounts and dates) as Ring nodes.
UNWIND $rows AS r
CREATE (:Ring {id: r.id, score: r.score, pattern: r.pattern, fund_amount: r.fund_amount, first_seen: r.first_seen, last_seen: r.last_seen})

"""The alert list matches all rings at once by a join on shared people and claims; it must find
the match a scan of every old ring finds, on many random overlapping rings."""

from __future__ import annotations

import numpy as np
import pytest

from graph.detect.alerts import _matches, _people, compare
from graph.detect.ring import Evidence, Ring


def _rings(rng, n, tag, span=80):
    out = []
    for k in range(n):
        base = int(rng.integers(0, span))
        people = sorted({f"P{base + int(x)}" for x in rng.integers(0, 6, int(rng.integers(1, 7)))})
        claims = sorted({f"c{base * 3 + int(x)}" for x in rng.integers(0, 12, int(rng.integers(1, 10)))})
        members = {"patients": people, "cards": []} if k % 4 else {"patients": [], "cards": people}
        out.append(Ring(f"{tag}{k:04d}", round(float(rng.random()), 3), "card_collection", members, claims,
                        float(len(claims)), "2024-01-01", "2024-01-02", [Evidence("证据", "evidence", claims)]))
    return out


def _scan(r, old_people, old_claims):
    """The rule as a scan of every old ring, in the old order (what _matches must give)."""
    people, claims = _people(r), set(r.claim_ids)
    best, best_key = None, (0, 0)
    for k in range(len(old_people)):
        sp, sc = len(people & old_people[k]), len(claims & old_claims[k])
        by_people = sp / (min(len(people), len(old_people[k])) or 1) >= 0.5 and sp > 0
        by_claims = sc / (min(len(claims), len(old_claims[k])) or 1) >= 0.5 and sc > 0
        if (by_people or by_claims) and (sp, sc) > best_key:
            best, best_key = k, (sp, sc)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_joined_matches_equal_a_scan_of_every_old_ring(seed):
    rng = np.random.default_rng(seed)
    old, new = _rings(rng, 60, "O"), _rings(rng, 60, "N", span=160)  # some beyond the old ones
    old_people = [_people(o) for o in old]
    old_claims = [set(o.claim_ids) for o in old]
    got = _matches(new, old_people, old_claims)
    want = [_scan(r, old_people, old_claims) for r in new]
    assert got == want
    assert any(k is None for k in want) and sum(k is not None for k in want) > 10  # both kinds occur
    kinds = {a["kind"] for a in compare(old, new)}
    assert kinds == {"new", "grew"}


def test_no_previous_rings_and_no_rings():
    rng = np.random.default_rng(0)
    assert _matches(_rings(rng, 3, "N"), [], []) == [None, None, None]
    assert _matches([], [{"patient:P1"}], [{"c1"}]) == []
    assert [a["kind"] for a in compare(None, _rings(rng, 2, "N"))] == ["new", "new"]


def test_the_chinese_alert_list_names_each_pattern_in_chinese():
    from graph.detect.alerts import format_alerts
    from reports.patterns import pattern_name

    rng = np.random.default_rng(3)
    old = _rings(rng, 3, "O")
    grown = [Ring(r.ring_id.replace("O", "N"), r.score, r.pattern, {k: v + ["P999"] for k, v in r.members.items()},
                  r.claim_ids + ["c999"], r.fund_amount + 1, r.first_seen, r.last_seen, r.evidence) for r in old]
    alerts = compare(old, grown + _rings(np.random.default_rng(4), 1, "X", span=5000))
    zh = format_alerts(alerts)
    assert {a["kind"] for a in alerts} == {"new", "grew"}
    assert "card_collection" not in zh and zh.count(pattern_name("card_collection")) == len(alerts)
    assert "card_collection" in format_alerts(alerts, lang="en")

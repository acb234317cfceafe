"""merge() looks only at rings that share a person with a candidate; it must pick the same home
as a scan of every ring (the rule it had before), on many random overlapping candidates."""

from __future__ import annotations

import numpy as np
import pytest

from graph.detect.candidate import Candidate
from graph.detect.merge import NAMED_FIRST, _people, merge

PATTERNS = ["card_collection", "impersonation", "drug_reselling", "community", "community"]


def _scan(candidates, overlap=0.5, same=0.8):
    """The rule as a scan of every ring: (pattern, people, detectors of parts) per ring."""
    order = sorted(candidates, key=lambda c: (NAMED_FIRST.get(c.pattern, 0), -c.strength, -len(c.rows),
                                              int(c.rows[0]) if len(c.rows) else -1, c.detector))
    rings = []
    for c in order:
        people = set(_people(c).tolist())
        home = None
        for r in rings:
            shared = len(people & r["people"])
            small = min(len(people), len(r["people"])) or 1
            if shared / small < overlap:
                continue
            if c.pattern == "community" and len(people) > 2 * len(r["people"]):
                continue
            if c.pattern in ("community", r["pattern"]) or shared / small >= same:
                home = r
                break
        if home is None:
            rings.append({"pattern": c.pattern, "people": set(people), "parts": [c]})
        else:
            home["parts"].append(c)
            if c.pattern != "community":
                home["people"] |= people
    out = []
    for r in rings:
        named = [p for p in r["parts"] if p.pattern != "community"] or r["parts"]
        rows = sorted({int(x) for p in named for x in p.rows})
        out.append((r["pattern"], sorted({p.detector for p in r["parts"]}), rows))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_merge_picks_the_homes_a_scan_of_every_ring_picks(seed):
    rng = np.random.default_rng(seed)
    cands = []
    for k in range(150):
        base = int(rng.integers(0, 60))
        people = np.unique(base + rng.integers(0, 8, int(rng.integers(1, 9))))
        pattern = PATTERNS[int(rng.integers(0, len(PATTERNS)))]
        cands.append(Candidate(pattern, f"d{k % 7}", rows=np.array([k]), patients=people if k % 5 else [],
                               cards=people, strength=float(rng.choice([0.3, 0.5, 0.7, 0.9]))))
    got = [(c.pattern, c.detectors, c.rows.tolist()) for c in merge(cands)]
    want = _scan(cands)
    assert got == want
    assert len(got) < len(cands)  # the case merges things

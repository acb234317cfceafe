"""The alert list matches each ring only against old rings that share a person or a claim; it
must find the match a scan of every old ring finds, on many random overlapping rings."""

from __future__ import annotations

import numpy as np
import pytest

from graph.detect.alerts import _match, _people, compare
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


@pytest.mark.parametrize("seed", range(6))
def test_indexed_match_equals_a_scan_of_every_old_ring(seed):
    rng = np.random.default_rng(seed)
    old, new = _rings(rng, 60, "O"), _rings(rng, 60, "N", span=160)  # some beyond the old ones
    old_people = [_people(o) for o in old]
    old_claims = [set(o.claim_ids) for o in old]
    got = [_match(r, old, old_people, old_claims, *_indexes(old_people, old_claims)) for r in new]
    want = [_match(r, old, old_people, old_claims) for r in new]
    assert got == want
    assert any(k is None for k in want) and sum(k is not None for k in want) > 10  # both kinds occur
    kinds = {a["kind"] for a in compare(old, new)}
    assert kinds == {"new", "grew"}


def _indexes(old_people, old_claims):
    from graph.detect.alerts import _index

    return _index(old_people), _index(old_claims)

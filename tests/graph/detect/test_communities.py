"""Shared-identifier components: scipy's sparse components, numbered as igraph numbers them."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest

from graph.detect.communities import _components


@pytest.mark.parametrize("n,m,seed", [(1, 0, 0), (12, 5, 1), (300, 120, 2), (5000, 4000, 3), (2000, 6000, 4)])
def test_components_equal_igraph_membership(n, m, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    want = ig.Graph(n=n, edges=np.c_[a, b].tolist()).connected_components().membership
    assert _components(n, a, b).tolist() == want


def test_components_of_isolated_nodes_and_self_loops():
    assert _components(4, np.array([2]), np.array([2])).tolist() == [0, 1, 2, 3]
    assert _components(5, np.array([3, 1]), np.array([1, 4])).tolist() == [0, 1, 2, 1, 1]


def _people_claims(ids, day, tag):
    import pandas as pd

    return pd.DataFrame({"claim_id": [f"{tag}{k}" for k in range(len(ids))], "patient_id": ids,
                         "card_id": [f"K{p}" for p in ids], "institution_id": "H1",
                         "settled_at": pd.Timestamp(f"2024-01-{day:02d} 09:00"), "total_amount": 10.0})


def _shared_run(old_frame, batch, patients, kept=None):
    """shared_identifiers on the kept frame plus ``batch``, with the communities memo of an
    increment (``kept``: the last run's record) or of a full run (None): (candidates, memo)."""
    from graph.detect import kept_frame
    from graph.detect.communities import shared_identifiers
    from graph.detect.memo import Memo

    f, new_rows = kept_frame.extend(kept_frame.rows_of(old_frame), old_frame.labels, batch, patients=patients,
                                    patient_ref=old_frame.patient_ref)
    memo = Memo(f, "communities", kept, new_rows)
    f.cache["memos"] = {"communities": memo}
    return f, shared_identifiers(f), memo


def _encoded(f, cands):
    from graph.detect.memo import encode_candidate

    return [encode_candidate(f, c) for c in cands]


def test_shared_components_kept_only_while_none_of_their_people_has_a_new_claim():
    """Two phone-sharing groups (A: 7 people, B: 6) and a card shared by two others (C): a batch
    with a late claim for an old day by a member of A, claims of people in no group, and a new
    person who takes C's card. A is described again (its people are unchanged: a batch that
    touches existing members only), B is reused, C grows by the new person; every candidate
    equals a plain run's on all the claims."""
    import pandas as pd

    from graph.detect.communities import shared_identifiers
    from graph.detect.frame import ClaimFrame

    a = [f"A{k}" for k in range(7)]
    b = [f"B{k}" for k in range(6)]
    patients = pd.DataFrame({"patient_id": a + b + ["C0", "C1", "C2", "X0", "X1"],
                             "phone": ["1380"] * 7 + ["1390"] * 6 + [None] * 5})
    base = pd.concat([_people_claims(a + b + ["X0"], 3, "o"), _people_claims(a + b, 5, "p"),
                      _people_claims(["C0"], 4, "q"), _people_claims(["C1"], 4, "r").assign(card_id="KC0")],
                     ignore_index=True)
    old = ClaimFrame(base, patients=patients)
    f0, first, memo0 = _shared_run(old, base.iloc[:0], patients)  # the full run that records
    assert memo0.stats["described"] == 3 and len(first) == 3
    batch = pd.concat([_people_claims(["A3"], 1, "late"),  # late: before every kept claim
                       _people_claims(["X0", "X1"], 9, "n"),
                       _people_claims(["C2"], 9, "m").assign(card_id="KC0")], ignore_index=True)
    f, got, memo = _shared_run(old, batch, patients, kept=memo0.record())
    want = shared_identifiers(ClaimFrame(pd.concat([base, batch], ignore_index=True), patients=patients))
    assert _encoded(f, got) == _encoded(f, want)
    assert memo.stats["reused"] == 1 and memo.stats["described"] == 2  # B kept; A (late claim) and C redone
    assert sorted(f.ids("patient", got[-1].patients)) == ["C0", "C1", "C2"]

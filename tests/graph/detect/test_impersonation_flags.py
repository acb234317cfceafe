"""Per-claim impersonation flags kept between runs: an increment's flags equal a full recount,
also where a new claim changes an old claim's flags (a trip made impossible by a late claim
settled between two old ones, a card that gains a second holder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.detect.frame import ClaimFrame
from graph.detect.impersonation import flags, kept_flags
from graph.detect.memo import Memo, StateMismatch

INST = pd.DataFrame({"institution_id": ["H1", "H2", "H3"], "region": ["R1", "R2", "R1"],
                     "lat": [30.0, 31.0, 30.02], "lon": [120.0, 121.0, 120.02]})
PATS = pd.DataFrame({"patient_id": ["A", "B", "C", "D"], "sex": ["男", "女", "男", "女"],
                     "birth_year": [1950, 1990, 2010, 1985], "region": ["R1", "R1", "R2", "R1"]})


def _claims(rows) -> pd.DataFrame:
    c = pd.DataFrame(rows, columns=["claim_id", "patient_id", "card_id", "institution_id", "settled_at", "diagnosis"])
    c["settled_at"] = pd.to_datetime(c["settled_at"])
    c["total_amount"] = 100.0
    return c


OLD = [("c1", "A", "K1", "H1", "2024-03-01 09:00", "J06"), ("c2", "A", "K1", "H3", "2024-03-01 11:00", "J06"),
       ("c3", "B", "K2", "H1", "2024-03-02 10:00", "O80"), ("c4", "C", "K3", "H2", "2024-03-02 11:00", "I10"),
       ("c5", "D", "K4", "H1", "2024-03-03 08:00", "N40"), ("c6", "B", "K2", "H3", "2024-03-04 10:00", "J06")]
NEW = [("n1", "A", "K1", "H2", "2024-03-01 10:00", "J06"),   # between c1 and c2: two impossible trips
       ("n2", "D", "K2", "H1", "2024-03-05 09:00", "J06"),   # K2 now under two people
       ("n3", "C", "K5", "H2", "2024-03-05 12:00", "P07")]   # a fresh card


def _run(old_rows, new_rows):
    f0 = ClaimFrame(_claims(old_rows), institutions=INST, patients=PATS)
    m0 = Memo(f0, "impersonation")
    full0 = kept_flags(f0, m0)
    pd.testing.assert_frame_equal(full0, flags(f0))
    f1 = ClaimFrame(_claims(old_rows + new_rows), institutions=INST, patients=PATS)
    new_mask = np.isin(np.asarray(f1.claim_ids(np.arange(f1.n))), [r[0] for r in new_rows])
    m1 = Memo(f1, "impersonation", {"items": {}, "arrays": {"flags": m0.record()["arrays"]["flags"]}}, new_mask)
    return f1, m1, kept_flags(f1, m1)


def test_increment_flags_equal_a_full_recount_where_new_claims_change_old_ones():
    f1, m1, got = _run(OLD, NEW)
    want = flags(f1)
    pd.testing.assert_frame_equal(got, want)
    # the case is not trivial: old claims' flags changed, and only the touched cards were redone
    f0 = ClaimFrame(_claims(OLD), institutions=INST, patients=PATS)
    before = flags(f0)
    ids0, ids1 = f0.claim_ids(np.arange(f0.n)), f1.claim_ids(np.arange(f1.n))
    changed = [c for c in ids0 if (before.iloc[ids0.index(c)] != want.iloc[ids1.index(c)]).any()]
    assert {"c1", "c2", "c3", "c6"} <= set(changed)
    assert m1.stats["flagged_afresh"] < f1.n
    assert np.array_equal(m1.arrays["flags"], m1.arrays["flags"].astype(np.uint8))


def test_the_flags_of_a_restricted_row_set_equal_those_rows_of_the_whole():
    f = ClaimFrame(_claims(OLD + NEW), institutions=INST, patients=PATS)
    rows = f.rows_of("card", np.array([0, 1]))  # whole cards K1, K2
    pd.testing.assert_frame_equal(flags(f, rows), flags(f).iloc[rows].reset_index(drop=True))


def test_kept_flags_of_another_claim_set_are_refused():
    f1, m1, _ = _run(OLD, NEW)
    bad = Memo(f1, "impersonation", {"items": {}, "arrays": {"flags": np.zeros(2, dtype=np.uint8)}}, m1.new_rows)
    with pytest.raises(StateMismatch):
        kept_flags(f1, bad)

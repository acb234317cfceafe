"""A ClaimFrame from an Arrow table (what detection reads from the analytic copy) equals the
one from the same claims as a DataFrame, array for array, and so gives the same rings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from graph.detect.frame import ClaimFrame

ARRAYS = ("patient", "card", "institution", "doctor", "operator", "diagnosis", "visit", "minute", "day",
          "admit_day", "discharge_day", "total", "fund", "p_region", "p_lat", "i_region")


def test_arrow_and_pandas_frames_agree(small_city):
    claims, refs = small_city["claims"], small_city["refs"]
    shuffled = claims.sample(frac=1, random_state=3).reset_index(drop=True)
    a = ClaimFrame(claims, **refs)
    b = ClaimFrame(pa.Table.from_pandas(shuffled, preserve_index=False), **refs)
    assert a.n == b.n == len(claims)
    assert a.claim_ids(range(a.n)) == b.claim_ids(range(b.n))
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
    for kind in a.labels:
        assert a.labels[kind].tolist() == b.labels[kind].tolist(), kind
    assert (a.doctor == -1).any() and (a.visit >= 0).all()


def test_missing_values_and_absent_columns_from_arrow():
    t = pa.table({"claim_id": ["c2", "c1", "c3"], "patient_id": ["P1", "P2", "P1"], "card_id": [None, "K2", "K1"],
                  "institution_id": ["H1", "H1", "H2"], "visit_type": ["PHARMACY", None, "门诊"],
                  "settled_at": pa.array([pd.Timestamp("2024-01-02 20:05"), pd.Timestamp("2024-01-02 09:00"), None],
                                         pa.timestamp("ns")),
                  "total_amount": [100.0, None, 5.0], "fund_amount": [80.0, 1.0, None]})
    f = ClaimFrame(t)
    assert f.claim_ids(range(3)) == ["c1", "c2", "c3"]  # no settlement time: last
    assert f.ids("card", f.card) == ["K1", "K2", "P1"] and f.labels["card"][f.card].tolist() == ["K2", "P1", "K1"]
    assert f.visit.tolist() == [-1, 2, -1] and f.doctor.tolist() == [-1, -1, -1]
    assert f.total.tolist() == [0.0, 100.0, 5.0] and f.fund.tolist() == [1.0, 80.0, 5.0]
    assert f.minute[2] == 0 and f.admit_day.tolist() == [-1, -1, -1]


def test_empty_table():
    f = ClaimFrame(pa.table({"claim_id": pa.array([], pa.string())}))
    assert f.n == 0 and f.claim_ids([]) == []


def test_rows_of_finds_every_row_of_the_codes(small_city):
    f = ClaimFrame(small_city["claims"], **small_city["refs"])
    rng = np.random.default_rng(5)
    for kind in ("patient", "card", "institution", "doctor", "operator"):
        col = getattr(f, kind)
        for _ in range(10):
            codes = rng.integers(-2, col.max() + 3, size=int(rng.integers(0, 40)))  # missing and unknown codes too
            got = f.rows_of(kind, codes)
            assert got.dtype == np.int64 and np.array_equal(got, np.flatnonzero(np.isin(col, codes))), kind

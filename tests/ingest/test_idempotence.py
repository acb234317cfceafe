"""Re-running changes nothing; a file split into batches, in any order, gives the same copy."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.analytic import batches, counts
from ingest.api import ingest_paths
from ringtrace.workspace import Workspace

from .conftest import ENGLISH, snapshot, sorted_claims, write_csv


def _claim(i: int, day: int, amount: int, resent_typo: bool = False) -> list[str]:
    settled = dt.datetime(2024, 1, 1) + dt.timedelta(days=day, minutes=i)
    return [f"C{i:04d}", f"P{i % 5}", "" if i % 3 else f"K{i % 5}", f"H{i % 4}", f"D{i % 6}",
            ["outpatient", "门诊", "pharmacy"][i % 3], settled.strftime("%Y-%m-%d %H:%M:%S"), "", "",
            f"{amount}.50", f"{amount // 2}", "", ""]


claims_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 400), st.integers(1, 5000)),
    min_size=1, max_size=40, unique_by=lambda t: t[0],
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claims=claims_strategy, cuts=st.lists(st.integers(0, 40), max_size=4), order=st.randoms(use_true_random=False),
       resend=st.lists(st.integers(0, 39), max_size=6))
def test_batches_in_any_order_equal_the_whole(claims, cuts, order, resend):
    rows = [_claim(i, d, a) for i, d, a in claims]
    rows += [rows[k % len(rows)] for k in resend]  # re-sent rows, identical content
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        whole = Workspace(tmp / "whole").ensure()
        ingest_paths(whole, [write_csv(tmp / "all.csv", ENGLISH, rows)], progress=False)

        bounds = sorted({0, len(rows), *[c % (len(rows) + 1) for c in cuts]})
        parts = [rows[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
        order.shuffle(parts)
        split = Workspace(tmp / "split").ensure()
        for n, part in enumerate(parts):
            ingest_paths(split, [write_csv(tmp / f"part{n}.csv", ENGLISH, part)], progress=False)

        pd.testing.assert_frame_equal(sorted_claims(whole), sorted_claims(split))
        assert counts(whole)["claims"] == len(claims) == counts(split)["claims"]
        assert counts(split)["quarantined"] == 0

        # a second run of everything changes nothing, byte for byte
        before, version = snapshot(split.root), split.version()
        report = ingest_paths(split, [tmp / f"part{n}.csv" for n in range(len(parts))], progress=False)
        assert report.loaded == 0 and not report.changed
        assert snapshot(split.root) == before and split.version() == version


def test_rerun_with_rejected_rows_adds_nothing(fresh_ws, tmp_path):
    rows = [_claim(i, i, 100) for i in range(10)]
    rows[3][6] = "not a date"
    rows.append(_claim(2, 2, 999))  # conflict with C0002
    src = write_csv(tmp_path / "claims.csv", ENGLISH, rows)
    first = ingest_paths(fresh_ws, [src], progress=False)
    assert (first.loaded, first.rejected, first.quarantined_new) == (9, 2, 2)
    before = snapshot(fresh_ws.root)
    again = ingest_paths(fresh_ws, [src], progress=False)
    assert (again.loaded, again.duplicates, again.rejected, again.quarantined_new) == (0, 9, 2, 0)
    assert snapshot(fresh_ws.root) == before
    assert len(batches(fresh_ws)) == 1
    # the same rows under another file are another source: quarantined again, with that file's lines
    copy = tmp_path / "copy" / "claims.csv"
    copy.parent.mkdir()
    shutil.copy(src, copy)
    copy.write_text(copy.read_text(encoding="utf-8") + ",".join(_claim(50, 1, 10)) + "\n", encoding="utf-8")
    third = ingest_paths(fresh_ws, [copy], progress=False)
    assert (third.loaded, third.quarantined_new) == (1, 2)
    assert counts(fresh_ws)["quarantined"] == 4

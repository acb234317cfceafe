"""A failure before commit leaves the workspace byte-identical; one during commit is finished later."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest import staging
from ingest.analytic import counts
from ingest.api import ingest_paths
from ringtrace.workspace import Workspace

from .conftest import ENGLISH, rows_plain, snapshot, sorted_claims, write_csv


def _inputs(tmp_path):
    first = write_csv(tmp_path / "a" / "claims.csv", ENGLISH, rows_plain()[:2])
    d = tmp_path / "b"
    rows = rows_plain()[2:] + [["C999", "", "", "H1", "", "", "bad", "", "", "1", "", "", ""]]
    write_csv(d / "claims.csv", ENGLISH, rows)
    write_csv(d / "patients.csv", ["patient_id", "card_id", "name"], [["P003", "K003", "张三"]])
    write_csv(d / "institutions.csv", ["institution_id", "name"], [["H01", "第一医院"]])
    return first, d


@pytest.mark.parametrize("where", ["commit", "claims", "quarantine"])
def test_failure_before_commit_leaves_workspace_byte_identical(fresh_ws, tmp_path, monkeypatch, where):
    first, second = _inputs(tmp_path)
    ingest_paths(fresh_ws, [first], progress=False)
    before, version = snapshot(fresh_ws.root), fresh_ws.version()

    def boom(*a, **k):
        raise RuntimeError("disk full")

    target = {"commit": (staging.Stage, "commit"), "claims": ("ingest.api._ClaimWriter.write", None),
              "quarantine": ("ingest.api._Quarantine.stage", None)}[where]
    if target[1]:
        monkeypatch.setattr(*target, boom)
    else:
        monkeypatch.setattr(target[0], boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_paths(fresh_ws, [second], progress=False)
    assert snapshot(fresh_ws.root) == before
    assert not fresh_ws.staging_dir.exists() and fresh_ws.version() == version


def test_commit_interrupted_midway_is_rolled_forward(fresh_ws, tmp_path, monkeypatch):
    first, second = _inputs(tmp_path)
    clean = Workspace(tmp_path / "clean").ensure()
    for ws in (fresh_ws, clean):
        ingest_paths(ws, [first], progress=False)
    ingest_paths(clean, [second], progress=False)

    real, calls = staging._move, []

    def dies_after_two(src, dst):
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped halfway through the renames
        calls.append(dst)
        real(src, dst)

    monkeypatch.setattr(staging, "_move", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(fresh_ws, [second], progress=False)
    monkeypatch.setattr(staging, "_move", real)
    assert counts(fresh_ws)["claims"] == 2  # the manifest, renamed last, was not reached

    report = ingest_paths(fresh_ws, [second], progress=False)  # the next run finishes the commit
    assert report.loaded == 0 and not fresh_ws.staging_dir.exists()
    pd.testing.assert_frame_equal(sorted_claims(fresh_ws), sorted_claims(clean))
    assert counts(fresh_ws) == counts(clean)

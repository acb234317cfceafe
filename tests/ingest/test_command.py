"""``ringtrace ingest``'s summary says how long the analytic copy and the graph load took, apart
(the scale benchmark reads them from ``--json``)."""

from __future__ import annotations

import json

from ringtrace.cli import main

from .conftest import rows_plain, write_csv
from ingest.columns import CLAIM_COLUMNS


def test_json_summary_times_the_two_halves(tmp_path, capsys):
    src = write_csv(tmp_path / "claims.csv", list(CLAIM_COLUMNS), rows_plain())
    assert main(["--home", str(tmp_path / "ws"), "ingest", str(src), "--json", "--no-progress"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["graph"]["claims_loaded"] == len(rows_plain())
    secs = doc["seconds"]
    assert set(secs) == {"analytic", "graph"} and all(v >= 0 for v in secs.values())
    # a second run loads nothing new into either half, and still reports both
    assert main(["--home", str(tmp_path / "ws"), "ingest", str(src), "--json", "--no-progress"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["graph"]["claims_loaded"] == 0 and set(again["seconds"]) == {"analytic", "graph"}


def test_text_summary_names_both_times(tmp_path, capsys):
    src = write_csv(tmp_path / "claims.csv", list(CLAIM_COLUMNS), rows_plain())
    assert main(["--home", str(tmp_path / "ws"), "ingest", str(src), "--no-progress"]) == 0
    cap = capsys.readouterr()
    assert "analytic copy" in cap.out and "graph load" in cap.out
    # said on stderr before the graph load starts, so a failed load still shows it
    assert f"analytic copy committed: {len(rows_plain()):,} claims in " in cap.err

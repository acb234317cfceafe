"""The issue's "Done when": a GB18030 export with Chinese headers, hundreds of bad rows and
re-sent rows; every good row loaded once, every bad row quarantined with reason and line, and
a second run changes nothing, as ``ringtrace status --json`` shows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ingest.analytic import quarantine_file, read_claims
from ringtrace.cli import main

from .conftest import CHINESE, write_csv

BAD_FORMS = [
    ("bad_datetime", 6, "2024-02-30 25:61:00"),
    ("negative_amount", 9, "-88.5"),
    ("bad_amount", 9, "一百"),
    ("missing_required", 1, ""),
    ("unknown_visit_type", 5, "急诊留观"),
]


def _export(rng: np.random.Generator, n_good: int = 1500, n_bad: int = 300, n_resent: int = 200):
    rows, bad_lines = [], {}
    for i in range(n_good):
        rows.append([f"JS{i:06d}", f"3309021950{i % 400:04d}{i % 10:03d}X"[:18], "", f"H{i % 30:03d}",
                     f"D{i % 90:03d}", ["门诊", "住院", "药店购药"][i % 3],
                     f"2024/{1 + i % 12}/{1 + i % 28} {i % 24}:{i % 60:02d}", "", "",
                     f"{rng.integers(10, 5000)}.{i % 100:02d}", "10", "I10", f"OP{i % 7}"])
    good_ids = [r[0] for r in rows]
    for k in range(n_bad):
        code, col, value = BAD_FORMS[k % len(BAD_FORMS)]
        row = list(rows[k])
        row[0] = f"BAD{k:05d}"
        row[col] = value
        rows.append(row)
    resent = [list(rows[int(j)]) for j in rng.choice(n_good, n_resent, replace=False)]
    rows += resent
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    for line, row in enumerate(rows, start=2):
        if row[0].startswith("BAD"):
            bad_lines[line] = BAD_FORMS[int(row[0][3:]) % len(BAD_FORMS)][0]
        elif row[0] == "":
            bad_lines[line] = "missing_required"
    return rows, good_ids, bad_lines


def _status(home, capsys) -> dict:
    assert main(["--home", str(home), "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_done_when(tmp_path, capsys):
    rows, good_ids, bad_lines = _export(np.random.default_rng(3))
    # the missing_required form blanks the claim id; those rows are found by their empty id
    src = write_csv(tmp_path / "结算明细.csv", CHINESE, rows, "gb18030")
    home = tmp_path / "ws"
    assert main(["--home", str(home), "ingest", str(src)]) == 0
    out = capsys.readouterr().out
    assert "拒收 rejected 300" in out and "重复 duplicates 200" in out
    first = _status(home, capsys)
    assert first["claims"] == len(good_ids) and first["quarantined"] == 300

    class W:  # the workspace root is all analytic needs here
        root = home
        claims_dir = home / "claims"
        reference_dir = home / "reference"

    claims = read_claims(W)
    assert sorted(claims["claim_id"]) == sorted(good_ids)  # each good row exactly once
    assert claims["claim_id"].is_unique
    q = pd.read_csv(quarantine_file(W), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(q) == 300
    assert dict(zip(q["line"].astype(int), q["reason_codes"])) == bad_lines
    assert (q["source_file"] == str(src)).all()

    assert main(["--home", str(home), "ingest", str(src)]) == 0
    out = capsys.readouterr().out
    assert "载入 loaded 0" in out and "workspace unchanged" in out
    assert _status(home, capsys) == first

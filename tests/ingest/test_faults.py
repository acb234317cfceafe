"""Broken rows of every reason, and the whole-file faults that stop a run cleanly."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.analytic import counts, quarantine_file
from ingest.api import ingest_paths
from ringtrace.cli import main
from ringtrace.errors import InputError

from .conftest import CHINESE, ENGLISH, rows_plain, snapshot, write_csv

GOOD = ["C100", "P1", "K1", "H1", "D1", "outpatient", "2024-03-05 14:02:11", "", "", "100", "50", "J06.9", "OP1"]


def _row(**changes) -> list[str]:
    row = dict(zip(ENGLISH, GOOD))
    row.update(changes)
    return [row[c] for c in ENGLISH]


BROKEN = [  # (row, expected reason codes); line numbers follow from the order (header = line 1)
    (_row(), None),
    (_row(claim_id="", ), "missing_required"),
    (_row(claim_id="C102", settled_at="2024-13-45 10:00:00"), "bad_datetime"),
    (_row(claim_id="C103", total_amount="abc"), "bad_amount"),
    (_row(claim_id="C104", total_amount="-5", fund_amount=""), "negative_amount"),
    (_row(claim_id="C105", total_amount="100", fund_amount="200"), "fund_exceeds_total"),
    (_row(claim_id="C106", visit_type="inpatient", admitted_on="2024-03-10", discharged_on="2024-03-05"),
     "admit_after_discharge"),
    (_row(claim_id="C107", visit_type="急诊X"), "unknown_visit_type"),
    (_row(total_amount="101"), "duplicate_conflict"),  # C100 again, different content
    (_row(), None),  # C100 again, identical: a duplicate, not a rejection
    (_row(claim_id="C110", patient_id=" \u3000", settled_at="soon", total_amount="-1", fund_amount="x"),
     "missing_required;bad_datetime;bad_amount;negative_amount"),
    (_row(claim_id="C111", settled_at="2024-02-30 08:00:00"), "bad_datetime"),
]


def test_every_reason_is_quarantined_with_its_line(fresh_ws, tmp_path):
    src = write_csv(tmp_path / "claims.csv", ENGLISH, [r for r, _ in BROKEN])
    report = ingest_paths(fresh_ws, [src], progress=False)
    expected = [(i + 2, codes) for i, (_, codes) in enumerate(BROKEN) if codes]
    assert (report.read, report.loaded, report.duplicates, report.rejected) == (12, 1, 1, len(expected))
    q = pd.read_csv(quarantine_file(fresh_ws), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(zip(q["line"].astype(int), q["reason_codes"])) == expected
    assert list(q.columns[:6]) == ["run_id", "source_file", "line", "reason_codes", "message_zh", "message_en"]
    assert list(q.columns[6:]) == ENGLISH  # the original cells, as read
    assert q.loc[q["line"] == "5", "total_amount"].item() == "abc"
    assert q.loc[q["line"] == "10", "total_amount"].item() == "101"
    assert all(q["message_zh"].str.len() > 0) and all(q["message_en"].str.len() > 0)
    assert "结算时间“soon”" in q.loc[q["line"] == "12", "message_zh"].item()
    assert "not overwritten" in q.loc[q["line"] == "10", "message_en"].item()
    assert quarantine_file(fresh_ws).read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it
    assert report.reasons["bad_datetime"] == 3 and report.reasons["missing_required"] == 2
    assert counts(fresh_ws)["quarantined"] == len(expected)


def test_malformed_rows_and_quoted_newlines_keep_exact_lines(fresh_ws, tmp_path):
    path = tmp_path / "claims.csv"
    good = ",".join(GOOD)
    path.write_text(
        ",".join(ENGLISH) + "\n"
        + good + "\n"  # line 2
        + good.replace("C100", "C200").replace("J06.9", '"J06.9\nsecond line"') + "\n"  # lines 3-4
        + "\n"  # line 5, blank
        + "C300,P1\n"  # line 6, too few fields
        + good.replace("C100", "C400").replace("-03-05", "-03-99") + "\n",  # line 7, bad date
        encoding="utf-8",
    )
    report = ingest_paths(fresh_ws, [path], progress=False)
    q = pd.read_csv(quarantine_file(fresh_ws), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(zip(q["line"].astype(int), q["reason_codes"])) == [(6, "malformed_row"), (7, "bad_datetime")]
    assert q.loc[0, "raw_text"] == "C300,P1"
    assert report.loaded == 2


def _ws_with_data(fresh_ws, tmp_path):
    ingest_paths(fresh_ws, [write_csv(tmp_path / "first" / "claims.csv", ENGLISH, rows_plain())], progress=False)
    return snapshot(fresh_ws.root)


def test_missing_required_column_stops_and_names_aliases(fresh_ws, tmp_path):
    before = _ws_with_data(fresh_ws, tmp_path)
    header = [h for h in CHINESE if h != "结算时间"]
    rows = [r[:6] + r[7:] for r in rows_plain()]
    src = write_csv(tmp_path / "bad" / "claims.csv", header, rows, "gb18030")
    with pytest.raises(InputError) as e:
        ingest_paths(fresh_ws, [src], progress=False)
    msg = str(e.value)
    assert str(src) in msg and "缺少必填列 settled_at（结算时间）" in msg and "is missing" in msg
    assert "settled_at (结算时间, 结算日期) [required]" in msg and "claim_id (结算单号, 结算流水号, 就诊流水号)" in msg
    assert snapshot(fresh_ws.root) == before


def test_fault_in_any_file_loads_nothing(fresh_ws, tmp_path):
    before = _ws_with_data(fresh_ws, tmp_path)
    d = tmp_path / "folder"
    write_csv(d / "claims.csv", ENGLISH, [r for r, _ in BROKEN])
    write_csv(d / "doctors.csv", ["name", "institution_id"], [["王医生", "H1"]])
    with pytest.raises(InputError, match="doctor_id"):
        ingest_paths(fresh_ws, [d], progress=False)
    assert snapshot(fresh_ws.root) == before


def test_empty_file_is_a_whole_file_fault(fresh_ws, tmp_path):
    (tmp_path / "claims.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        ingest_paths(fresh_ws, [tmp_path / "claims.csv"], progress=False)
    assert snapshot(fresh_ws.root) == {}


def test_header_only_file_loads_zero_rows(fresh_ws, tmp_path):
    before = _ws_with_data(fresh_ws, tmp_path)
    version = fresh_ws.version()
    report = ingest_paths(fresh_ws, [write_csv(tmp_path / "h" / "claims.csv", CHINESE, [], "gb18030")], progress=False)
    assert (report.read, report.loaded, report.rejected, report.changed) == (0, 0, 0, False)
    assert snapshot(fresh_ws.root) == before and fresh_ws.version() == version


def test_undecodable_line_is_named(fresh_ws, tmp_path):
    path = tmp_path / "claims.csv"
    text = ",".join(CHINESE) + "\n" + "\n".join(",".join(r) for r in rows_plain()) + "\n"
    data = text.encode("gb18030")
    lines = data.split(b"\n")
    lines[4] = lines[4].replace(b"C004", b"C\xff\xff4")  # line 5 damaged
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match=r"Line 5 cannot be decoded as gb18030"):
        ingest_paths(fresh_ws, [path], progress=False)
    assert snapshot(fresh_ws.root) == {}


def test_cli_exit_codes_and_summary(tmp_path, capsys):
    home = tmp_path / "ws"
    good = write_csv(tmp_path / "claims.csv", ENGLISH, [r for r, _ in BROKEN])
    assert main(["--home", str(home), "ingest", str(good)]) == 0
    out = capsys.readouterr().out
    assert "loaded 1" in out and "duplicate_conflict" in out and "quarantine.csv" in out
    (tmp_path / "empty.csv").write_bytes(b"")
    assert main(["--home", str(home), "ingest", str(tmp_path / "empty.csv")]) == 2
    err = capsys.readouterr().err
    assert "empty.csv" in err and "empty" in err

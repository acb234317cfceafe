"""Encodings, line numbers and cell text of the readers."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.encoding import scan_text
from ingest.readers import open_source
from ringtrace.errors import InputError, WorkspaceError

from .conftest import write_xlsx


def test_ascii_start_then_gb18030_is_detected(tmp_path):
    # 70 kB of ASCII before the first Chinese character: the sample cannot tell, the scan can
    path = tmp_path / "claims.csv"
    body = "claim_id,patient_id\n" + "".join(f"C{i:06d},P{i}\n" for i in range(7000)) + "C9,张三\n"
    path.write_bytes(body.encode("gb18030"))
    assert scan_text(path).encoding == "gb18030"


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes("\ufeffclaim_id,patient_id\r\nC1,P1\r\nC2,P2\r\n".encode("utf-8"))
    src = open_source(path, "claims")
    chunk = next(src.chunks())
    assert src.encoding == "utf-8-sig" and src.headers == ["claim_id", "patient_id"]
    assert chunk.frame["patient_id"].tolist() == ["P1", "P2"] and chunk.lines.tolist() == [2, 3]


def test_xlsx_lines_skip_empty_rows_and_keep_numbers(tmp_path):
    path = write_xlsx(tmp_path / "claims.xlsx", ["claim_id", "settled_at", "total_amount"],
                      [["C1", dt.datetime(2024, 3, 5, 14, 2, 11), 12.5], [None, None, None], ["C2", 45356, 3.0]])
    chunk = next(open_source(path, "claims").chunks())
    assert chunk.lines.tolist() == [2, 4]
    assert chunk.frame.to_dict("list") == {"claim_id": ["C1", "C2"], "settled_at": ["2024-03-05 14:02:11", "45356"],
                                           "total_amount": ["12.5", "3"]}


def test_parquet_times_in_milliseconds_print_as_whole_seconds_unless_they_have_a_fraction(tmp_path):
    """A data platform's timestamp[ms] column reads as the common text form the validator parses
    in one pass; a real fraction of a second is kept, and both parse to the exact instant."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ingest.datetimes import parse_datetimes

    times = [dt.datetime(2024, 3, 5, 14, 2, 11), None]
    pq.write_table(pa.table({"claim_id": ["C1", "C2"], "settled_at": pa.array(times, pa.timestamp("ms"))}),
                   tmp_path / "a.parquet")
    pq.write_table(pa.table({"claim_id": ["C3"], "settled_at": pa.array([dt.datetime(2024, 3, 5, 14, 2, 11, 250000)],
                                                                         pa.timestamp("ms"))}), tmp_path / "b.parquet")
    whole = next(open_source(tmp_path / "a.parquet", "claims").chunks()).frame["settled_at"]
    part = next(open_source(tmp_path / "b.parquet", "claims").chunks()).frame["settled_at"]
    assert whole.tolist()[0] == "2024-03-05 14:02:11" and whole.isna().tolist() == [False, True]
    assert part.tolist() == ["2024-03-05 14:02:11.250"]
    assert parse_datetimes(whole)[0] == dt.datetime(2024, 3, 5, 14, 2, 11)
    assert parse_datetimes(part)[0] == dt.datetime(2024, 3, 5, 14, 2, 11, 250000)


def test_not_a_spreadsheet(tmp_path):
    (tmp_path / "claims.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="cannot be read as xlsx"):
        open_source(tmp_path / "claims.xlsx", "claims")


def test_busy_workspace_is_refused(fresh_ws, tmp_path):
    from ingest.api import ingest_paths

    path = tmp_path / "claims.csv"
    path.write_text("claim_id,patient_id,institution_id,settled_at,total_amount\nC1,P1,H1,2024-01-01,1\n")
    with fresh_ws.lock("detect"):
        with pytest.raises(WorkspaceError, match="busy"):
            ingest_paths(fresh_ws, [path], progress=False)


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    import sys

    from ingest.api import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    with _progress(True, 10, "x") as bar:
        assert not bar.disable
    monkeypatch.setenv("CI", "true")
    with _progress(True, 10, "x") as bar:
        assert bar.disable
    monkeypatch.delenv("CI")
    with _progress(False, 10, "x") as bar:
        assert bar.disable

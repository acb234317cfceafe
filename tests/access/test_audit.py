import json
import multiprocessing
import stat

import pytest

from access import audit
from access.audit import GENESIS, entries, entry_hash, record, verify


def _fill(ws, n=6):
    for i in range(n):
        record(ws, f"user{i % 2}", "investigator", "view_ring", f"R{i:04d}", {"i": i})


def _lines(ws):
    return ws.audit_log.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(ws, lines):
    ws.audit_log.write_text("".join(lines), encoding="utf-8")


def test_entries_are_chained(fresh_ws):
    _fill(fresh_ws)
    es = entries(fresh_ws)
    assert [e["seq"] for e in es] == [1, 2, 3, 4, 5, 6]
    assert es[0]["prev"] == GENESIS
    for a, b in zip(es, es[1:]):
        assert b["prev"] == a["hash"] == entry_hash(a)
    assert set(es[0]) == {"seq", "at", "user", "role", "action", "target", "detail", "prev", "hash"}
    assert verify(fresh_ws).ok and verify(fresh_ws).entries == 6
    assert stat.S_IMODE(fresh_ws.audit_log.stat().st_mode) == 0o600


def test_an_edited_entry_is_found(fresh_ws):
    _fill(fresh_ws)
    lines = _lines(fresh_ws)
    lines[2] = lines[2].replace('"user0"', '"mallory"')
    _write(fresh_ws, lines)
    v = verify(fresh_ws)
    assert not v.ok and v.line == 3 and v.seq == 3 and "edited" in v.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(fresh_ws):
    _fill(fresh_ws)
    lines = _lines(fresh_ws)
    e = json.loads(lines[1])
    e["target"] = "R9999"
    e["hash"] = entry_hash(e)
    lines[1] = json.dumps(e, ensure_ascii=False) + "\n"
    _write(fresh_ws, lines)
    v = verify(fresh_ws)
    assert not v.ok and v.line == 3 and "prev" in v.reason


def test_a_deleted_entry_is_found(fresh_ws):
    _fill(fresh_ws)
    lines = _lines(fresh_ws)
    del lines[3]
    _write(fresh_ws, lines)
    v = verify(fresh_ws)
    assert not v.ok and v.line == 4 and "deleted" in v.reason


def test_reordered_entries_are_found(fresh_ws):
    _fill(fresh_ws)
    lines = _lines(fresh_ws)
    lines[1], lines[2] = lines[2], lines[1]
    _write(fresh_ws, lines)
    v = verify(fresh_ws)
    assert not v.ok and v.line == 2


def test_entries_cut_off_the_end_are_found(fresh_ws):
    _fill(fresh_ws)
    _write(fresh_ws, _lines(fresh_ws)[:-2])
    v = verify(fresh_ws)
    assert not v.ok and "cut off the end" in v.reason


def test_a_damaged_line_is_reported_and_recording_goes_on(fresh_ws):
    _fill(fresh_ws, 3)
    with open(fresh_ws.audit_log, "a", encoding="utf-8") as f:
        f.write('{"seq": 4, "at": "trunc\n')
    record(fresh_ws, "wang", "investigator", "search", "", {"text": "H001"})
    v = verify(fresh_ws)
    assert not v.ok and v.line == 4 and "JSON" in v.reason
    assert entries(fresh_ws)[-1]["action"] == "search"


def test_actions_must_be_snake_case_names(fresh_ws):
    with pytest.raises(ValueError):
        record(fresh_ws, "wang", "investigator", "View Ring", "R1")
    assert not fresh_ws.audit_log.exists() or entries(fresh_ws) == []


def test_details_are_stored_as_they_print(fresh_ws):
    from datetime import date
    from pathlib import Path

    import numpy as np

    record(fresh_ws, "wang", "police", "export", "R1", {"n": np.int64(3), "day": date(2024, 1, 2), "p": Path("/x")})
    assert verify(fresh_ws).ok
    assert entries(fresh_ws)[0]["detail"] == {"n": 3, "day": "2024-01-02", "p": "/x"}


def _writer(root, k):
    from ringtrace.workspace import Workspace

    ws = Workspace(root)
    for i in range(15):
        record(ws, f"proc{k}", "investigator", "view_ring", f"R{i:04d}")


def test_concurrent_writers_keep_one_chain(fresh_ws):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(fresh_ws.root), k)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    v = verify(fresh_ws)
    assert v.ok and v.entries == 60


def test_cli_records_as_the_os_user(fresh_ws):
    e = audit.record_cli(fresh_ws, "detect", "rings.json", {"rings": 3})
    assert e["role"] == "cli" and e["user"]

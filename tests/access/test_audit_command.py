import json

from access.audit import record
from ringtrace.cli import main


def _fill(ws):
    record(ws, "wang", "investigator", "login", "wang")
    record(ws, "wang", "investigator", "view_ring", "R0001")
    record(ws, "li", "leader", "view_entity", "patient:t_0123456789abcdef0123")


def test_table_and_json(fresh_ws, capsys):
    _fill(fresh_ws)
    assert main(["--home", str(fresh_ws.root), "audit"]) == 0
    out = capsys.readouterr().out
    assert "view_ring" in out and "R0001" in out and "leader" in out
    assert main(["--home", str(fresh_ws.root), "audit", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    for row in rows:
        assert {"at", "user", "role", "action", "target"} <= set(row)
    assert main(["--home", str(fresh_ws.root), "audit", "--json", "--user", "li"]) == 0
    assert [r["action"] for r in json.loads(capsys.readouterr().out)] == ["view_entity"]


def test_empty_trail(fresh_ws, capsys):
    assert main(["--home", str(fresh_ws.root), "audit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--home", str(fresh_ws.root), "audit", "--verify"]) == 0


def test_verify_names_the_broken_line(fresh_ws, capsys):
    _fill(fresh_ws)
    assert main(["--home", str(fresh_ws.root), "audit", "--verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out
    lines = fresh_ws.audit_log.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("R0001", "R0002")
    fresh_ws.audit_log.write_text("".join(lines), encoding="utf-8")
    assert main(["--home", str(fresh_ws.root), "audit", "--verify"]) == 4
    err = capsys.readouterr().err
    assert "line 2 (seq 2)" in err and "edited" in err

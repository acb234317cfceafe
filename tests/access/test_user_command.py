import io

import pytest

from access.audit import entries
from access.users import authenticate, list_users
from ringtrace.cli import main


def _stdin(monkeypatch, text):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_add_reads_one_line_of_password_and_is_audited(fresh_ws, monkeypatch, capsys):
    _stdin(monkeypatch, "pass word 1\nignored\n")
    assert main(["--home", str(fresh_ws.root), "user", "add", "wang", "--role", "police"]) == 0
    assert authenticate(fresh_ws, "wang", "pass word 1").role == "police"
    assert [e["action"] for e in entries(fresh_ws)][:1] == ["user_change"]
    assert "police" in capsys.readouterr().out


def test_short_password_is_refused(fresh_ws, monkeypatch, capsys):
    _stdin(monkeypatch, "short\n")
    assert main(["--home", str(fresh_ws.root), "user", "add", "wang", "--role", "police"]) == 2
    assert "at least 8" in capsys.readouterr().err
    assert list_users(fresh_ws) == []


def test_no_password_on_stdin(fresh_ws, monkeypatch, capsys):
    _stdin(monkeypatch, "")
    assert main(["--home", str(fresh_ws.root), "user", "add", "wang", "--role", "police"]) == 2
    assert "standard input" in capsys.readouterr().err


def test_unknown_role_is_refused_by_the_parser(fresh_ws, monkeypatch):
    _stdin(monkeypatch, "long-enough\n")
    with pytest.raises(SystemExit):
        main(["--home", str(fresh_ws.root), "user", "add", "wang", "--role", "boss"])


def test_list_disable_enable(fresh_ws, monkeypatch, capsys):
    _stdin(monkeypatch, "long-enough\n")
    main(["--home", str(fresh_ws.root), "user", "add", "wang", "--role", "leader"])
    assert main(["--home", str(fresh_ws.root), "user", "disable", "wang"]) == 0
    assert list_users(fresh_ws)[0]["disabled"]
    capsys.readouterr()
    assert main(["--home", str(fresh_ws.root), "user", "list"]) == 0
    assert "disabled" in capsys.readouterr().out
    assert main(["--home", str(fresh_ws.root), "user", "enable", "wang"]) == 0
    assert main(["--home", str(fresh_ws.root), "user", "disable", "nobody"]) == 2

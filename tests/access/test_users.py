import sqlite3
import stat

import pytest
from argon2 import PasswordHasher

from access import audit
from access.users import LoginFailed, User, UserError, add_user, authenticate, list_users, set_disabled


def _hash_of(ws, name):
    with sqlite3.connect(ws.app_db) as con:
        return con.execute("SELECT hash FROM users WHERE name=?", (name,)).fetchone()[0]


def test_passwords_are_stored_only_as_argon2id_hashes(fresh_ws):
    add_user(fresh_ws, "wang", "investigator", "s3cret-pass")
    h = _hash_of(fresh_ws, "wang")
    assert h.startswith("$argon2id$")
    assert "s3cret-pass" not in fresh_ws.app_db.read_bytes().decode("latin-1")
    assert PasswordHasher().verify(h, "s3cret-pass")
    # memory-hard: at least the RFC 9106 low-memory profile (64 MiB, 3 passes)
    params = dict(kv.split("=") for kv in h.split("$")[3].split(","))
    assert int(params["m"]) >= 65536 and int(params["t"]) >= 3
    assert stat.S_IMODE(fresh_ws.app_db.stat().st_mode) == 0o600


def test_authenticate_and_update(fresh_ws):
    add_user(fresh_ws, "li", "leader", "first-password")
    assert authenticate(fresh_ws, "li", "first-password") == User("li", "leader")
    add_user(fresh_ws, "li", "police", "second-password")  # an update: new role and password
    with pytest.raises(LoginFailed):
        authenticate(fresh_ws, "li", "first-password")
    assert authenticate(fresh_ws, "li", "second-password").role == "police"
    assert [u["name"] for u in list_users(fresh_ws)] == ["li"]


def test_unknown_user_and_wrong_password_look_the_same(fresh_ws):
    add_user(fresh_ws, "wang", "investigator", "s3cret-pass")
    with pytest.raises(LoginFailed) as a:
        authenticate(fresh_ws, "nobody", "s3cret-pass")
    with pytest.raises(LoginFailed) as b:
        authenticate(fresh_ws, "wang", "wrong-pass")
    assert str(a.value) == str(b.value)


def test_disabled_user_cannot_log_in(fresh_ws):
    add_user(fresh_ws, "wang", "investigator", "s3cret-pass")
    set_disabled(fresh_ws, "wang")
    with pytest.raises(LoginFailed):
        authenticate(fresh_ws, "wang", "s3cret-pass")
    set_disabled(fresh_ws, "wang", False)
    assert authenticate(fresh_ws, "wang", "s3cret-pass").name == "wang"


@pytest.mark.parametrize("name,role,password", [
    ("wang", "superuser", "long-enough"),
    ("wang", "leader", "short"),
    ("a b", "leader", "long-enough"),
    ("", "leader", "long-enough"),
    ("x" * 65, "leader", "long-enough"),
])
def test_bad_user_input_is_refused_and_nothing_is_stored(fresh_ws, name, role, password):
    with pytest.raises(UserError):
        add_user(fresh_ws, name, role, password)
    assert list_users(fresh_ws) == []


def test_every_login_outcome_and_user_change_is_audited(fresh_ws):
    add_user(fresh_ws, "wang", "investigator", "s3cret-pass")
    authenticate(fresh_ws, "wang", "s3cret-pass", address="10.1.2.3")
    with pytest.raises(LoginFailed):
        authenticate(fresh_ws, "wang", "nope-nope", address="10.1.2.3")
    got = [(e["action"], e["target"], e["role"]) for e in audit.entries(fresh_ws)]
    assert got[0][0] == "user_change" and got[0][1] == "wang" and got[0][2] == "cli"
    assert got[1:] == [("login", "wang", "investigator"), ("login_failed", "wang", "investigator")]
    assert audit.entries(fresh_ws)[2]["detail"] == {"address": "10.1.2.3", "reason": "bad_password"}
    assert "nope-nope" not in fresh_ws.audit_log.read_text(encoding="utf-8")

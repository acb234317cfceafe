"""App users: names, roles and argon2id password hashes in the workspace's app.db.

Passwords are stored only as argon2id hashes (memory-hard; argon2-cffi's RFC 9106 profile).
A wrong password and an unknown name fail with the same message after the same work, so the
login form does not reveal which names exist. Every outcome is recorded in the audit trail.

>>> import tempfile; from ringtrace.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp())
>>> add_user(ws, "wang", "investigator", "correct horse")
User(name='wang', role='investigator')
>>> authenticate(ws, "wang", "correct horse")
User(name='wang', role='investigator')
>>> authenticate(ws, "wang", "wrong password")
Traceback (most recent call last):
...
access.users.LoginFailed: 用户名或密码错误。/ Wrong username or password.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from access import audit, throttle
from access.db import connect
from access.roles import ROLES, can
from ringtrace.errors import RingtraceError
from ringtrace.workspace import Workspace

__all__ = [
    "User",
    "LoginFailed",
    "UserError",
    "MIN_PASSWORD",
    "add_user",
    "authenticate",
    "get_user",
    "list_users",
    "set_disabled",
    "validate_name",
]

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 hashes anything, but a megabyte "password" is an attack, not a user
_NAME = re.compile(r"^[\w.@-]{1,64}$")

# argon2-cffi's default is argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
# Verifying against this when the name is unknown makes both failures cost the same time.
_DUMMY_HASH = _hasher.hash("ringtrace-no-such-user")


@dataclass(frozen=True)
class User:
    """A logged-in (or command-line) user: a name and one of :data:`access.roles.ROLES`."""

    name: str
    role: str

    def can(self, permission: str) -> bool:
        return can(self.role, permission)


class LoginFailed(RingtraceError):
    """Wrong name or password, or a disabled account; the message never says which."""

    exit_code = 3

    def __init__(self, message: str = "用户名或密码错误。/ Wrong username or password."):
        super().__init__(message)


class UserError(RingtraceError, ValueError):
    """A user cannot be added or changed as asked (bad name, role or password)."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def validate_name(name: str) -> str:
    """The user name, trimmed; letters, digits (any script), ``_ . @ -``, 1 to 64 characters.

    >>> validate_name(" 王伟 ")
    '王伟'
    >>> validate_name("a b")
    Traceback (most recent call last):
    ...
    access.users.UserError: 用户名只能包含字母、数字和 _ . @ -，最长 64 个字符。/ A user name is 1 to 64 letters, digits or _ . @ - characters; got 'a b'.
    """
    name = (name or "").strip()
    if not _NAME.match(name):
        raise UserError(
            "用户名只能包含字母、数字和 _ . @ -，最长 64 个字符。/ A user name is 1 to 64 letters, "
            f"digits or _ . @ - characters; got {name[:70]!r}."
        )
    return name


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符。/ A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"密码过长（最多 {MAX_PASSWORD} 个字符）。/ A password may have at most {MAX_PASSWORD} characters.")


def _actor(actor: User | None) -> tuple[str, str]:
    if actor is not None:
        return actor.name, actor.role
    import getpass
    import os

    try:
        return getpass.getuser(), "cli"
    except (KeyError, OSError):
        return f"uid{os.getuid()}", "cli"


def add_user(ws: Workspace, name: str, role: str, password: str, actor: User | None = None) -> User:
    """Create the user, or update its role and password if it exists (and enable it again).

    ``actor`` is who did it, for the audit trail; None means the command line (OS user).
    Checking that the actor may manage users is the caller's job (:class:`access.guard.Guard`).
    """
    name = validate_name(name)
    if role not in ROLES:
        raise UserError(f"未知角色 {role!r}。/ Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    _check_password(password)
    digest = _hasher.hash(password)
    now = _now()
    with closing(connect(ws)) as con, con:
        existed = con.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        con.execute(
            "INSERT INTO users (name, role, hash, disabled, created_at, updated_at) VALUES (?,?,?,0,?,?) "
            "ON CONFLICT(name) DO UPDATE SET role=excluded.role, hash=excluded.hash, disabled=0, "
            "updated_at=excluded.updated_at",
            (name, role, digest, now, now),
        )
    who, as_role = _actor(actor)
    detail = {"op": "update" if existed else "create", "role": role}
    if existed and existed[0] != role:
        detail["old_role"] = existed[0]
    audit.record(ws, who, as_role, "user_change", name, detail)
    return User(name, role)


def get_user(ws: Workspace, name: str) -> dict | None:
    """The user's row without its hash, or None."""
    with closing(connect(ws)) as con:
        row = con.execute(
            "SELECT name, role, disabled, created_at, updated_at FROM users WHERE name = ?", (name,)
        ).fetchone()
    if row is None:
        return None
    return {"name": row[0], "role": row[1], "disabled": bool(row[2]), "created_at": row[3], "updated_at": row[4]}


def list_users(ws: Workspace) -> list[dict]:
    """Every user (name, role, disabled, created_at, updated_at), by name; never the hashes."""
    with closing(connect(ws)) as con:
        rows = con.execute(
            "SELECT name, role, disabled, created_at, updated_at FROM users ORDER BY name"
        ).fetchall()
    return [
        {"name": n, "role": r, "disabled": bool(d), "created_at": c, "updated_at": u} for n, r, d, c, u in rows
    ]


def set_disabled(ws: Workspace, name: str, disabled: bool = True, actor: User | None = None) -> None:
    """Disable (or enable) a user; a disabled user cannot log in."""
    with closing(connect(ws)) as con, con:
        cur = con.execute(
            "UPDATE users SET disabled = ?, updated_at = ? WHERE name = ?", (int(disabled), _now(), name)
        )
        if cur.rowcount == 0:
            raise UserError(f"没有用户 {name!r}。/ There is no user {name!r}; `ringtrace user list` shows them.")
    who, as_role = _actor(actor)
    audit.record(ws, who, as_role, "user_change", name, {"op": "disable" if disabled else "enable"})


def authenticate(ws: Workspace, name: str, password: str, address: str = "local") -> User:
    """The user if the password is right; records ``login`` or ``login_failed`` in the audit.

    Raises
    ------
    access.throttle.Throttled
        while the name or the address is locked after repeated failures (the password is not
        even checked, so guessing during a lock gains nothing).
    LoginFailed
        wrong name or password, or a disabled account.
    """
    shown = str(name or "").strip()[:64]
    address = str(address or "local")[:64]
    try:
        throttle.check(ws, shown, address)
    except throttle.Throttled:
        audit.record(ws, shown, "", "login_failed", shown, {"address": address, "reason": "throttled"})
        raise
    with closing(connect(ws)) as con:
        row = con.execute("SELECT role, hash, disabled FROM users WHERE name = ?", (shown,)).fetchone()
    reason = None
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        reason = "bad_password"
    elif row is None:
        _verify(_DUMMY_HASH, password)
        reason = "unknown_user"
    elif not _verify(row[1], password):
        reason = "bad_password"
    elif row[2]:
        reason = "disabled"
    if reason is not None:
        throttle.note_failure(ws, shown, address)
        audit.record(ws, shown, row[0] if row else "", "login_failed", shown, {"address": address, "reason": reason})
        raise LoginFailed()
    role, digest = row[0], row[1]
    if _hasher.check_needs_rehash(digest):
        # Parameters were raised since this hash was made: upgrade it while we hold the password.
        with closing(connect(ws)) as con, con:
            con.execute("UPDATE users SET hash = ? WHERE name = ?", (_hasher.hash(password), shown))
    throttle.note_success(ws, shown, address)
    audit.record(ws, shown, role, "login", shown, {"address": address})
    return User(shown, role)


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False

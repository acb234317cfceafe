"""Login throttling per user and per address, kept in app.db so it survives restarts.

Policy (:class:`Policy`): ``user_failures`` failed logins for one user name within ``window_s``
lock that name; ``address_failures`` from one address lock the address (higher, because many
people may share an address). Each new lock of the same key lasts twice as long as the one
before (``base_lock_s`` doubling up to ``max_lock_s``); a successful login resets the user's
count and level, not the address's.

>>> import tempfile; from ringtrace.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp())
>>> p = Policy(user_failures=2, address_failures=100)
>>> note_failure(ws, "wang", "10.0.0.9", policy=p, now=1000.0) is None
True
>>> note_failure(ws, "wang", "10.0.0.9", policy=p, now=1000.0)  # the first lock: 60 s
1060.0
>>> check(ws, "wang", "10.0.0.9", now=1001.0)
Traceback (most recent call last):
...
access.throttle.Throttled: 登录失败次数过多，请 1 分钟后再试。/ Too many failed logins; try again in 1 minute.
>>> check(ws, "wang", "10.0.0.9", now=1061.0)
"""

from __future__ import annotations

import math
import time
from contextlib import closing
from dataclasses import dataclass

from access.db import connect
from ringtrace.errors import RingtraceError
from ringtrace.workspace import Workspace

__all__ = ["Policy", "DEFAULT_POLICY", "Throttled", "check", "note_failure", "note_success", "locked_until"]


class Throttled(RingtraceError):
    """Too many failed logins for this user or address; ``retry_after`` seconds to wait."""

    exit_code = 3

    def __init__(self, retry_after: float):
        self.retry_after = max(1.0, float(retry_after))
        minutes = max(1, math.ceil(self.retry_after / 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            f"登录失败次数过多，请 {minutes} 分钟后再试。/ Too many failed logins; try again in {minutes} {unit}."
        )


@dataclass(frozen=True)
class Policy:
    user_failures: int = 5
    address_failures: int = 20
    window_s: float = 15 * 60
    base_lock_s: float = 60
    max_lock_s: float = 24 * 3600
    forget_s: float = 24 * 3600


DEFAULT_POLICY = Policy()


def _keys(name: str, address: str) -> tuple[str, str]:
    return f"user:{name}", f"addr:{address}"


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def locked_until(ws: Workspace, name: str, address: str = "local", now: float | None = None) -> float | None:
    """The time (epoch seconds) until which this user or address is locked, or None."""
    now = _now(now)
    with closing(connect(ws)) as con:
        rows = con.execute(
            "SELECT until FROM login_lock WHERE key IN (?, ?) AND until > ?", (*_keys(name, address), now)
        ).fetchall()
    return max((r[0] for r in rows), default=None)


def check(ws: Workspace, name: str, address: str = "local", now: float | None = None) -> None:
    """Raise :class:`Throttled` while the user or the address is locked."""
    now = _now(now)
    until = locked_until(ws, name, address, now)
    if until is not None:
        raise Throttled(until - now)


def note_failure(
    ws: Workspace, name: str, address: str = "local", policy: Policy = DEFAULT_POLICY, now: float | None = None
) -> float | None:
    """Count a failed login; lock the user and/or address when over the limit.

    Returns the lock's end (epoch seconds) if this failure set one, else None.
    """
    now = _now(now)
    user_key, addr_key = _keys(name, address)
    limits = {user_key: policy.user_failures, addr_key: policy.address_failures}
    locked = None
    with closing(connect(ws)) as con, con:
        con.execute("DELETE FROM login_failure WHERE at < ?", (now - policy.window_s,))
        for key, limit in limits.items():
            con.execute("INSERT INTO login_failure VALUES (?, ?)", (key, now))
            (n,) = con.execute(
                "SELECT COUNT(*) FROM login_failure WHERE key = ? AND at >= ?", (key, now - policy.window_s)
            ).fetchone()
            if n < limit:
                continue
            row = con.execute("SELECT until, level FROM login_lock WHERE key = ?", (key,)).fetchone()
            # Backoff doubles while failures keep coming; a day of quiet forgives the history.
            level = row[1] + 1 if row and row[0] > now - policy.forget_s else 0
            until = now + min(policy.max_lock_s, policy.base_lock_s * 2**min(level, 30))
            con.execute("INSERT OR REPLACE INTO login_lock VALUES (?, ?, ?)", (key, until, level))
            # The count starts again after a lock; the level remembers how often it happened.
            con.execute("DELETE FROM login_failure WHERE key = ?", (key,))
            locked = max(locked or 0, until)
    return locked


def note_success(ws: Workspace, name: str, address: str = "local") -> None:
    """A successful login clears the user's failures and lock level (not the address's)."""
    user_key, _ = _keys(name, address)
    with closing(connect(ws)) as con, con:
        con.execute("DELETE FROM login_failure WHERE key = ?", (user_key,))
        con.execute("DELETE FROM login_lock WHERE key = ?", (user_key,))

"""The case lifecycle of a ring: status history, notes and referrals, in the workspace's app.db.

Every change is a new row (who, when), so the history is never overwritten.

>>> import tempfile; from ringtrace.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp())
>>> set_status(ws, "R0001", "under_review", user="wang")
>>> current_statuses(ws)["R0001"]
'under_review'
>>> set_status(ws, "R0001", "bogus", user="wang")
Traceback (most recent call last):
...
ValueError: unknown status 'bogus'; use one of new, under_review, confirmed, dismissed, referred
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

from ringtrace.workspace import Workspace

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "set_status",
    "current_statuses",
    "status_history",
    "add_note",
    "notes",
    "record_referral",
    "referrals",
]

STATUSES: tuple[str, ...] = ("new", "under_review", "confirmed", "dismissed", "referred")
STATUS_LABELS: dict[str, dict[str, str]] = {
    "new": {"zh": "新发现", "en": "New"},
    "under_review": {"zh": "核查中", "en": "Under review"},
    "confirmed": {"zh": "已确认", "en": "Confirmed"},
    "dismissed": {"zh": "排除(合理)", "en": "Dismissed as legitimate"},
    "referred": {"zh": "已移送", "en": "Referred"},
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ring_status (
    ring_id TEXT NOT NULL, status TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ring_status_ring ON ring_status(ring_id);
CREATE TABLE IF NOT EXISTS ring_note (
    ring_id TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS referral (
    ring_id TEXT NOT NULL, case_no TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL);
"""


def _connect(ws: Workspace) -> sqlite3.Connection:
    ws.ensure()
    con = sqlite3.connect(ws.app_db, timeout=10)
    con.executescript(_SCHEMA)
    return con


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def set_status(ws: Workspace, ring_id: str, status: str, user: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    with closing(_connect(ws)) as con, con:
        con.execute("INSERT INTO ring_status VALUES (?,?,?,?)", (ring_id, status, user, _now()))


def current_statuses(ws: Workspace) -> dict[str, str]:
    """ring_id -> latest status; rings never touched are absent (read as 'new')."""
    with closing(_connect(ws)) as con:
        rows = con.execute(
            "SELECT ring_id, status FROM ring_status ORDER BY rowid"
        ).fetchall()
    return {ring_id: status for ring_id, status in rows}


def status_history(ws: Workspace, ring_id: str) -> list[dict]:
    with closing(_connect(ws)) as con:
        rows = con.execute(
            "SELECT status, user, at FROM ring_status WHERE ring_id=? ORDER BY rowid", (ring_id,)
        ).fetchall()
    return [{"status": s, "user": u, "at": a} for s, u, a in rows]


def add_note(ws: Workspace, ring_id: str, text: str, user: str) -> None:
    text = text.strip()
    if not text:
        raise ValueError("empty note")
    with closing(_connect(ws)) as con, con:
        con.execute("INSERT INTO ring_note VALUES (?,?,?,?)", (ring_id, user, _now(), text[:10_000]))


def notes(ws: Workspace, ring_id: str | None = None) -> list[dict]:
    with closing(_connect(ws)) as con:
        q = "SELECT ring_id, user, at, text FROM ring_note"
        rows = con.execute(q + (" WHERE ring_id=? ORDER BY rowid" if ring_id else " ORDER BY rowid"),
                           (ring_id,) if ring_id else ()).fetchall()
    return [{"ring_id": r, "user": u, "at": a, "text": t} for r, u, a, t in rows]


def record_referral(ws: Workspace, ring_id: str, case_no: str, user: str) -> None:
    """A referral sets the status to 'referred' and records its case number and date."""
    with closing(_connect(ws)) as con, con:
        at = _now()
        con.execute("INSERT INTO referral VALUES (?,?,?,?)", (ring_id, case_no, user, at))
        con.execute("INSERT INTO ring_status VALUES (?,?,?,?)", (ring_id, "referred", user, at))


def referrals(ws: Workspace) -> list[dict]:
    with closing(_connect(ws)) as con:
        rows = con.execute("SELECT ring_id, case_no, user, at FROM referral ORDER BY rowid").fetchall()
    return [{"ring_id": r, "case_no": c, "user": u, "at": a} for r, c, u, a in rows]

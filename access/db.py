"""The access tables in the workspace's app.db (SQLite), shared with ringtrace.cases.

Tables: ``users``, ``login_failure``, ``login_lock``, ``pseudonym``. The file holds password
hashes and identity tokens, so it is made readable by its owner only.
"""

from __future__ import annotations

import os
import sqlite3

from ringtrace.workspace import Workspace

__all__ = ["connect"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failure (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failure_key ON login_failure(key, at);
CREATE TABLE IF NOT EXISTS login_lock (
    key TEXT PRIMARY KEY, until REAL NOT NULL, level INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pseudonym (
    token TEXT PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL);
"""


def connect(ws: Workspace) -> sqlite3.Connection:
    """A connection with the access tables present; use as ``with closing(connect(ws)) as con``."""
    ws.ensure()
    new = not ws.app_db.exists()
    con = sqlite3.connect(ws.app_db, timeout=15)
    con.executescript(_SCHEMA)
    if new:
        try:
            os.chmod(ws.app_db, 0o600)
        except OSError:  # a filesystem without modes (some network shares): nothing to tighten
            pass
    return con

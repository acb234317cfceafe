"""Opaque tokens standing for personal ids (patients, cards) in what restricted roles see.

A token is ``t_`` and 20 hex digits of HMAC-SHA256 over the entity type and id, keyed with a
per-workspace secret (``pseudonym.key``, mode 0600). Tokens are stable (the same person has the
same token in every page and every session, so links can be shared) and reveal nothing without
the key. Each issued token is remembered in app.db so it resolves back, but only code holding
the workspace (:class:`access.guard.Guard`) can resolve it.

>>> import tempfile; from ringtrace.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp())
>>> t = pseudonym(ws, "patient", "330902199001011234")
>>> t.startswith("t_") and len(t) == 22 and t == pseudonym(ws, "patient", "330902199001011234")
True
>>> t == pseudonym(ws, "card", "330902199001011234")
False
>>> resolve(ws, t)
('patient', '330902199001011234')
"""

from __future__ import annotations

import hmac
import os
import stat
import threading
from contextlib import closing

from access.db import connect
from access.validate import TOKEN_HEX, TOKEN_PREFIX, is_token
from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace

__all__ = ["pseudonym", "pseudonyms", "resolve", "secret_path"]

_lock = threading.Lock()
_secrets: dict[str, bytes] = {}
# Tokens known to be stored, per workspace (token -> (type, id)), so pages neither rewrite them
# on every rerun nor ask SQLite to resolve a token this process issued itself.
_stored: dict[str, dict[str, tuple[str, str]]] = {}
_issued: dict[str, dict[tuple[str, str], str]] = {}  # the same, the other way round
_STORED_CAP = 500_000


def secret_path(ws: Workspace):
    return ws.root / "pseudonym.key"


def _secret(ws: Workspace) -> bytes:
    key = str(ws.root.resolve())
    with _lock:
        if key in _secrets:
            return _secrets[key]
        path = secret_path(ws)
        ws.ensure()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(os.urandom(32).hex())
        st = path.stat()
        if st.st_mode & 0o077:
            raise WorkspaceError(
                f"The pseudonym key {path} can be read by other users (mode {stat.S_IMODE(st.st_mode):04o}). "
                f"Make it private with `chmod 600 {path}`; the app will not serve pages until then."
            )
        text = path.read_text().strip()
        if len(text) < 32:
            # Another process is between creating and writing it: a rare race, retried once.
            import time

            time.sleep(0.2)
            text = path.read_text().strip()
        if len(text) < 32:
            raise WorkspaceError(f"The pseudonym key {path} is damaged (too short). Restore it from a backup; "
                                 f"deleting it makes every shared link stop working.")
        _secrets[key] = bytes.fromhex(text) if all(c in "0123456789abcdef" for c in text) else text.encode()
        return _secrets[key]


def _token(secret: bytes, type: str, id: str) -> str:
    mac = hmac.digest(secret, f"{type}\x1f{id}".encode("utf-8"), "sha256")
    return TOKEN_PREFIX + mac[: TOKEN_HEX // 2].hex()


def pseudonyms(ws: Workspace, type: str, ids) -> dict[str, str]:
    """``{id: token}`` for many ids of one type, stored in one transaction."""
    secret = _secret(ws)
    key = str(ws.root.resolve())
    with _lock:
        known = _stored.setdefault(key, {})
        issued = _issued.setdefault(key, {})
        out = {}
        fresh = []
        for i in ids:
            i = str(i)
            t = issued.get((type, i))
            if t is None:
                fresh.append(i)
            else:
                out[i] = t
    new = []
    for i in fresh:
        t = _token(secret, type, i)
        out[i] = t
        new.append((t, type, i))
    if new:
        with closing(connect(ws)) as con, con:
            con.executemany("INSERT OR IGNORE INTO pseudonym VALUES (?, ?, ?)", new)
        with _lock:
            if len(known) + len(new) > _STORED_CAP:
                known.clear()
                issued.clear()
            for t, ty, i in new:
                known[t] = (ty, i)
                issued[(ty, i)] = t
    return out


def pseudonym(ws: Workspace, type: str, id: str) -> str:
    """The token for one entity (stored so that it resolves later)."""
    return pseudonyms(ws, type, [id])[str(id)]


def resolve(ws: Workspace, token: str) -> tuple[str, str] | None:
    """``(type, id)`` for a token issued in this workspace, or None."""
    if not is_token(token):
        return None
    with _lock:
        hit = _stored.get(str(ws.root.resolve()), {}).get(token)
    if hit is not None:
        return hit
    with closing(connect(ws)) as con:
        row = con.execute("SELECT type, id FROM pseudonym WHERE token = ?", (token,)).fetchone()
    return (row[0], row[1]) if row else None

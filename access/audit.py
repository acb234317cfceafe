"""The audit trail: append-only JSON lines, each entry chained to the one before by a hash.

Each line of ``ws.audit_log`` is one entry ``{seq, at, user, role, action, target, detail, prev,
hash}``; ``hash`` is the SHA-256 of the entry's canonical JSON without ``hash`` (so it covers
``prev``), and ``prev`` is the hash of the entry before (64 zeros for the first). Editing an
entry breaks its own hash; deleting or moving one breaks ``seq`` or ``prev`` of the next. A
small head file (``audit.head``: last seq and hash) catches entries cut off the end.

A chain proves order and completeness against anyone who cannot rewrite every later entry; to
hold against someone who can, note the head hash that ``ringtrace audit --verify`` prints
somewhere they cannot reach (a daily log book, a ticket): a rewritten chain ends elsewhere.

Appends take an exclusive lock on the log, so several app processes and the command line can
record at once without forking the chain.

>>> import tempfile; from ringtrace.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp())
>>> e = record(ws, "wang", "investigator", "view_ring", "R0001")
>>> e["seq"], e["prev"] == GENESIS
(1, True)
>>> _ = record(ws, "li", "leader", "search", "", {"text": "H001"})
>>> [x["action"] for x in entries(ws)]
['view_ring', 'search']
>>> verify(ws).ok
True
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ringtrace.workspace import Workspace

__all__ = [
    "ACTIONS",
    "FIELDS",
    "GENESIS",
    "record",
    "record_cli",
    "entries",
    "verify",
    "Verdict",
    "entry_hash",
]

# The actions the app and the commands record. record() accepts any snake_case name, so a
# module adding a new kind of event is not broken by this list; these are the documented ones.
ACTIONS: tuple[str, ...] = (
    "login",
    "login_failed",
    "logout",
    "view_ring",
    "view_entity",
    "view_claims",
    "search",
    "note",
    "status_change",
    "export",
    "access_denied",
    "user_change",
    "referral",
    "brief",
    "ingest",
    "detect",
    "view_audit",
)

FIELDS: tuple[str, ...] = ("seq", "at", "user", "role", "action", "target", "detail", "prev", "hash")
GENESIS = "0" * 64
_ACTION_SHAPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TAIL_BYTES = 1 << 16


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def entry_hash(entry: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of ``entry`` without its ``hash`` field."""
    return hashlib.sha256(_canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def _head_path(ws: Workspace) -> Path:
    return ws.audit_log.with_name("audit.head")


def _open_log(ws: Workspace):
    ws.ensure()
    # The trail names who looked at whom: owner-only from the first byte.
    fd = os.open(ws.audit_log, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(fd, "a+b")


def _last_line(fh) -> bytes | None:
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    if size == 0:
        return None
    chunk = min(size, _TAIL_BYTES)
    while True:
        fh.seek(size - chunk)
        data = fh.read(chunk).rstrip(b"\n")
        if b"\n" in data or chunk == size:
            return data.rsplit(b"\n", 1)[-1]
        chunk = min(size, chunk * 4)


def _default(o):
    if hasattr(o, "item") and callable(o.item):  # numpy and pandas scalars
        try:
            return o.item()
        except (TypeError, ValueError):
            pass
    return str(o)


def _finite(value):
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return None
    if isinstance(value, dict):
        return {k: _finite(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_finite(x) for x in value]
    return value


def _jsonable(value):
    # Details come from many callers (numpy numbers, datetimes, Paths): store what they print as,
    # so the stored line re-hashes to the same value when read back. NaN is not JSON: null.
    return _finite(json.loads(json.dumps(value, ensure_ascii=False, default=_default)))


def record(ws: Workspace, user: str, role: str, action: str, target: str = "", detail=None) -> dict:
    """Append one entry and return it (with ``seq``, ``at``, ``prev`` and ``hash``).

    Parameters
    ----------
    user, role : who acted (for the command line: the OS user and role ``"cli"``).
    action : one of :data:`ACTIONS` (any snake_case name is accepted).
    target : what was acted on, e.g. ``"R0001"`` or ``"patient:P001"``.
    detail : anything JSON-serialisable (dict preferred), or None.
    """
    if not _ACTION_SHAPE.match(action or ""):
        raise ValueError(f"audit action {action!r} is not a snake_case name such as 'view_ring'")
    with _open_log(ws) as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            last = _last_line(fh)
            if last is None:
                seq, prev = 1, GENESIS
            else:
                try:
                    tail = json.loads(last)
                    seq, prev = int(tail["seq"]) + 1, str(tail["hash"])
                except (ValueError, KeyError, TypeError):
                    # A damaged last line: keep recording (the app must not stop), chained to the
                    # damaged bytes; verify() reports the damage where it is.
                    seq, prev = _count_lines(fh) + 1, hashlib.sha256(last).hexdigest()
            entry = {
                "seq": seq,
                "at": datetime.now().astimezone().isoformat(timespec="milliseconds"),
                "user": str(user or ""),
                "role": str(role or ""),
                "action": action,
                "target": str(target if target is not None else ""),
                "detail": _jsonable(detail),
                "prev": prev,
            }
            entry["hash"] = entry_hash(entry)
            fh.write(_canonical(entry) + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
            _write_head(ws, seq, entry["hash"])
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return entry


def _count_lines(fh) -> int:
    fh.seek(0)
    return sum(1 for _ in fh)


def _write_head(ws: Workspace, seq: int, digest: str) -> None:
    path = _head_path(ws)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps({"seq": seq, "hash": digest}))
    os.replace(tmp, path)


def record_cli(ws: Workspace, action: str, target: str = "", detail=None) -> dict:
    """Record an action of the command line: user = the OS user, role = ``"cli"``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = f"uid{os.getuid()}"
    return record(ws, user, "cli", action, target, detail)


def entries(ws: Workspace) -> list[dict]:
    """Every readable entry, oldest first (damaged lines are skipped; :func:`verify` names them)."""
    out = []
    try:
        with open(ws.audit_log, "rb") as fh:
            for raw in fh:
                try:
                    e = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(e, dict):
                    out.append(e)
    except FileNotFoundError:
        pass
    return out


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`verify`: ``ok``, how many entries, and where the chain first breaks."""

    ok: bool
    entries: int
    line: int | None = None  # 1-based line number in the log
    seq: int | None = None
    reason: str = ""
    head: str = ""  # the last entry's hash when intact: note it elsewhere to anchor the chain

    def __bool__(self) -> bool:
        return self.ok

    def message(self, path: Path | str = "audit.jsonl") -> str:
        if self.ok:
            anchor = f"; last hash {self.head}" if self.head else ""
            return f"audit trail intact: {self.entries} entries, every hash and link checks out ({path}){anchor}"
        where = "its head" if self.line is None else f"line {self.line}"
        where += f" (seq {self.seq})" if self.seq is not None else ""
        return f"audit trail broken at {where} of {path}: {self.reason}"


def verify(ws: Workspace) -> Verdict:
    """Check every entry's hash, sequence and link; return the first break found."""
    prev, expected, n = GENESIS, 1, 0
    try:
        fh = open(ws.audit_log, "rb")
    except FileNotFoundError:
        fh = None
    if fh is not None:
        with fh:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.strip():
                    return Verdict(False, n, lineno, None, "empty line inside the trail")
                try:
                    e = json.loads(raw)
                except ValueError:
                    return Verdict(False, n, lineno, None, "not valid JSON (the line was altered or cut)")
                if not isinstance(e, dict) or set(e) != set(FIELDS):
                    return Verdict(False, n, lineno, None, f"fields are not exactly {', '.join(FIELDS)}")
                seq = e["seq"]
                if seq != expected:
                    if isinstance(seq, int) and seq > expected:
                        why = f"seq {seq} follows seq {expected - 1}: entries were deleted"
                    else:
                        why = f"seq {seq} where {expected} was due: entries were moved or inserted"
                    return Verdict(False, n, lineno, seq if isinstance(seq, int) else None, why)
                if e["prev"] != prev:
                    return Verdict(False, n, lineno, seq,
                                   "prev does not match the hash of the entry before: an entry was replaced or moved")
                if entry_hash(e) != e["hash"]:
                    return Verdict(False, n, lineno, seq, "hash does not match the content: the entry was edited")
                prev, expected, n = e["hash"], expected + 1, n + 1
    head = _read_head(ws)
    if head == _DAMAGED:
        return Verdict(False, n, None, None, f"{_head_path(ws).name}, which keeps the last seq and hash, is damaged")
    if head is not None:
        hseq, hhash = head
        if hseq > n:
            return Verdict(False, n, n + 1, n + 1,
                           f"the trail ends at seq {n} but seq {hseq} was written: entries were cut off the end")
        if hseq == n and n and hhash != prev:
            return Verdict(False, n, n, n, "the last entry differs from the one written: it was replaced")
    return Verdict(True, n, head=prev if n else "")


_DAMAGED = (-1, "")


def _read_head(ws: Workspace) -> tuple[int, str] | None:
    try:
        h = json.loads(_head_path(ws).read_text())
        return int(h["seq"]), str(h["hash"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return _DAMAGED

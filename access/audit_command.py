"""``ringtrace audit [--json] [--verify]``: show or check the audit trail.

``--verify`` checks every hash and link and exits 4 naming the first broken line.
"""

from __future__ import annotations

import json

from access.audit import entries, verify
from ringtrace.errors import RingtraceError
from ringtrace.workspace import Workspace

__all__ = ["configure", "run", "AuditBroken"]


class AuditBroken(RingtraceError):
    """The audit trail's hash chain does not check out."""

    exit_code = 4


def configure(p) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON list of entries")
    p.add_argument("--verify", action="store_true",
                   help="check the hash chain; exit 4 naming the first broken line")
    p.add_argument("--user", metavar="NAME", help="only this user's entries")
    p.add_argument("--action", metavar="ACTION", help="only this action (login, view_ring, export ...)")
    p.add_argument("--last", type=int, metavar="N", help="only the last N entries")


def _format_detail(detail) -> str:
    if detail is None:
        return ""
    if isinstance(detail, dict):
        return " ".join(f"{k}={v}" for k, v in detail.items())
    return json.dumps(detail, ensure_ascii=False)


def run(args, ws: Workspace) -> int:
    if args.verify:
        verdict = verify(ws)
        if not verdict.ok:
            raise AuditBroken(verdict.message(ws.audit_log) + ". Keep a copy of the file as evidence and compare "
                              "it with your backups; entries after the break cannot be trusted.")
        print(verdict.message(ws.audit_log))
        return 0
    rows = entries(ws)
    if args.user:
        rows = [e for e in rows if e.get("user") == args.user]
    if args.action:
        rows = [e for e in rows if e.get("action") == args.action]
    if args.last is not None:
        rows = rows[-args.last:] if args.last > 0 else []
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("the audit trail is empty" if not ws.audit_log.exists() else "no entries match")
        return 0
    wu = max(4, *(len(str(e.get("user", ""))) for e in rows))
    wa = max(6, *(len(str(e.get("action", ""))) for e in rows))
    print(f"{'seq':>6}  {'at':<29}  {'user':<{wu}}  {'role':<12}  {'action':<{wa}}  target  detail")
    for e in rows:
        print(f"{e.get('seq', ''):>6}  {e.get('at', ''):<29}  {e.get('user', ''):<{wu}}  {e.get('role', ''):<12}  "
              f"{e.get('action', ''):<{wa}}  {e.get('target', '')}  {_format_detail(e.get('detail'))}")
    return 0

"""``ringtrace referral RING_ID [--out DIR] [--case-no NO]``: the police referral pack.

Writes ``referral.pdf`` and ``evidence.xlsx`` into DIR (default ``HOME/referrals/RING_ID``),
records the referral in the case lifecycle (status 已移送, date, case number) under the
OS user, and appends a ``referral`` entry to the audit trail.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from ringtrace.errors import InputError
from ringtrace.workspace import Workspace

__all__ = ["configure", "run", "default_out"]


def configure(p) -> None:
    p.add_argument("ring_id", metavar="RING_ID", help="the ring to refer, e.g. R0001 (see rings.json or the app)")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="folder for referral.pdf and evidence.xlsx (default: HOME/referrals/RING_ID)")
    p.add_argument("--case-no", metavar="NO", default=None,
                   help="case number printed on the letter (default: the ring's earlier one, or the next "
                        "free PREFIX〔YEAR〕NNN号 from HOME/referral.toml)")


def default_out(ws: Workspace, ring_id: str) -> Path:
    return ws.root / "referrals" / ring_id


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid{os.getuid()}"


def run(args, ws: Workspace) -> int:
    from access.audit import record_cli
    from reports.referral.build import build_pack
    from ringtrace import cases

    ring_id = args.ring_id.strip()
    if not ring_id:
        raise InputError("RING_ID is empty. Give the ring's id, e.g. `ringtrace referral R0001`.")
    if not ws.root.is_dir():
        from ringtrace.errors import WorkspaceError

        raise WorkspaceError(
            f"The workspace {ws.root} does not exist. Give --home (or RINGTRACE_HOME) for the "
            f"workspace you ingested and detected in."
        )
    out = Path(args.out) if args.out else default_out(ws, ring_id)
    before = cases.current_statuses(ws).get(ring_id, "new")
    pdf, xlsx = build_pack(ws, ring_id, out, user=_os_user(), case_no=args.case_no)
    if before not in ("confirmed", "referred"):
        # referring an unconfirmed ring is allowed (the liaison may have confirmed it on paper),
        # but the record should show that the app never saw it confirmed
        label = cases.STATUS_LABELS[before]
        print(f"注意:线索 {ring_id} 移送前的状态为“{label['zh']}”,未经确认。/ Note: ring {ring_id} was "
              f"'{label['en']}', not confirmed, before this referral.", file=sys.stderr)
    case_no = next(r["case_no"] for r in reversed(cases.referrals(ws)) if r["ring_id"] == ring_id)
    record_cli(ws, "referral", ring_id, {"case_no": case_no, "pdf": str(pdf), "xlsx": str(xlsx)})
    print(f"移送材料已生成 / referral pack written ({ring_id}, {case_no}):")
    print(f"  {pdf}")
    print(f"  {xlsx}")
    return 0

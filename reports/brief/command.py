"""``ringtrace brief [--out FILE]``: the leaders' summary as PDF (default ``HOME/brief.pdf``).

The brief holds counts and institution-level figures only, no personal data; writing it
is recorded in the audit trail (action ``brief``).
"""

from __future__ import annotations

from pathlib import Path

from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace

__all__ = ["configure", "run"]


def configure(p) -> None:
    p.add_argument("--out", metavar="FILE", default=None, help="where to write the PDF (default: HOME/brief.pdf)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the brief (default: zh, Chinese)")


def run(args, ws: Workspace) -> int:
    from access.audit import record_cli
    from reports.brief.build import build_brief

    if not ws.root.is_dir():
        raise WorkspaceError(
            f"The workspace {ws.root} does not exist. Give --home (or RINGTRACE_HOME) for the "
            f"workspace you ingested and detected in."
        )
    out = Path(args.out) if args.out else ws.root / "brief.pdf"
    if out.is_dir():
        out = out / "brief.pdf"
    path = build_brief(ws, out, lang=args.lang)
    record_cli(ws, "brief", str(path), {"lang": args.lang})
    print(f"汇总简报已生成 / brief written: {path}")
    return 0

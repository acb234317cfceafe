"""``ringtrace ingest PATH... [--mapping FILE]``: validate and load claims and reference files."""

from __future__ import annotations

import json

from ringtrace.workspace import Workspace

__all__ = ["configure", "run"]


def configure(p) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="claims file (.csv UTF-8/GB18030, .xlsx, .parquet), reference file "
                        "(institutions.*, doctors.*, patients.*), or a folder holding them")
    p.add_argument("--mapping", metavar="FILE",
                   help="TOML file mapping other column names ([columns]) and values ([values.COL])")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args, ws: Workspace) -> int:
    from ingest.api import ingest_paths
    from ingest.report import format_report

    report = ingest_paths(ws, args.paths, mapping=args.mapping, progress=not args.no_progress)

    # --- graph store sync (lead) ----------------------------------------------------------------
    # The committed analytic batches are loaded into the graph store here, after the commit and
    # outside ingest's lock:  from graph.store.sync import sync_graph; sync_graph(ws)
    # ----------------------------------------------------------------------------------------------

    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        print(format_report(report))
    return 0

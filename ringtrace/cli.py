"""The ``ringtrace`` command.

Each subcommand lives in its own module exposing ``configure(parser)`` and
``run(args, ws) -> int``. Only the chosen command's module is imported, so
``ringtrace status`` does not pay for importing Streamlit or igraph.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from ringtrace.errors import RingtraceError
from ringtrace.workspace import Workspace

__all__ = ["COMMANDS", "main", "build_parser"]

# name -> (module, one-line help). The module defines configure() and run().
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("ingest.command", "validate and load claims files; bad rows go to quarantine"),
    "status": ("ringtrace.status", "what the workspace holds"),
    "synth": ("ingest.synth.command", "write a synthetic city with planted rings"),
    "detect": ("graph.detect.command", "run every detector and store the rings"),
    "evaluate": ("graph.detect.evaluate", "score rings against a planted-truth file"),
    "referral": ("reports.referral.command", "write the police referral pack for one ring"),
    "brief": ("reports.brief.command", "write the leaders' summary PDF"),
    "audit": ("access.audit_command", "show or verify the audit trail"),
    "user": ("access.user_command", "manage app users (ringtrace user add NAME --role ROLE)"),
    "app": ("app.launch", "start the Streamlit app"),
    "demo": ("ringtrace.demo", "synth, ingest, detect, then the app: start here"),
    "neo4j-import": ("graph.neo4j_import", "write CSVs for neo4j-admin database import full"),
}


def _add_common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # Subparsers must not reset a --home given before the command name.
    p.add_argument(
        "--home",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="workspace folder (default: $RINGTRACE_HOME or ./ringtrace-data)",
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only`` set, just that subcommand's module is imported."""
    parser = argparse.ArgumentParser(
        prog="ringtrace",
        description="Find, explain and refer organised fraud rings in medical-insurance claims.",
    )
    _add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        _add_common(p)
        if only == name:
            importlib.import_module(module).configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if a in COMMANDS), None)
    parser = build_parser(only=chosen)
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if extra:
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    ws = Workspace(args.home)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args, ws) or 0)
    except RingtraceError as e:
        print(f"ringtrace {args.command}: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"ringtrace {args.command}: interrupted; the workspace is as it was before.", file=sys.stderr)
        return 130
    except Exception:  # an internal fault: show where, so it can be reported
        traceback.print_exc()
        print(
            f"ringtrace {args.command}: internal error (above). The workspace was not changed "
            f"by the failed step; please report this with the traceback.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

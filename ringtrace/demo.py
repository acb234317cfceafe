"""``ringtrace demo``: the first thing a new user runs.

synth → ingest → detect → evaluate against the planted truth → a fresh demo login → the app.
Every step is the same code the individual commands run; re-running is safe (ingest and detect
are idempotent), so a second ``ringtrace demo`` only prints a new password.
"""

from __future__ import annotations

import secrets
import sys

from ringtrace.workspace import Workspace

__all__ = ["configure", "run"]


def configure(p) -> None:
    p.add_argument("--patients", type=int, default=20000, help="size of the synthetic city (default 20000)")
    p.add_argument("--seed", type=int, default=7, help="seed of the synthetic city (default 7)")
    p.add_argument("--no-app", action="store_true", help="stop after detection; do not start the app")
    p.add_argument("--port", type=int, default=8501, help="app port (default 8501)")
    p.add_argument("--host", default="127.0.0.1", help="app address (default 127.0.0.1)")


def _say(step: str) -> None:
    print(f"\n== {step}", flush=True)


def run(args, ws: Workspace) -> int:
    from graph.detect import pipeline
    from graph.detect.evaluate import evaluate, format_report
    from ingest.api import ingest_paths
    from ingest.synth import generate
    from ringtrace.status import format_status, gather_status

    ws.ensure()
    city = ws.root / "demo-city"
    _say(f"1/5 synth: a city of {args.patients:,} insured people, seed {args.seed} → {city}")
    generate(city, patients=args.patients, seed=args.seed, fmt="csv")

    _say("2/5 ingest")
    from ingest.command import load_graph

    ingest_paths(ws, [city / "input"], progress=sys.stderr.isatty())
    print(f"  graph store: {load_graph(ws):,} claims loaded")
    print(format_status(gather_status(ws)))

    _say("3/5 detect")
    rings = pipeline.run(ws)
    for r in rings[:10]:
        print(f"  {r.ring_id}  {r.score:5.2f}  {r.pattern:<26} ¥{r.fund_amount:>12,.2f}  "
              f"{sum(len(v) for v in r.members.values()):>4} members  {r.evidence[0].text_zh if r.evidence else ''}")
    print(f"  … {len(rings)} rings in all, written to {ws.rings_json}")

    _say("4/5 evaluate against the planted truth")
    import json

    truth = json.loads((city / "truth.json").read_text(encoding="utf-8"))
    print(format_report(evaluate(rings, truth)))

    _say("5/5 demo login")
    from access.users import add_user

    password = secrets.token_urlsafe(12)
    add_user(ws, "demo", "investigator", password)
    print(f"  用户名 / username: demo\n  密码 / password: {password}   (new each time you run the demo)")

    if args.no_app:
        print(f"\nDone. Start the app any time with: ringtrace --home {ws.root} app")
        return 0
    from app.launch import launch

    print(f"\nOpen http://{args.host}:{args.port}/ in a browser (Ctrl-C stops the app).", flush=True)
    return launch(ws, port=args.port, host=args.host)

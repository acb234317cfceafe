"""Fixtures for the app tests: a small detected workspace, users, and a running app.

``city_ws`` is built once per test session through the other modules' public APIs: synth →
ingest → graph sync → detect. Where a step's module has not landed in this checkout yet, the
workspace is assembled from what exists (the planted truth stands in for detected rings), so the
app's own tests keep running; the step used is printed with ``-s``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ringtrace.workspace import Workspace

PASSWORDS = {
    "wang": ("investigator", "inv-pass-2024"),
    "zhao": ("police", "police-pass-2024"),
    "li": ("leader", "leader-pass-2024"),
    "admin": ("admin", "admin-pass-2024"),
}


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _rings_from_truth(ws: Workspace, truth: dict) -> None:
    """Write the planted rings as detected rings (used only until graph.detect.pipeline lands)."""
    from graph.detect.ring import Evidence, Ring, write_rings_json
    from ingest.analytic import read_claims

    claims = read_claims(ws, columns=["claim_id", "settled_at", "fund_amount"]).set_index("claim_id")
    rings = []
    for i, t in enumerate(truth["rings"]):
        ids = [c for c in t["claim_ids"] if c in claims.index]
        sub = claims.loc[ids]
        first, last = sub["settled_at"].min(), sub["settled_at"].max()
        members = {k: list(v) for k, v in t["members"].items()}
        n = sum(len(v) for v in members.values())
        evidence = [
            Evidence(
                f"{n} 名成员在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 间共结算 {len(ids)} 张单据",
                f"{n} members settled {len(ids)} claims between {first:%Y-%m-%d} and {last:%Y-%m-%d}",
                ids[:40],
                "burst",
            ),
            Evidence(f"基金支付合计 ¥{sub['fund_amount'].sum():,.2f}", f"fund paid ¥{sub['fund_amount'].sum():,.2f} in all", ids[40:80], "amount"),
        ]
        rings.append(
            Ring(
                ring_id=f"R{i + 1:04d}", score=round(0.99 - 0.03 * i, 3), pattern=t["pattern"],
                members=members, claim_ids=ids, fund_amount=float(sub["fund_amount"].sum()),
                first_seen=f"{first:%Y-%m-%d}", last_seen=f"{last:%Y-%m-%d}", evidence=evidence,
                roles={f"institution:{x}": "organiser" for x in members.get("institutions", [])},
                districts=["上城区"],
            )
        )
    write_rings_json(rings, ws.rings_json)
    ws.bump_version()


def build_city_ws(root: Path, patients: int = 1000, seed: int = 3) -> Workspace:
    """A workspace holding a synthetic city, its graph and its rings, plus four users."""
    from access.users import add_user
    from ingest.api import ingest_paths
    from ingest.synth import generate

    ws = Workspace(root / "ws").ensure()
    city = root / "city"
    generate(city, patients=patients, seed=seed)
    ingest_paths(ws, [city / "input"], progress=False)
    if _have("graph.store.sync"):
        from graph.store.sync import sync_graph

        sync_graph(ws)
    try:
        from graph.detect import pipeline
    except ImportError as e:  # the detect engineer's module is still landing
        print(f"graph.detect.pipeline not importable yet ({e}): planted rings stand in", file=sys.stderr)
        _rings_from_truth(ws, json.loads((city / "truth.json").read_text(encoding="utf-8")))
    else:
        pipeline.run(ws)
    for name, (role, password) in PASSWORDS.items():
        add_user(ws, name, role, password)
    return ws


@pytest.fixture(scope="session")
def city_ws(tmp_path_factory) -> Workspace:
    return build_city_ws(tmp_path_factory.mktemp("city"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_app(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with status {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer on port {port} within {timeout:.0f} s")


@pytest.fixture(scope="session")
def running_app(city_ws):
    """The app on a free loopback port, as ``ringtrace app`` starts it; yields its base URL."""
    from app.launch import start

    port = free_port()
    proc = start(city_ws, port=port, host="127.0.0.1", quiet=not os.environ.get("RINGTRACE_APP_LOG"))
    try:
        wait_for_app(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()

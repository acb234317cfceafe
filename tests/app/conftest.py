"""Fixtures for the app tests: a small detected workspace, users, and a running app.

``city_ws`` is built once per test session through the other modules' public APIs: synth →
ingest → graph sync → detect, then four users (one per role).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringtrace.workspace import Workspace

PASSWORDS = {
    "wang": ("investigator", "inv-pass-2024"),
    "zhao": ("police", "police-pass-2024"),
    "li": ("leader", "leader-pass-2024"),
    "admin": ("admin", "admin-pass-2024"),
}


def build_city_ws(root: Path, patients: int = 1000, seed: int = 3) -> Workspace:
    """A workspace holding a synthetic city, its graph and its rings, plus four users."""
    from access.users import add_user
    from graph.detect import pipeline
    from graph.store.sync import sync_graph
    from ingest.api import ingest_paths
    from ingest.synth import generate

    ws = Workspace(root / "ws").ensure()
    city = root / "city"
    generate(city, patients=patients, seed=seed)
    ingest_paths(ws, [city / "input"], progress=False)
    sync_graph(ws)
    pipeline.run(ws)
    for name, (role, password) in PASSWORDS.items():
        add_user(ws, name, role, password)
    return ws


@pytest.fixture(scope="session")
def city_ws(tmp_path_factory) -> Workspace:
    return build_city_ws(tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="session")
def running_app(city_ws):
    """The app on a free loopback port, as ``ringtrace app`` starts it; yields its base URL."""
    from app.launch import serving

    with serving(city_ws, quiet=not os.environ.get("RINGTRACE_APP_LOG")) as url:
        yield url

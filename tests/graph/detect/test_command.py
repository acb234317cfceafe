"""`ringtrace detect` end to end: ingest a small city, detect, rings in JSON and in the store."""

from __future__ import annotations

import json

import pytest

from graph.detect.command import format_rings
from graph.detect.ring import read_rings_json
from ringtrace.cli import main
from ringtrace.workspace import Workspace


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from ingest.api import ingest_paths
    from ingest.synth import generate

    root = tmp_path_factory.mktemp("detect-cmd")
    generate(root / "city", patients=1000, seed=22, fmt="csv")
    ws = Workspace(root / "ws").ensure()
    ingest_paths(ws, [root / "city" / "input"], progress=False)
    return ws, root


def test_detect_writes_rings_stores_them_and_bumps_the_version(ingested, capsys):
    ws, root = ingested
    before = ws.version()
    out = root / "copy.json"
    assert main(["--home", str(ws.root), "detect", "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    rings = read_rings_json(ws.rings_json)
    assert rings and read_rings_json(out) == rings
    assert printed.splitlines()[0].startswith("R0001")
    assert f"{len(rings)} rings in all" in printed
    assert ws.version() != before
    from graph.store.factory import open_store

    with open_store(ws, read_only=True) as store:
        assert store.counts()["rings"] == len(rings)
    truth = json.loads((root / "city" / "truth.json").read_text(encoding="utf-8"))
    from graph.detect.evaluate import evaluate

    assert evaluate(rings, truth)["overall"]["recall"] >= 0.8


def test_detect_twice_gives_the_same_rings(ingested):
    ws, _ = ingested
    first = json.loads(ws.rings_json.read_text(encoding="utf-8"))
    assert main(["--home", str(ws.root), "detect"]) == 0
    again = json.loads(ws.rings_json.read_text(encoding="utf-8"))
    assert again["rings"] == first["rings"]  # only generated_at may differ


def test_detect_on_a_missing_workspace_says_what_to_do(tmp_path, capsys):
    assert main(["--home", str(tmp_path / "nowhere"), "detect"]) == 2
    err = capsys.readouterr().err
    assert "ingest" in err and "nowhere" in err


def test_detect_refuses_while_another_run_holds_the_lock(ingested, capsys):
    ws, _ = ingested
    with ws.lock("ingest"):
        assert main(["--home", str(ws.root), "detect"]) == 2
    assert "busy" in capsys.readouterr().err


def test_format_rings_is_bilingual():
    from graph.detect.ring import Evidence, Ring

    r = Ring("R0001", 0.5, "community", {"patients": ["P1"]}, ["c1"], 1.0, "2024-01-01", "2024-01-01",
             [Evidence("一句话", "one sentence", ["c1"])])
    assert "一句话" in format_rings([r]) and "one sentence" in format_rings([r], lang="en")


def _full_run_reasons() -> list[str]:
    """Every reason text state.py and pipeline.py give for a full run: the string (or an
    f-string's leading text, its detail stood in for) in each ``return …, "reason"`` and each
    ``why = …`` / ``kept, why = …`` assignment."""
    import ast
    from pathlib import Path

    import graph.detect.pipeline as pipeline
    import graph.detect.state as state

    def text(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
            return node.values[0].value + "x)" if node.values[0].value.endswith("(") else node.values[0].value + "x"
        return None

    out = []
    for mod in (state, pipeline):
        for node in ast.walk(ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                values = [node.value.elts[-1]]
            if isinstance(node, ast.Assign) and any("why" in ast.unparse(t) for t in node.targets):
                values = node.value.elts[-1:] if isinstance(node.value, ast.Tuple) else [node.value]
            out += [t for t in map(text, values) if t]
    return out


def test_every_full_run_reason_is_said_in_chinese():
    from graph.detect.command import format_run, why_zh

    reasons = _full_run_reasons()
    assert len(reasons) >= 10 and "no detection state kept yet (first run)" in reasons
    for why in reasons:
        zh = why_zh(why)
        assert zh != why and not zh.startswith(why[:12]), why
        assert format_run({"mode": "full", "why_full": why}) == f"全量计算:{zh}"

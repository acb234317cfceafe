"""ringtrace neo4j-import: the CSVs hold exactly the graph the stores build from the same workspace."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from graph.neo4j_import import write_import
from graph.store.frames import EDGE_KINDS
from graph.store.ladybug_store import LadybugStore
from graph.store.sync import sync_graph
from ingest.api import ingest_paths
from ringtrace.cli import main
from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace

_spec = importlib.util.spec_from_file_location("store_conftest", Path(__file__).parent / "store" / "conftest.py")
_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conftest)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("imp")
    city = _conftest.make_city()
    src = root / "in"
    src.mkdir()
    city["claims"].to_csv(src / "claims.csv", index=False)
    for kind in ("institutions", "doctors", "patients"):
        city[kind].to_csv(src / f"{kind}.csv", index=False)
    ws = Workspace(root / "ws").ensure()
    ingest_paths(ws, [src], progress=False)
    return ws


def _read(out: Path, stem: str) -> tuple[list[str], list[list[str]]]:
    header = next(csv.reader(open(out / f"{stem}_header.csv", encoding="utf-8")))
    return header, list(csv.reader(open(out / f"{stem}.csv", encoding="utf-8")))


def test_csvs_match_the_embedded_graph(ingested, tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    argv, rows = write_import(ingested, tmp_path / "csv")
    out = tmp_path / "csv"
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    assert any(a.startswith("--nodes=Patient=") for a in argv) and any(a.startswith("--relationships=VISITED=") for a in argv)
    for a in argv[5:]:
        if a.startswith(("--nodes=", "--relationships=")):
            for f in a.split("=", 2)[2].split(","):
                assert Path(f).is_file(), f
    sync_graph(ingested)
    with LadybugStore(ingested.graph_dir, read_only=True) as store:
        counts = store.counts()
        keys = [(t, r[0]) for t in ("patient", "card", "doctor", "institution") for r in _read(out, t)[1]]
        edges = store._edges_of(keys, "0000", "9999")
    assert {k: rows[k[:-1]] for k in ("patients", "cards", "doctors", "institutions")} == {
        k: counts[k] for k in ("patients", "cards", "doctors", "institutions")}
    assert rows["claim"] == counts["claims"]
    header, data = _read(out, "patient")
    assert header[0] == "id:ID(Patient)" and "birth_year:long" in header
    for kind in EDGE_KINDS:
        header, data = _read(out, kind.lower())
        assert header[:2] == [f":START_ID({EDGE_KINDS[kind][0].title()})", f":END_ID({EDGE_KINDS[kind][1].title()})"]
        from_csv = {(r[0], r[1]): (int(r[2]), round(float(r[3]), 2), r[5] or None, r[6] or None) for r in data}
        from_store = {(e["a"], e["b"]): (e["claims"], round(e["fund_amount"], 2), e["first"], e["last"])
                      for e in edges if e["kind"] == kind}
        assert from_csv == from_store, kind
    _, by = _read(out, "by")
    assert len(by) == counts["claims"]


def test_the_command_prints_the_admin_command(ingested, tmp_path, capsys):
    assert main(["--home", str(ingested.root), "neo4j-import", str(tmp_path / "x")]) == 0
    text = capsys.readouterr().out
    assert "neo4j-admin database import full neo4j" in text and "CREATE CONSTRAINT claim_id" in text
    assert main(["--home", str(ingested.root), "neo4j-import", str(tmp_path / "x")]) == 2  # not empty: refused


def test_an_empty_workspace_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match="ringtrace ingest"):
        write_import(Workspace(tmp_path / "none").ensure(), tmp_path / "out")

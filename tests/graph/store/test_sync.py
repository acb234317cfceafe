"""sync_graph: ingest's analytic batches reach the active store once each, in either engine."""

from __future__ import annotations

from graph.store.factory import open_store
from graph.store.sync import sync_graph
from ingest import analytic
from ingest.api import ingest_paths
from ringtrace.workspace import Workspace

from .test_contract import answers


def _write_city(city, folder, claims):
    folder.mkdir(parents=True)
    claims.to_csv(folder / "claims.csv", index=False)
    for kind in ("institutions", "doctors", "patients"):
        city[kind].to_csv(folder / f"{kind}.csv", index=False)
    return folder


def _use(engine, monkeypatch, srv):
    """Point the factory at one engine, as a user would: NEO4J_URI set or not."""
    if engine == "arcadedb":
        monkeypatch.setenv("NEO4J_URI", srv.uri)
        monkeypatch.setenv("NEO4J_USER", srv.auth[0])
        monkeypatch.setenv("NEO4J_PASSWORD", srv.auth[1])
        monkeypatch.setenv("NEO4J_DATABASE", srv.database)
    else:
        monkeypatch.delenv("NEO4J_URI", raising=False)


def test_one_city_synced_into_both_engines_gives_the_same_counts_and_answers(arcade_server, monkeypatch,
                                                                            tmp_path, city):
    ws = Workspace(tmp_path / "ws").ensure()
    c = city["claims"]
    engines = ("ladybug", "arcadedb")
    _use("arcadedb", monkeypatch, arcade_server)
    with open_store(ws) as store:  # the server is shared by the session: start from an empty graph
        store.ensure_schema()
        store.wipe()

    ingest_paths(ws, [_write_city(city, tmp_path / "a", c.iloc[:250])], progress=False)
    for engine in engines:
        _use(engine, monkeypatch, arcade_server)
        assert sync_graph(ws) == 250
        assert sync_graph(ws) == 0  # each batch once
    ingest_paths(ws, [_write_city(city, tmp_path / "b", c.iloc[200:])], progress=False)
    want = analytic.counts(ws)
    got = {}
    for engine in engines:
        _use(engine, monkeypatch, arcade_server)
        assert sync_graph(ws) == len(c) - 250
        with open_store(ws, read_only=True) as store:
            assert store.loaded_batches() >= set(analytic.batches(ws))
            counts = store.counts()
            assert {k: counts[k] for k in ("claims", "patients", "cards", "doctors", "institutions")} == {
                k: want[k] for k in ("claims", "patients", "cards", "doctors", "institutions")}
            got[engine] = answers(store)
    assert got["ladybug"] == got["arcadedb"]

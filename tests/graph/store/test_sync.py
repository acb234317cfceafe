"""sync_graph: ingest's analytic batches reach the active store once each, in either engine."""

from __future__ import annotations

from datetime import datetime

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


def test_a_graph_written_with_text_times_is_rebuilt_from_the_analytic_copy_with_its_rings(monkeypatch, tmp_path,
                                                                                          city):
    """Graphs of earlier versions kept times as STRING; LadybugDB now keeps TIMESTAMP. Such a graph
    still answers reads, refuses loads with a message saying what to do, and the next sync builds
    it again from the analytic copy and puts back the rings of rings.json."""
    import ladybug
    import pytest

    from graph.detect.ring import Evidence, Ring, write_rings_json
    from graph.store.base import Node
    from graph.store.ladybug_store import DB_FILE, LadybugStore
    from queries.loader import load
    from ringtrace.errors import StoreError

    _use("ladybug", monkeypatch, None)
    ws = Workspace(tmp_path / "ws").ensure()
    ingest_paths(ws, [_write_city(city, tmp_path / "a", city["claims"])], progress=False)
    ring = Ring(ring_id="R0001", score=0.9, pattern="card_collection",
                members={"patients": ["P001", "P002"], "cards": ["K001"], "doctors": [], "institutions": ["H6"],
                         "operators": ["OP9"]},
                claim_ids=["R000", "R001"], fund_amount=300.8, first_seen="2024-06-01", last_seen="2024-06-01",
                evidence=[Evidence("十张卡", "ten cards", ["R000"])])
    write_rings_json([ring], ws.rings_json)

    # the graph as an earlier ringtrace wrote it: the same schema with every time as STRING
    old_schema = load("schema", "ladybug").statements
    ws.graph_dir.mkdir(parents=True, exist_ok=True)
    db = ladybug.Database(str(ws.graph_dir / DB_FILE))
    con = ladybug.Connection(db)
    for stmt in old_schema:
        con.execute(stmt.replace("TIMESTAMP", "STRING"))
    con.execute("CREATE (p:Patient {id: 'P001'}), (c:Claim {id: 'OLD1', patient_id: 'P001', institution_id: 'H1', "
                "settled_at: '2024-01-02T09:00:00'}), (c)-[:BY]->(p)")
    con.close()
    db.close()

    with LadybugStore(ws.graph_dir, read_only=True) as old:
        assert old.outdated and old.counts()["claims"] == 1  # still readable
        got = old.claims_of([Node("patient", "P001")], since=datetime(2024, 1, 1))
        assert list(got["claim_id"]) == ["OLD1"] and str(got["settled_at"].iloc[0]) == "2024-01-02 09:00:00"
    with LadybugStore(ws.graph_dir) as old:
        with pytest.raises(StoreError, match="older ringtrace.*ringtrace ingest"):
            old.load(city["claims"].iloc[:5])
        assert old.counts()["claims"] == 1  # nothing half-loaded

    assert sync_graph(ws) == len(city["claims"])
    with open_store(ws, read_only=True) as store:
        assert not store.outdated
        assert store.counts()["claims"] == analytic.counts(ws)["claims"]
        assert store.counts()["rings"] == 1 and store.ring_members("R0001") == ["H6", "K001", "P001", "P002"]
        assert answers(store)  # the contract suite's reads answer on the rebuilt graph
    assert sync_graph(ws) == 0  # rebuilt once


def test_reference_fingerprints_are_hashed_once_per_file_version(tmp_path, monkeypatch, city):
    """Each sync compares the reference files' fingerprints with the store's; an unchanged file is
    not read again (a million patients took 1.3 s a sync), a replaced one is."""
    from graph.store import sync

    ws = Workspace(tmp_path / "ws")
    d = tmp_path / "in"
    d.mkdir()
    city["claims"].to_csv(d / "claims.csv", index=False)
    city["doctors"].to_csv(d / "doctors.csv", index=False)
    ingest_paths(ws, [d], progress=False)
    with open_store(ws) as store:
        assert sync_graph(ws, store=store) == len(city["claims"])
    first = sync.reference_versions(ws)
    assert first == {"doctors": sync.reference_version("doctors", analytic.read_reference(ws, "doctors"))}

    def no_read(ws_, kind):
        raise AssertionError(f"read {kind} again")

    with monkeypatch.context() as m:
        m.setattr(analytic, "read_reference", no_read)
        assert sync.reference_versions(ws) == first
        with open_store(ws) as store:
            assert sync_graph(ws, store=store) == 0  # in step: neither claims nor reference files read

    changed = city["doctors"].copy()
    changed.loc[0, "name"] = changed.loc[0, "name"] + "X"
    changed.to_csv(d / "doctors.csv", index=False)
    ingest_paths(ws, [d / "doctors.csv"], progress=False)
    again = sync.reference_versions(ws)
    assert again["doctors"] != first["doctors"]
    assert again == {"doctors": sync.reference_version("doctors", analytic.read_reference(ws, "doctors"))}

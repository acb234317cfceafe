"""One contract, every store: the same city gives the same counts and the same answers.

Each test runs against LadybugDB, ArcadeDB over Bolt and (with NEO4J_URI) Neo4j. Answers are
checked against pandas computations on the input, and every store's full set of answers must
equal the embedded store's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import pandas as pd
import pytest

from graph.detect.ring import Evidence, Ring
from graph.store.base import Node
from graph.store.ladybug_store import LadybugStore

PROBES = [("institution", f"H{i}") for i in range(1, 7)] + [("doctor", f"D{i}") for i in (1, 4, 8, 99)] + [
    ("patient", p) for p in ("P001", "P005", "P017", "P040", "P999")] + [("card", k) for k in ("K001", "K017", "P040")]
JUNE = (datetime(2024, 6, 1), datetime(2024, 6, 30, 23, 59, 59))


def _sg(sg):
    return {"nodes": [(n.type, n.id, sorted(n.props.items())) for n in sg.nodes],
            "edges": [(e.kind, e.source.id, e.target.id, e.claims, e.fund_amount, e.total_amount,
                       e.first, e.last, e.claim_ids) for e in sg.edges],
            "total": sg.total_nodes, "truncated": sg.truncated}


def answers(store) -> dict:
    """Every read the app makes, on a fixed set of probes."""
    out = {"counts": store.counts()}
    for text in ("P00", "K01", "H", "D1", "P040", "zz"):
        out[f"find {text}"] = [(n.type, n.id) for n in store.find(text, limit=7)]
    for t, i in PROBES:
        for hops in (1, 2):
            out[f"nb {t} {i} {hops}"] = _sg(store.neighbourhood(t, i, hops=hops, max_nodes=25))
        out[f"nb {t} {i} june"] = _sg(store.neighbourhood(t, i, hops=2, max_nodes=40, since=JUNE[0], until=JUNE[1]))
        s = store.summary(t, i, top=5)
        out[f"summary {t} {i}"] = None if s is None else (
            s.node.type, s.node.id, sorted(s.node.props.items()), s.claims, s.total_amount, s.fund_amount,
            s.first, s.last, [(n.type, n.id, c, f) for n, c, f in s.top_counterparties])
        df = store.claims_of([Node(t, i)], limit=30)
        out[f"claims {t} {i}"] = (df.astype(object).where(df.notna(), None).values.tolist(), df.attrs["truncated"])
    out["nb 3 hops"] = _sg(store.neighbourhood("patient", "P001", hops=3, max_nodes=60))
    return out


@pytest.fixture(scope="module")
def embedded_answers(city, tmp_path_factory):
    with LadybugStore(tmp_path_factory.mktemp("ref") / "graph") as s:
        s.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
        return answers(s)


def expected_counts(city) -> dict:
    c, p, d, i = city["claims"], city["patients"], city["doctors"], city["institutions"]
    return {"claims": len(c), "patients": len(set(c.patient_id) | set(p.patient_id)),
            "cards": len(set(c.card_id) | set(p.card_id)), "doctors": len(set(c.doctor_id.dropna()) | set(d.doctor_id)),
            "institutions": len(set(c.institution_id) | set(i.institution_id)), "rings": 0}


def test_counts_match_the_input(loaded_store, city):
    assert loaded_store.counts() == expected_counts(city)


def test_every_answer_equals_the_embedded_store(loaded_store, embedded_answers):
    got = answers(loaded_store)
    assert got.keys() == embedded_answers.keys()
    for key in got:
        assert got[key] == embedded_answers[key], key


def test_loading_again_changes_nothing(loaded_store, city, embedded_answers):
    assert loaded_store.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"],
                             patients=city["patients"]) == 0
    assert answers(loaded_store) == embedded_answers


def test_batches_in_any_order_give_the_same_graph(any_store, city, embedded_answers):
    c = city["claims"]
    late, early = c.iloc[::3], c.drop(c.index[::3])
    assert any_store.load(late) == len(late)
    assert any_store.load(early.iloc[:100]) == 100
    any_store.load(early, institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    assert answers(any_store) == embedded_answers


def test_summary_matches_pandas(loaded_store, city):
    c = city["claims"]
    for t, col in (("patient", "patient_id"), ("card", "card_id"), ("doctor", "doctor_id"), ("institution", "institution_id")):
        for key, g in c.groupby(col):
            s = loaded_store.summary(t, key)
            assert s.claims == len(g)
            assert s.fund_amount == pytest.approx(g.fund_amount.sum(), abs=0.01)
            assert s.first == g.settled_at.min().to_pydatetime() and s.last == g.settled_at.max().to_pydatetime()
    assert loaded_store.summary("patient", "NOPE") is None
    assert loaded_store.summary("patient", "P999").claims == 0  # in the patients file only


def test_neighbourhood_lists_the_claims_behind_each_edge(loaded_store, city):
    c = city["claims"]
    sg = loaded_store.neighbourhood("institution", "H6", hops=1, max_nodes=500)
    at_h6 = c[c.institution_id == "H6"]
    patients = {n.id for n in sg.nodes if n.type == "patient"}
    assert patients == set(at_h6.patient_id)
    for e in sg.edges:
        if e.kind == "VISITED":
            mine = at_h6[at_h6.patient_id == e.source.id]
            assert e.claims == len(mine) and sorted(e.claim_ids) == sorted(mine.claim_id)
    assert not sg.truncated and sg.total_nodes == len(sg.nodes)


def test_a_capped_neighbourhood_says_so(loaded_store):
    full = loaded_store.neighbourhood("institution", "H1", hops=2, max_nodes=10_000)
    capped = loaded_store.neighbourhood("institution", "H1", hops=2, max_nodes=12)
    assert len(capped.nodes) == 12 and capped.truncated
    assert capped.total_nodes == full.total_nodes == len(full.nodes) > 12
    assert capped.truncation_note("en") == f"12 of {full.total_nodes:,} nodes shown"
    assert capped.nodes[0].id == "H1"  # the start stays
    shown = {(n.type, n.id) for n in capped.nodes}
    assert all((e.source.type, e.source.id) in shown and (e.target.type, e.target.id) in shown for e in capped.edges)


def _browsing_edges(city) -> dict[tuple[str, str, str], pd.DataFrame]:
    """(kind, a, b) -> that edge's claims, computed from the input alone; registration-only edges get none."""
    c, out = city["claims"], {}
    kinds = {"HOLDS": ("patient_id", "card_id"), "TREATED": ("patient_id", "doctor_id"),
             "VISITED": ("patient_id", "institution_id"), "USED_AT": ("card_id", "institution_id"),
             "WORKS_AT": ("doctor_id", "institution_id")}
    for kind, (ca, cb) in kinds.items():
        for (a, b), g in c.dropna(subset=[ca, cb]).groupby([ca, cb]):
            out[(kind, a, b)] = g
    institutions = set(c.institution_id) | set(city["institutions"].institution_id)
    for a, b in zip(city["patients"].patient_id, city["patients"].card_id):
        out.setdefault(("HOLDS", a, b), c.iloc[:0])
    for a, b in zip(city["doctors"].doctor_id, city["doctors"].institution_id):
        if b in institutions:
            out.setdefault(("WORKS_AT", a, b), c.iloc[:0])
    return out


_KIND_TYPES = {"HOLDS": ("patient", "card"), "TREATED": ("patient", "doctor"), "VISITED": ("patient", "institution"),
               "USED_AT": ("card", "institution"), "WORKS_AT": ("doctor", "institution")}


@pytest.mark.parametrize("start", [("patient", "P001"), ("card", "K017"), ("doctor", "D4"), ("institution", "H6")])
def test_two_hop_neighbourhood_matches_pandas(loaded_store, city, start):
    """Reach, truncation count, node order and every edge's totals and claim ids, against the input."""
    edges = _browsing_edges(city)
    adj: dict[tuple, dict[tuple, int]] = {}
    for (kind, a, b), g in edges.items():
        ta, tb = _KIND_TYPES[kind]
        adj.setdefault((ta, a), {})[(tb, b)] = len(g)
        adj.setdefault((tb, b), {})[(ta, a)] = len(g)
    hop, weight, frontier = {start: 0}, {start: 0}, [start]
    for h in (1, 2):
        fresh: dict[tuple, int] = {}
        for f in frontier:
            for n, claims in adj.get(f, {}).items():
                if n not in hop:
                    fresh[n] = fresh.get(n, 0) + claims
        for n, w in fresh.items():
            hop[n], weight[n] = h, w
        frontier = list(fresh)
    order = {"patient": 0, "card": 1, "doctor": 2, "institution": 3}
    want = sorted(hop, key=lambda n: (hop[n], -weight[n], order[n[0]], n[1]))[:30]

    sg = loaded_store.neighbourhood(*start, hops=2, max_nodes=30)
    assert sg.total_nodes == len(hop) and sg.truncated == (len(hop) > 30)
    assert [(n.type, n.id) for n in sg.nodes] == want
    assert all(n.props["hops"] == hop[(n.type, n.id)] for n in sg.nodes)
    shown = set(want)
    expected = {k for k in edges if (_KIND_TYPES[k[0]][0], k[1]) in shown and (_KIND_TYPES[k[0]][1], k[2]) in shown}
    assert {(e.kind, e.source.id, e.target.id) for e in sg.edges} == expected
    for e in sg.edges:
        g = edges[(e.kind, e.source.id, e.target.id)].sort_values(["settled_at", "claim_id"])
        assert e.claims == len(g)
        assert e.fund_amount == pytest.approx(g.fund_amount.fillna(0).sum(), abs=0.011)
        assert e.total_amount == pytest.approx(g.total_amount.sum(), abs=0.011)
        if len(g):
            assert (e.first, e.last) == (g.settled_at.min().to_pydatetime(), g.settled_at.max().to_pydatetime())
        # over all time a doctor's WORKS_AT edge lists no ids (its claims are on the patients' edges)
        assert e.claim_ids == ([] if e.kind == "WORKS_AT" else g.claim_id.tolist()[:50])


def test_time_window_limits_the_claims(loaded_store, city):
    sg = loaded_store.neighbourhood("institution", "H6", hops=1, since=JUNE[0], until=JUNE[1])
    c = city["claims"]
    in_june = c[(c.settled_at >= JUNE[0]) & (c.settled_at <= JUNE[1])]
    at_h6 = {i for e in sg.edges if e.kind == "VISITED" and e.target.id == "H6" for i in e.claim_ids}
    assert at_h6 == set(in_june[in_june.institution_id == "H6"].claim_id)
    everywhere = {i for e in sg.edges for i in e.claim_ids}  # edges among the shown entities too
    assert everywhere <= set(in_june.claim_id)
    for e in sg.edges:
        assert e.claims >= len(e.claim_ids) and (e.claims == 0 or JUNE[0] <= e.first <= e.last <= JUNE[1])


def test_claims_of_a_set_of_entities(loaded_store, city):
    c = city["claims"]
    df = loaded_store.claims_of([Node("patient", "P001"), Node("doctor", "D2")], limit=10_000)
    want = c[(c.patient_id == "P001") | (c.doctor_id == "D2")]
    assert sorted(df.claim_id) == sorted(want.claim_id)
    assert str(df.settled_at.dtype).startswith("datetime64") and not df.attrs["truncated"]
    assert list(df.settled_at) == sorted(df.settled_at)
    few = loaded_store.claims_of([Node("patient", "P001")], limit=2)
    assert len(few) == 2 and few.attrs["truncated"]


def test_find_by_id_and_prefix(loaded_store):
    assert [(n.type, n.id) for n in loaded_store.find("P040")] == [("patient", "P040"), ("card", "P040")]
    assert [n.id for n in loaded_store.find("H", types=("institution",))] == [f"H{i}" for i in range(1, 7)]
    assert loaded_store.find("'; MATCH (n) DETACH DELETE n //") == []
    assert loaded_store.counts()["claims"] > 0  # the text above was a value, not Cypher


def test_rings_are_stored_and_replaced(loaded_store):
    ring = Ring(ring_id="R0001", score=0.9, pattern="card_collection",
                members={"patients": ["P001", "P002"], "cards": ["K001"], "doctors": [], "institutions": ["H6"],
                         "operators": ["OP9"]},
                claim_ids=["R000", "R001"], fund_amount=300.8, first_seen="2024-06-01", last_seen="2024-06-01",
                evidence=[Evidence("十张卡", "ten cards", ["R000"])], roles={"institution:H6": "organiser"})
    loaded_store.store_rings([ring])
    assert loaded_store.counts()["rings"] == 1
    assert loaded_store.ring_members("R0001") == ["H6", "K001", "P001", "P002"]
    loaded_store.store_rings([])
    assert loaded_store.counts()["rings"] == 0


def test_rings_naming_ids_the_graph_lacks_keep_the_rest(loaded_store):
    """A ring read from a file may name a member or claim the graph lacks: those links are left
    out and the ring is stored with the rest (LadybugDB finds them missing on a first copy and
    checks the ids on a second); storing the same rings again replaces them."""
    ring = Ring(ring_id="R0001", score=0.9, pattern="card_collection",
                members={"patients": ["P001", "P-nobody"], "cards": ["K001"], "doctors": [], "institutions": ["H6"]},
                claim_ids=["R000", "no-such-claim"], fund_amount=1.0, first_seen="2024-06-01", last_seen="2024-06-01",
                evidence=[], roles={})
    for _ in range(2):
        loaded_store.store_rings([ring])
        assert loaded_store.counts()["rings"] == 1
        assert loaded_store.ring_members("R0001") == ["H6", "K001", "P001"]
    loaded_store.store_rings([])


_KILLED_LOAD = """
import sys, time, pandas as pd
sys.path.insert(0, {root!r})
from tests_city import city
from graph.store.bolt_store import BoltStore
s = BoltStore({uri!r}, auth=("root", {pw!r}), database={db!r}, chunk=20)
_chunk = BoltStore._load_chunk
def slow_chunk(self, chunk):  # pace the load so the kill lands midway on any machine
    n = _chunk(self, chunk)
    time.sleep(0.1)
    return n
BoltStore._load_chunk = slow_chunk
c = city()
s.load(c["claims"], institutions=c["institutions"], doctors=c["doctors"], patients=c["patients"])
"""


def test_a_killed_bolt_load_rerun_gives_the_same_graph(request, tmp_path, city, embedded_answers):
    """SIGKILL a Bolt load between chunks, run it again: the graph equals one clean load."""
    from tests.graph.store.conftest import open_engine

    srv = request.getfixturevalue("arcade_server")
    store = open_engine("arcadedb", request, tmp_path, chunk=20)
    city_file = tmp_path / "tests_city.py"
    conftest = os.path.join(os.path.dirname(__file__), "conftest.py")
    city_file.write_text(open(conftest, encoding="utf-8").read().replace("import pytest", "")
                         .split("@pytest.fixture")[0] + "\ndef city():\n    return make_city()\n", encoding="utf-8")
    script = _KILLED_LOAD.format(root=os.getcwd(), uri=srv.uri, pw=srv.password, db=srv.database)
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{os.getcwd()}")
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)
    total = len(city["claims"])
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        seen = store.counts()["claims"]
        if seen >= 60:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = store.counts()["claims"]
    assert 0 < partial < total, f"the kill should land midway (saw {partial} of {total} claims)"
    assert partial % 20 == 0  # whole chunks only
    store.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    assert answers(store) == embedded_answers
    store.close()

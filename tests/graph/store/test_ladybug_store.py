"""LadybugDB specifics: a writer and short read-only opens from another process coexist."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pyarrow as pa
import pytest

from graph.store.ladybug_store import LadybugStore
from ringtrace.errors import StoreError

_WRITER = """
import sys, time
sys.path[:0] = [{here!r}, {root!r}]
from conftest import make_city
from graph.store.ladybug_store import LadybugStore
c = make_city()["claims"]
with LadybugStore({path!r}) as s:
    for i in range(0, len(c), 86):
        s.load(c.iloc[i : i + 86])
        time.sleep(0.3)
print("writer done", flush=True)
"""


def test_readers_open_while_a_writer_loads(tmp_path, city):
    path = tmp_path / "graph"
    LadybugStore(path).close()
    here = os.path.dirname(__file__)
    script = _WRITER.format(here=here, root=os.getcwd(), path=str(path))
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    seen = []
    while writer.poll() is None:
        with LadybugStore(path, read_only=True, lock_wait=20) as reader:
            seen.append(reader.counts()["claims"])
        time.sleep(0.1)
    assert writer.returncode == 0 and "writer done" in writer.stdout.read()
    assert seen == sorted(seen), "a reader saw the graph go backwards"
    with LadybugStore(path, read_only=True) as reader:
        assert reader.counts()["claims"] == len(city["claims"])


_RING_WRITER = """
import sys, time
sys.path[:0] = [{root!r}]
from graph.store.ladybug_store import LadybugStore
from graph.detect.ring import Ring

def ring(rid, patients):
    return Ring(ring_id=rid, score=0.5, pattern="card_collection",
                members={{"patients": patients, "cards": [], "doctors": [], "institutions": []}},
                claim_ids=[], fund_amount=0.0, first_seen="", last_seen="", evidence=[], roles={{}})

for k in range(12):
    with LadybugStore({path!r}) as s:
        s.store_rings([ring(f"R{{k:04d}}", ["P001", "P002"]), ring("RX", ["P003"])])
    time.sleep(0.2)
print("writer done", flush=True)
"""


def test_a_reader_kept_open_follows_ring_replacements(tmp_path, city):
    """Each detection drops and makes again the ring tables (store_rings); the app keeps its
    read-only store open across those runs and must keep answering, then see the new rings."""
    path = tmp_path / "graph"
    with LadybugStore(path) as s:
        s.load(city["claims"], patients=city["patients"])
    writer = subprocess.Popen([sys.executable, "-c", _RING_WRITER.format(root=os.getcwd(), path=str(path))],
                              stdout=subprocess.PIPE, text=True)
    seen = set()
    with LadybugStore(path, read_only=True, lock_wait=20) as reader:
        while writer.poll() is None:
            seen.add((reader.counts()["rings"], tuple(reader.ring_members("RX"))))
            time.sleep(0.05)
        assert writer.returncode == 0 and "writer done" in writer.stdout.read()
        assert seen <= {(0, ()), (2, ("P003",))}, seen
        assert reader.counts()["rings"] == 2 and reader.ring_members("R0011") == ["P001", "P002"]


def test_a_read_only_store_refuses_to_load(tmp_path, city):
    with LadybugStore(tmp_path / "g", read_only=True) as s:  # an empty workspace reads as empty
        assert s.counts()["claims"] == 0
        with pytest.raises(StoreError, match="read-only"):
            s.load(city["claims"])


def test_a_failed_load_leaves_the_graph_as_it_was(tmp_path, city, monkeypatch):
    with LadybugStore(tmp_path / "g") as s:
        s.load(city["claims"].iloc[:50])
        before = s.counts()
        from graph.store import ladybug_store

        def boom(*a, **k):
            raise RuntimeError("disk full")

        monkeypatch.setattr(ladybug_store, "aggregate_table", boom)  # fails after nodes and claims were copied
        with pytest.raises(RuntimeError, match="disk full"):
            s.load(city["claims"])
        assert s.counts() == before
        monkeypatch.undo()
        assert s.load(city["claims"]) == len(city["claims"]) - 50


def test_large_frontier_variant_gives_the_same_answers(tmp_path, city, monkeypatch):
    """Frontiers past _MANY ids go through reach_many (UNWIND); the answers must not change."""
    from graph.store import ladybug_store

    from .test_contract import answers

    with LadybugStore(tmp_path / "g") as s:
        s.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
        usual = answers(s)
        monkeypatch.setattr(ladybug_store, "_MANY", 0)
        assert answers(s) == usual


_LOAD_REST = """
import sys
sys.path[:0] = [{here!r}, {root!r}]
from conftest import make_city
from graph.store.ladybug_store import LadybugStore
c = make_city()["claims"]
with LadybugStore({path!r}, lock_wait=20) as s:
    print("loaded", s.load(c.iloc[{first}:]), flush=True)
"""


def test_a_held_read_only_store_sees_later_loads_by_another_process(tmp_path, city):
    """LadybugDB keeps a held read-only connection on its old snapshot; the store must reopen."""
    path = tmp_path / "graph"
    claims = city["claims"]
    first = len(claims) // 2
    with LadybugStore(path) as w:
        w.load(claims.iloc[:first])
    patient = claims["patient_id"].iloc[-1]
    with LadybugStore(path, read_only=True) as reader:  # held across the load, as the app's cached store is
        assert reader.counts()["claims"] == first
        before = reader.summary("patient", patient)
        script = _LOAD_REST.format(here=os.path.dirname(__file__), root=os.getcwd(), path=str(path), first=first)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"loaded {len(claims) - first}" in done.stdout
        assert reader.counts()["claims"] == len(claims)
        after = reader.summary("patient", patient)
        assert after.claims == int((claims["patient_id"] == patient).sum())
        assert before is None or after.claims > before.claims
        sg = reader.neighbourhood("patient", patient, hops=1)
        assert sum(e.claims for e in sg.edges if e.kind == "VISITED") == after.claims


@pytest.mark.parametrize("streamed, failing", [(False, "aggregate_table"), (True, "coded_aggregate")])
def test_a_failed_first_load_leaves_an_empty_graph(tmp_path, city, monkeypatch, streamed, failing):
    """A first load copies without a transaction (in one go, or streamed month by month by
    load_pieces); a failure once nodes and claims were copied (the browsing edges are aggregated
    last) puts the empty graph back, and the spilled month files are gone."""
    from graph.store import ladybug_store

    from .test_contract import answers

    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])

    def load(s):
        return s.load_pieces(iter(_months(city["claims"])), **args) if streamed else s.load(city["claims"], **args)

    with LadybugStore(tmp_path / "want") as s:
        s.load(city["claims"], **args)
        want = answers(s)
    with LadybugStore(tmp_path / "g") as s:
        empty = s.counts()

        def boom(*a, **k):
            raise RuntimeError("disk full")

        monkeypatch.setattr(ladybug_store, failing, boom)
        with pytest.raises(RuntimeError, match="disk full"):
            load(s)
        assert s.counts() == empty and s.loaded_batches() == set()
        assert not list((tmp_path / "g").glob(".pieces-*"))
        monkeypatch.undo()
        assert load(s) == len(city["claims"])
        assert answers(s) == want


def test_scanning_stored_ids_gives_the_same_graph_as_looking_them_up(tmp_path, city, monkeypatch):
    """Large loads into a non-empty graph check ids and pairs by one scan; small ones by lookups."""
    from graph.store import ladybug_store

    from .test_contract import answers

    c = city["claims"]
    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    got = []
    for scan_from in (10**9, 1):
        monkeypatch.setattr(ladybug_store, "_SCAN_FROM", scan_from)
        with LadybugStore(tmp_path / f"g{scan_from}") as s:
            s.load(c.iloc[::3])
            s.load(c.iloc[:200], **args)
            assert s.load(c, **args) == len(c) - len(set(c.index[::3]) | set(c.index[:200]))
            got.append(answers(s))
    assert got[0] == got[1]


def test_a_settled_file_narrowed_to_the_claims_entities_loads_the_same(tmp_path, city, monkeypatch):
    """Of a settled reference file a load converts only the rows about entities its claims name
    (arrow_frames.named_by); entities it creates get the same properties and registered links
    as from the whole file. The first load has no reference files, so the second creates
    entities that need their rows."""
    from graph.store import ladybug_store

    from .test_contract import answers

    c = city["claims"]
    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    early = c[c["patient_id"] < "P020"]
    got = {}
    for narrowed in (True, False):
        if not narrowed:
            monkeypatch.setattr(ladybug_store, "named_by", lambda kind, frame, claims, institutions_too=True: frame)
        for settled in (("institutions", "doctors", "patients"), ("doctors", "patients")):
            with LadybugStore(tmp_path / f"{narrowed}-{len(settled)}") as s:
                s.load(early)
                s.load(c, **args, settled=settled)
                got[narrowed, settled] = (answers(s), s.counts(), s.neighbourhood("patient", "P030", hops=1))
    for settled in (("institutions", "doctors", "patients"), ("doctors", "patients")):
        assert got[True, settled] == got[False, settled]
    # the rows mattered: a patient the second load created carries its reference name
    node = next(n for n in got[True, settled][2].nodes if n.id == "P030")
    assert node.props.get("name")


def test_settled_reference_files_reach_only_new_entities(tmp_path, city):
    """A batch loaded with unchanged reference files gives the graph a full re-application gives."""
    from .test_contract import answers

    c = city["claims"]
    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    early = c[c["patient_id"] < "P020"]
    with LadybugStore(tmp_path / "full") as s:
        s.load(early, **args)
        s.load(c, **args)
        want, want_counts = answers(s), s.counts()
    # every file settled, or the institutions file changed (then doctors' rows are not narrowed
    # to the institutions the claims name: arrow_frames.named_by)
    for settled in (("institutions", "doctors", "patients"), ("doctors", "patients")):
        with LadybugStore(tmp_path / ("settled-" + "-".join(settled))) as s:
            s.load(early, **args)
            s.load(c, **args, settled=settled)
            assert answers(s) == want and s.counts() == want_counts
    with pytest.raises(ValueError, match="unknown reference kinds"):
        with LadybugStore(tmp_path / "wards") as s:
            s.load(c, settled=("wards",))


def test_reads_anchored_one_id_at_a_time_give_the_same_answers(tmp_path, city, monkeypatch):
    """Id-list reads run as one primary-key lookup per id (graph.store.anchored); the answers must
    be those of the queries as written, and of each part run with its whole list."""
    from graph.store import anchored, ladybug_store

    from .test_contract import answers

    with LadybugStore(tmp_path / "g") as s:
        s.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
        monkeypatch.setattr(ladybug_store, "worth_anchoring", lambda ids, rows: True)  # every id on its own
        per_id = answers(s)
        monkeypatch.setattr(ladybug_store, "worth_anchoring", lambda ids, rows: False)  # every part with its whole list
        assert answers(s) == per_id
        monkeypatch.setattr(ladybug_store, "worth_anchoring", anchored.worth_anchoring)  # by the tables' sizes
        people = set(city["claims"]["patient_id"]) | set(city["patients"]["patient_id"])
        assert s._node_rows()["Patient"] == len(people)
        assert answers(s) == per_id
        monkeypatch.setattr(ladybug_store, "_ANCHORED", {})  # the shared queries as written
        assert answers(s) == per_id


def test_a_per_id_read_asks_only_for_the_ids_given(tmp_path, city):
    """Several ids in one list: each id's rows once, none of another entity's (no aggregate mixes them)."""
    from graph.store.base import Node

    with LadybugStore(tmp_path / "g") as s:
        s.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
        c = city["claims"]
        some = sorted(c["patient_id"].unique())[:3]
        got = s.claims_of([Node("patient", p) for p in some], limit=100_000)
        want = c[c["patient_id"].isin(some)]
        assert sorted(got["claim_id"]) == sorted(want["claim_id"])
        assert s.summary("patient", some[0]).claims == int((c["patient_id"] == some[0]).sum())


def _months(claims):
    """The claims as one piece per settlement month, as sync_graph reads the analytic copy."""
    import pandas as pd

    month = pd.to_datetime(claims["settled_at"]).dt.strftime("%Y-%m")
    return [claims[month == m] for m in sorted(month.unique())]


def test_a_first_load_month_by_month_gives_the_same_graph(tmp_path, city):
    """load_pieces streams a first load piece by piece; the graph equals one load of all the claims."""
    import pandas as pd

    from .test_contract import answers

    c = city["claims"]
    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    with LadybugStore(tmp_path / "want") as s:
        s.load(c, **args)
        want = answers(s)
    pieces = _months(c)
    assert len(pieces) > 2
    # a claim repeated in a later piece with other values keeps its first row, as in one load
    again = pieces[0].head(1).assign(total_amount=1e9)
    pieces[-1] = pd.concat([pieces[-1], again])
    with LadybugStore(tmp_path / "g") as s:
        assert s.load_pieces(iter(pieces), **args) == len(c)
        assert answers(s) == want
        assert not list((tmp_path / "g").glob(".pieces-*"))  # the spilled month files are gone
        # into a graph that holds claims, pieces are joined and loaded as by load: nothing new
        assert s.load_pieces(iter(pieces), **args) == 0
        assert answers(s) == want



def _two_day_load(path, city, args, between=None):
    """Load the city's claims in two batches (the second adds to edges the first made)."""
    from .test_contract import answers

    c = city["claims"]
    with LadybugStore(path) as s:
        s.load(c.iloc[:300], **args)
        if between:
            between(s)
        s.load(c.iloc[250:], **args)
        return answers(s)


def _added_rows(store) -> dict:
    return {r["kind"]: int(r["n"]) for r in store._rows("added_counts")}


def _one_load(path, city, args):
    from .test_contract import answers

    with LadybugStore(path) as s:
        s.load(city["claims"], **args)
        return answers(s), _windows(s, city)


def _windows(store, city) -> dict:
    """Neighbourhoods inside windows around the second batch's start (spans that end before it,
    begin after it, or straddle it: a pair's stored and added rows meet a window together)."""
    import pandas as pd

    from .test_contract import _sg

    cut = pd.Timestamp(sorted(city["claims"]["settled_at"].iloc[250:300])[0])
    out = {}
    for lo, hi in ((cut - pd.Timedelta(days=20), cut - pd.Timedelta(days=1)), (cut, cut + pd.Timedelta(days=40)),
                   (cut - pd.Timedelta(days=3), cut + pd.Timedelta(days=3))):
        for t, i in (("patient", "P001"), ("institution", "H1"), ("card", "K001"), ("doctor", "D4")):
            for hops in (1, 2, 3):
                out[(t, i, hops, lo)] = _sg(store.neighbourhood(t, i, hops=hops, max_nodes=60,
                                                                 since=lo.to_pydatetime(), until=hi.to_pydatetime()))
    return out


def test_a_merging_load_appends_totals_for_stored_edges_and_every_read_sums_them(tmp_path, city, monkeypatch):
    """A day's claims go into a graph that holds claims by appending: their links to LINK_ADDED and
    each pair's totals to KIND_ADDED (in place, a day rewrote whole tables: 21 s at 5M claims);
    every read, windows included, answers as one load of all the claims, before and after
    compaction folds the rows in."""
    from graph.store import ladybug_store

    from .test_contract import answers

    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    want, want_windows = _one_load(tmp_path / "want", city, args)
    monkeypatch.setattr(ladybug_store, "COMPACT_SHARE", 10.0)  # keep the added rows to read them
    c = city["claims"]
    with LadybugStore(tmp_path / "g") as s:
        s.load(c.iloc[:300], **args)
        assert not any(_added_rows(s).values())
        rest = c.iloc[250:]  # two later batches, interleaved: a pair can get a row from each
        s.load(rest.iloc[::2], **args)
        s.load(rest.iloc[1::2], **args)
        added = _added_rows(s)
        assert added["VISITED"] > 0 and added["USED_AT"] > 0 and added["TREATED"] > 0
        assert added["BY"] == added["AT"] == len(c) - 300  # the later batches' new claims' links
        # some pairs got a row from each later batch (summed per pair: fewer rows than appended)
        assert any(s._arrow_rows(f"added_{k.lower()}").num_rows < added[k] for k in ("HOLDS", "TREATED", "VISITED", "USED_AT"))
        assert answers(s) == want
        assert _windows(s, city) == want_windows
        assert s.compact() == sorted(k for k, n in added.items() if n)
        assert not any(_added_rows(s).values())
        assert answers(s) == want
        assert _windows(s, city) == want_windows
        assert s.compact() == []


def test_a_load_folds_the_added_rows_in_once_they_pass_a_share_of_the_claims(tmp_path, city):
    """A second batch as big as this one adds rows for most stored edges: past COMPACT_SHARE of
    the claims, the load compacts them and the reads still answer as one load."""
    from .test_contract import answers

    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    want, _ = _one_load(tmp_path / "want", city, args)
    c = city["claims"]
    with LadybugStore(tmp_path / "g") as s:
        s.load(c.iloc[:300], **args)
        s.load(c.iloc[250:], **args)
        assert not any(_added_rows(s).values())
        assert answers(s) == want


def test_pending_totals_an_older_run_left_are_moved_to_the_added_tables_once(tmp_path, city, monkeypatch):
    """ringtrace before the added tables left a merging load's totals for stored edges pending
    (files beside the database, one Batch record per kind) and added them in place afterwards. A
    graph stopped between the two is finished by the next load or sync, one kind per transaction,
    and a stop inside the second kind leaves every total counted once."""
    from graph.store import ladybug_store
    from graph.store.cypher_store import PENDING_EDGES

    from .test_contract import answers

    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    want, _ = _one_load(tmp_path / "want", city, args)
    copy = LadybugStore._copy

    def older_run(self, name, table):  # what the older merging load did with those totals
        if name in ladybug_store._COPY_LINK_ADDED.values():  # links went to the stored tables
            return copy(self, name[:-len("_added")], table)
        if name.endswith("_added"):
            kind = name[len("copy_"):-len("_added")].upper()
            folder = self.dir / ladybug_store.PENDING_DIR / "0123abcd"
            folder.mkdir(parents=True, exist_ok=True)
            ladybug_store._write_arrow(folder / f"{kind}.arrow", table)
            self._write("mark_batch", id=f"{PENDING_EDGES}0123abcd:{kind}")
            return
        copy(self, name, table)

    c = city["claims"]
    with LadybugStore(tmp_path / "g") as s:
        s.load(c.iloc[:300], **args)
        monkeypatch.setattr(LadybugStore, "_copy", older_run)
        monkeypatch.setattr(LadybugStore, "finish_pending", lambda self: None)  # stopped after the claims
        s.load(c.iloc[250:], **args)
    monkeypatch.undo()
    pending = list((tmp_path / "g" / ladybug_store.PENDING_DIR).rglob("*.arrow"))
    assert {p.stem for p in pending} >= {"VISITED", "USED_AT"}
    with LadybugStore(tmp_path / "g") as s:
        assert answers(s) != want  # the stored edges lack the second batch's totals
        assert not any(b.startswith("pending") for b in s.loaded_batches())

        calls = []
        write = LadybugStore._write

        def failing_write(self, name, **params):
            if name == "unmark_batch":
                calls.append(params["id"])
                if len(calls) == 2:
                    raise RuntimeError("stopped")
            return write(self, name, **params)

        monkeypatch.setattr(LadybugStore, "_write", failing_write)
        with pytest.raises(RuntimeError, match="stopped"):
            s.finish_pending()
        monkeypatch.setattr(LadybugStore, "_write", write)
        s.finish_pending()
        assert answers(s) == want  # every total counted exactly once
    assert not (tmp_path / "g" / ladybug_store.PENDING_DIR).exists()


def test_a_graph_from_before_the_added_tables_answers_reads_and_gets_them_when_opened_to_write(tmp_path, city):
    from .test_contract import answers

    args = dict(institutions=city["institutions"], doctors=city["doctors"], patients=city["patients"])
    want, _ = _one_load(tmp_path / "want", city, args)
    with LadybugStore(tmp_path / "g") as s:
        s.load(city["claims"], **args)
        for kind in ("HOLDS", "TREATED", "VISITED", "USED_AT", "WORKS_AT", "BY", "WITH_CARD", "AT", "PRESCRIBED_BY"):
            s._execute(f"DROP TABLE {kind}_ADDED", {})  # the schema an older ringtrace wrote
    with LadybugStore(tmp_path / "g", read_only=True) as s:
        assert s._without_added
        assert answers(s) == want
    with LadybugStore(tmp_path / "g") as s:
        assert not s._without_added and _added_rows(s) == dict.fromkeys(_added_rows(s), 0)
        assert answers(s) == want


def test_a_failed_ring_replacement_keeps_the_rings_before_it(tmp_path, city, monkeypatch):
    """Rings are replaced by dropping their tables and copying the new ones in one transaction:
    a failure after the drop leaves the previous rings, links included."""
    from graph.detect.ring import Ring

    def ring(rid, patients):
        return Ring(ring_id=rid, score=0.5, pattern="card_collection",
                    members={"patients": patients, "cards": [], "doctors": [], "institutions": []},
                    claim_ids=[], fund_amount=0.0, first_seen="", last_seen="", evidence=[], roles={})

    with LadybugStore(tmp_path / "g") as s:
        s.load(city["claims"], patients=city["patients"])
        s.store_rings([ring("R0001", ["P001", "P002"])])
        real = LadybugStore._copy

        def failing(self, name, table):
            if name == "copy_ring_patients":
                raise StoreError("disk full")
            return real(self, name, table)

        monkeypatch.setattr(LadybugStore, "_copy", failing)
        with pytest.raises(StoreError, match="disk full"):
            s.store_rings([ring("R0009", ["P003"])])
        monkeypatch.setattr(LadybugStore, "_copy", real)
        assert s.counts()["rings"] == 1 and s.ring_members("R0001") == ["P001", "P002"]
        # a COPY that LadybugDB itself refuses (an id it lacks, links unchecked) rolls the drop back too
        bad = {"patient": pa.table({"ring": ["R0008"], "id": ["P-nobody"], "role": ["member"]})}
        rings = pa.table({"id": ["R0008"], "score": [0.1], "pattern": ["x"], "fund_amount": [0.0],
                          "first_seen": [""], "last_seen": [""]})
        with pytest.raises(StoreError, match="Unable to find primary key"):
            s._replace_rings(rings, bad, checked=False)
        s.close()
        s._open()
        assert s.counts()["rings"] == 1 and s.ring_members("R0001") == ["P001", "P002"]
        s.store_rings([ring("R0002", ["P003"])])
        assert s.counts()["rings"] == 1 and s.ring_members("R0002") == ["P003"]

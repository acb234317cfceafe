"""The embedded store: LadybugDB (the maintained Kùzu fork) in the workspace, no server to install.

Loading is a bulk ``COPY`` from Arrow tables of only the rows the graph lacks, inside one
transaction, so a load either lands whole or not at all and loading the same claims again adds
nothing. A load into a graph that already holds claims (a day's batch) appends what it adds to
tables of their own: claim links to ``LINK_ADDED``, every pair's totals to ``KIND_ADDED``; the
reads walk both (summing a pair's rows) and :meth:`LadybugStore.compact` folds them into the stored
tables every few weeks of days (``queries/schema.ladybug.cypher`` says why).

Several processes may open the same database: the writer (``ringtrace ingest``/``detect``) opens
it read-write for the length of a load; the app opens it read-only. Should LadybugDB refuse an open because another process holds its lock, the open is
retried for ``lock_wait`` seconds and then fails with a :class:`~ringtrace.errors.StoreError`
saying what to do. A read-only open sees every load committed before it; readers that
open while a writer checkpoints wait for it (checked by ``tests/graph/store/test_ladybug_store.py``).

A LadybugDB read-only connection held open does **not** see loads another process commits
later (it keeps the snapshot it opened on). So a read-only store notes the database file's
size and modification time (and its write-ahead log's) when it opens, and every read first
checks them: when a writer has committed since, the store reopens before answering. A
long-lived reader (the app's cached store) therefore always answers from the newest load.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.store.arrow_frames import (
    EDGE_COLUMNS, aggregate_table, claims_table, coded_aggregate, conform, distinct_pairs, epoch_seconds,
    iso_text, named_by, reference_table, unique_ids,
)
from graph.store.anchored import ANCHOR, split, worth_anchoring
from graph.store.cypher_store import PENDING_EDGES, CypherStore, _conform
from graph.store.frames import CLAIM_RELS, EDGE_KINDS, NODE_COLUMNS
from queries.loader import Query, shared
from ringtrace.errors import StoreError

__all__ = ["LadybugStore", "DB_FILE"]

DB_FILE = "ringtrace.lbug"
_CHUNK = 50_000
_MANY = 300  # frontier size from which UNWIND lookups beat LadybugDB's linear IN test
_FOR_MANY = {"reach": "reach_many"}  # ids per existence check: keeps parameter lists moderate
_PLURAL = {"patient": "patients", "card": "cards", "doctor": "doctors", "institution": "institutions"}
_COPY_NODE = {"patient": "copy_patient", "card": "copy_card", "doctor": "copy_doctor",
              "institution": "copy_institution", "claim": "copy_claim"}
_COPY_REL = {"BY": "copy_by", "WITH_CARD": "copy_with_card", "AT": "copy_at", "PRESCRIBED_BY": "copy_prescribed_by",
             "HOLDS": "copy_holds", "TREATED": "copy_treated", "VISITED": "copy_visited",
             "USED_AT": "copy_used_at", "WORKS_AT": "copy_works_at"}
_ADD_EDGE = {"HOLDS": "add_holds", "TREATED": "add_treated", "VISITED": "add_visited",
             "USED_AT": "add_used_at", "WORKS_AT": "add_works_at"}
_MERGE_REF = {"patient": "merge_patients", "doctor": "merge_doctors", "institution": "merge_institutions"}
# A merging load appends claim links to LINK_ADDED and every pair's totals to KIND_ADDED
# (queries/schema.ladybug.cypher says why); compaction copies the links, adds the totals summed per
# pair to the stored edges (or copies them as new edges) and clears the added rows.
_COPY_ADDED = {"HOLDS": "copy_holds_added", "TREATED": "copy_treated_added", "VISITED": "copy_visited_added",
               "USED_AT": "copy_used_at_added", "WORKS_AT": "copy_works_at_added"}
_COPY_LINK_ADDED = {"BY": "copy_by_added", "WITH_CARD": "copy_with_card_added", "AT": "copy_at_added",
                    "PRESCRIBED_BY": "copy_prescribed_by_added"}
_APPENDS = frozenset(_COPY_ADDED.values()) | frozenset(_COPY_LINK_ADDED.values())
_ADDED_LINKS = {"BY": "added_by", "WITH_CARD": "added_with_card", "AT": "added_at", "PRESCRIBED_BY": "added_prescribed_by"}
_CLEAR_LINKS = {"BY": "clear_by_added", "WITH_CARD": "clear_with_card_added", "AT": "clear_at_added",
                "PRESCRIBED_BY": "clear_prescribed_by_added"}
_ADDED = {"HOLDS": "added_holds", "TREATED": "added_treated", "VISITED": "added_visited",
          "USED_AT": "added_used_at", "WORKS_AT": "added_works_at"}
_CLEAR_ADDED = {"HOLDS": "clear_holds_added", "TREATED": "clear_treated_added", "VISITED": "clear_visited_added",
                "USED_AT": "clear_used_at_added", "WORKS_AT": "clear_works_at_added"}
# Compaction of a kind once its added rows pass this share of the stored claims: a day adds about
# one row per claim, so a year's graph folds its days in about every three weeks (folding one
# day's rows into the 5M-claim graph: 33.5 s for the nine kinds, 4.4 GiB; in place every day that
# was the morning's largest cost).
COMPACT_SHARE = 1 / 16
# Reads that sum a pair's stored and added rows (their *.ladybug.cypher variants), and what a graph
# written before the added tables existed answers them with (read-only: a writable open creates them).
_READS_WITH_ADDED = {name: name for name in (
    "neighbour_edges", "edges_among", "registered_edges_among", "reach",
    "claims_of", "edge_claims", "entity_totals",
    *(f"reach{h}_{t}{w}" for h in (1, 2) for t in ("patient", "card", "doctor", "institution") for w in ("", "_window")))}
_READS_WITH_ADDED["reach_many"] = "reach"
# Ids (or pairs) to check from which one scan of every stored one is used instead of lookups. The
# lookups join the rows' ids first (48,050 claims and their 48k pairs per kind against the 15M-claim
# graph: 0.16 s for the claims, 0.45-1.2 s a kind, 3.6 GiB), while a scan reads every id or pair
# into memory (13M pairs a kind: a daily detect that caught the graph up passed 19 GiB and was
# killed). Only a batch the size of a city's year is checked by scanning.
_SCAN_FROM = 2_000_000
_ALL_IDS = {"claim": "all_claim_ids", "patient": "all_patient_ids", "card": "all_card_ids",
            "doctor": "all_doctor_ids", "institution": "all_institution_ids"}
_ALL_PAIRS = {"HOLDS": "all_holds_pairs", "TREATED": "all_treated_pairs", "VISITED": "all_visited_pairs",
              "USED_AT": "all_used_at_pairs", "WORKS_AT": "all_works_at_pairs"}
_STORED_IDS = {"claim": "stored_claim_ids", "patient": "stored_patient_ids", "card": "stored_card_ids",
               "doctor": "stored_doctor_ids", "institution": "stored_institution_ids"}
_STORED_PAIRS = {"HOLDS": "stored_holds_pairs", "TREATED": "stored_treated_pairs",
                 "VISITED": "stored_visited_pairs", "USED_AT": "stored_used_at_pairs",
                 "WORKS_AT": "stored_works_at_pairs"}
_COPY_RING_LINK = {"patient": "copy_ring_patients", "card": "copy_ring_cards", "doctor": "copy_ring_doctors",
                   "institution": "copy_ring_institutions", "claim": "copy_ring_claims"}
_ENTITY_COLUMN = {"patient": "patient_id", "card": "card_id", "doctor": "doctor_id", "institution": "institution_id"}
# the schema statements that make the ring tables again after delete_rings.ladybug.cypher drops them
_RING_TABLE = re.compile(r"CREATE (?:NODE|REL) TABLE IF NOT EXISTS (?:Ring|INVOLVES|INCLUDES)\(")
_KIND_NODE = {"patients": "patient", "doctors": "doctor", "institutions": "institution"}
# Reads starting from lists of entity ids, run one primary-key lookup per id (see
# graph.store.anchored): name -> whether the query aggregates over a part's ids (then only a
# part with a single id is anchored, which gives the same answer; several ids run as written).
_ANCHORED = {"edge_claims": False, "registered_edges_among": False, "neighbour_edges": False,
             "claims_of": False, "entity_totals": True}
# Times are TIMESTAMP inside LadybugDB and ISO text everywhere else (queries/schema.ladybug.cypher
# says why): columns of these names are converted in every table copied or loaded, parameters of
# these names in every query, and every TIMESTAMP column of an answer on the way out.
_TIME_COLUMNS = frozenset({"settled_at", "first", "last"})
_TIME_PARAMS = frozenset({"since", "until"})
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"
_EARLIEST = "0001-01-01T00:00:00"  # completes a shortened window bound (see _param_time)
# Existing edges' totals a merging load has still to add wait in PENDING_DIR beside the database,
# recorded by Batch ids with the PENDING_EDGES prefix (see LadybugStore.finish_pending).
PENDING_DIR = "pending-edges"


def _buffer_pool() -> int:
    """LadybugDB's page cache: ``RINGTRACE_LADYBUG_CACHE_MIB`` if set, else a quarter of memory.

    Its default is 80%, which a city-year's load would fill (the database passes 5 GiB) while
    detection, the app and the analytic copy need the rest; a quarter was enough for every
    load measured (a million claims load with 512 MiB).
    """
    own = os.environ.get("RINGTRACE_LADYBUG_CACHE_MIB", "").strip()
    if own:
        try:
            return max(64, int(own)) << 20
        except ValueError:
            raise StoreError(f"RINGTRACE_LADYBUG_CACHE_MIB must be a whole number of MiB, not {own!r}") from None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 0  # unknown: LadybugDB's own default
    return max(256 << 20, total // 4)


def _busy(e: Exception) -> bool:
    """Another process holds the file for a moment (a lock, or a checkpoint being written).

    LadybugDB raises plain RuntimeError with no error code, so its text is all there is to go on.

    >>> _busy(RuntimeError("Storage exception: Checksum verification failed, the WAL file is corrupted."))
    True
    >>> _busy(RuntimeError("Binder exception: Table Ring does not exist."))
    False
    """
    text = str(e).lower()
    # a read-only open that catches the writer's log half written finds its checksum wrong
    # ("the WAL file is corrupted"); the writer finishes it a moment later (seen once in
    # test_readers_open_while_a_writer_loads). A log truly left broken still fails after lock_wait.
    return "lock" in text or "checkpoint" in text or "recovery" in text or "wal file is corrupted" in text


class LadybugStore(CypherStore):
    """LadybugDB at ``path`` (a folder; the database file lives inside it)."""

    name = "ladybug"
    engine = "ladybug"
    _without_added = False  # the schema lacks the _ADDED tables (written by an older ringtrace)
    _nothing_added = False  # they hold no rows: reads use the shared queries (see _q)
    _sizes: dict[str, int] | None = None  # rows per node table, for anchored reads (see _node_rows)

    def __init__(self, path, read_only: bool = False, lock_wait: float = 30.0):
        self.dir = Path(path)
        self.read_only = read_only
        self._in_tx = False
        file = self.dir / DB_FILE
        if read_only and not file.exists():
            # An app opened on an empty workspace: create the empty schema so reads answer "nothing".
            with LadybugStore(path, read_only=False, lock_wait=lock_wait):
                pass
        self.dir.mkdir(parents=True, exist_ok=True)
        self._file = file
        self._lock_wait = lock_wait
        self._open()
        if not read_only:
            self.ensure_schema()

    def _signature(self) -> tuple:
        """Size and modification time of the database file and its write-ahead log."""
        out = []
        for f in (self._file, self._file.with_name(self._file.name + ".wal")):
            try:
                st = f.stat()
                out.append((st.st_size, st.st_mtime_ns))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def _open(self) -> None:
        import ladybug  # imported here: `ringtrace status` and the Bolt store never pay for it

        file, read_only = self._file, self.read_only
        deadline = time.monotonic() + self._lock_wait
        while True:
            try:
                # noted before opening: a commit landing during the open makes the next read reopen
                sig = self._signature()
                self._db = ladybug.Database(str(file), read_only=read_only, buffer_pool_size=_buffer_pool())
                self._con = ladybug.Connection(self._db)
                self._opened_on = sig
                self._sizes = None
                self.outdated = self._times_as_text()
                self._without_added = not self._has_added_tables()
                # a writable open counts them in ensure_schema, which always follows
                self._nothing_added = self._without_added or (self.read_only and not self._any_added())
                break
            except RuntimeError as e:
                if not _busy(e) or time.monotonic() > deadline:
                    raise StoreError(
                        f"The graph store {file} cannot be opened{' read-only' if read_only else ''}: {e}. "
                        f"If another ringtrace run is writing it, wait for that run to finish and try again."
                    ) from e
                time.sleep(0.5)

    def _times_as_text(self) -> bool:
        """Whether this database was written by an older ringtrace that kept times as STRING.

        Such a graph still answers reads (its text is compared with text parameters as before);
        a load into it is refused (:meth:`rebuild` it from the analytic copy: ``sync_graph`` does).
        """
        try:
            res = self._con.execute("CALL TABLE_INFO('Claim') RETURN *")
        except RuntimeError:
            return False  # no schema yet: it is created with TIMESTAMP times
        try:
            types = {row[1]: row[2] for row in res.get_all()}
        finally:
            res.close()
        return types.get("settled_at") == "STRING"

    def _has_added_tables(self) -> bool:
        """Whether the schema has the _ADDED tables (a graph from before them answers reads without)."""
        try:
            res = self._con.execute("CALL SHOW_TABLES() RETURN name")
        except RuntimeError:
            return False
        try:
            return {"VISITED_ADDED", "BY_ADDED"} <= {row[0] for row in res.get_all()}
        finally:
            res.close()

    def _any_added(self) -> bool:
        """Whether any _ADDED table holds rows (appended by a merging load, not yet folded in)."""
        res = self._con.execute(self._q("added_counts").text)
        try:
            return any(int(row[1] or 0) for row in res.get_all())
        finally:
            res.close()

    def _q(self, name: str) -> Query:
        if name in _READS_WITH_ADDED and self._nothing_added:
            # nothing added since the last fold: the stored tables are whole, and the shared reads
            # are faster (walking both tables and summing per pair cost a 2-hop view at 1M claims
            # p50 0.37 -> 0.81 s over hubs)
            return shared(_READS_WITH_ADDED[name])
        return super()._q(name)

    def rebuild(self) -> None:
        """Empty the graph with the current schema (the caller loads it again from the analytic copy)."""
        if self.read_only:
            raise StoreError("This graph store was opened read-only; open it with read_only=False to rebuild it.")
        self._recreate()

    def _fresh(self) -> None:
        """Reopen a read-only store when another process has committed to it since it opened."""
        if self.read_only and self._con is not None and self._signature() != self._opened_on:
            self.close()
            self._open()

    # --- running queries ---------------------------------------------------------------
    def _execute(self, text: str, params: dict):
        if not self.outdated and _TIME_PARAMS.intersection(params):
            params = {k: (_param_time(v) if k in _TIME_PARAMS else v) for k, v in params.items()}
        try:
            return self._con.execute(text, params)
        except RuntimeError as e:
            raise StoreError(f"LadybugDB refused a query: {e}") from e

    def _arrow(self, text: str, params: dict) -> pa.Table:
        res = self._execute(text, params)
        try:
            # Arrow is the fastest way out of LadybugDB for thousands of rows; nulls arrive as None.
            # Sized to the answer: the default chunk is 10M values wide (1.25M rows of 8 columns)
            # and costs ~10 ms to set up, which a per-id read of a few rows would pay every time.
            return _iso_times(res.get_as_arrow(chunk_size=max(1, res.get_num_tuples())))
        finally:
            res.close()

    def _read(self, query: Query, params: dict) -> pa.Table:
        """A read's answer; reads anchored on id lists run as one primary-key lookup per id."""
        aggregates = _ANCHORED.get(query.name)
        parts = split(query.text) if aggregates is not None else None
        if parts is None:
            return self._arrow(query.text, params)
        pieces = []
        for part in parts:
            ids = params[part.anchor]
            if not ids:
                continue  # matches nothing; as written it would still scan the whole table
            if (aggregates and len(ids) > 1) or not worth_anchoring(len(ids), self._node_rows().get(part.label)):
                pieces.append(self._arrow(part.text, {k: params[k] for k in part.list_params}))
                continue
            shared = {k: params[k] for k in part.params if k != ANCHOR}
            pieces.extend(self._arrow(part.one, dict(shared, **{ANCHOR: i})) for i in ids)
        pieces = [p for p in pieces if p.num_rows]
        if not pieces:
            return pa.table({})
        # a column all nulls in one piece comes back typed null: promote to the others' type
        return pa.concat_tables(pieces, promote_options="permissive")

    def _node_rows(self) -> dict[str, int]:
        """Rows per node table (label -> count), counted once per open (30 ms at 15M claims):
        what an anchored read weighs its lookups against. A load changes them; a stale count
        only makes a read choose the slower of two plans, never a different answer."""
        if self._sizes is None:
            labels = {"claims": "Claim", "patients": "Patient", "cards": "Card", "doctors": "Doctor",
                      "institutions": "Institution", "rings": "Ring"}
            self._sizes = {labels[r["what"]]: int(r["n"] or 0) for r in self._rows("counts") if r["what"] in labels}
        return self._sizes

    def _run_rows(self, query: Query, params: dict) -> list[dict]:
        return self._read(query, params).to_pylist()

    def _table(self, name: str, schema: pa.Schema, **params) -> pa.Table:
        if name in _FOR_MANY and sum(len(v) for v in params.values() if isinstance(v, list)) > _MANY:
            name = _FOR_MANY[name]
        q = self._q(name)
        q.check(params)
        return _conform(self._read(q, params), schema)

    def _frame(self, name: str, columns: list[str], **params) -> pd.DataFrame:
        if name in _FOR_MANY and sum(len(v) for v in params.values() if isinstance(v, list)) > _MANY:
            name = _FOR_MANY[name]
        q = self._q(name)
        q.check(params)
        df = self._read(q, params).to_pandas()
        return df if len(df) else pd.DataFrame(columns=columns)

    def _run_write(self, query: Query, params: dict) -> None:
        self._execute(query.text, params)

    @contextmanager
    def _transaction(self):
        if self._in_tx:
            yield
            return
        self._execute("BEGIN TRANSACTION", {})
        self._in_tx = True
        try:
            yield
        except BaseException:
            self._in_tx = False
            try:
                self._con.execute("ROLLBACK")
            except RuntimeError:
                pass  # a failed statement already rolled the transaction back
            raise
        self._in_tx = False
        self._execute("COMMIT", {})

    def close(self) -> None:
        con, db = getattr(self, "_con", None), getattr(self, "_db", None)
        self._con = self._db = None
        if con is not None:
            con.close()
        if db is not None:
            db.close()

    # --- schema and loading ---------------------------------------------------------------
    def ensure_schema(self) -> None:
        for stmt in self._q("schema").statements:
            self._execute(stmt, {})
        self._without_added = False
        self._nothing_added = not self._any_added()

    def _copy(self, name: str, table: pa.Table) -> None:
        if table.num_rows:
            self._write(name, rows=_stored_times(table))
            self._sizes = None  # nodes may have been added: count again on the next anchored read
            if name in _APPENDS:
                self._nothing_added = False  # reads walk the _ADDED tables from now on

    def _arrow_rows(self, name: str, **params) -> pa.Table:
        q = self._q(name)
        q.check(params)
        res = self._execute(q.text, params)
        try:
            return _iso_times(res.get_as_arrow())
        finally:
            res.close()

    def _stored_ids(self, t: str, ids: pa.Array, stored: int) -> pa.Array:
        """Which of ``ids`` are already nodes of type ``t`` (``claim`` or an entity type).

        Few ids are looked up by primary key; many are checked against one scan of the stored
        ids, which at a city-year costs a second where a million lookups cost minutes.
        """
        if stored == 0 or len(ids) == 0:
            return pa.array([], pa.string())
        if len(ids) >= _SCAN_FROM:
            every = self._arrow_rows(_ALL_IDS[t])["id"].combine_chunks()
            return ids.filter(pc.is_in(ids, value_set=every))
        got = self._arrow_rows(_STORED_IDS[t], rows=pa.table({"k_id": ids}))
        return got["id"].combine_chunks().cast(pa.string()) if got.num_rows else pa.array([], pa.string())

    def _stored_pairs(self, kind: str, pairs: pa.Table) -> pa.Array:
        """Pair keys (:func:`_pair_key`) of the (a, b) rows that already have a ``kind`` edge."""
        if pairs.num_rows == 0:
            return pa.array([], pa.string())
        if pairs.num_rows >= _SCAN_FROM:
            every = _pair_key(self._arrow_rows(_ALL_PAIRS[kind])).combine_chunks()
            keys = _pair_key(pairs)
            return keys.filter(pc.is_in(keys, value_set=every))
        got = self._arrow_rows(_STORED_PAIRS[kind], rows=pairs.select(["a", "b"]).rename_columns(["k_a", "k_b"]))
        return _pair_key(got).combine_chunks().cast(pa.string()) if got.num_rows else pa.array([], pa.string())

    def store_rings(self, rings) -> None:
        """Replace the stored rings with these, linked to their member entities and claims, atomically.

        As the shared :meth:`CypherStore.store_rings`, but with bulk COPY: there UNWIND … MATCH
        … CREATE took minutes for the tens of thousands of ring claims of a city. The old rings
        go by dropping their tables (``delete_rings.ladybug.cypher``). Members and claims the
        graph lacks are left out, as the shared queries' MATCH leaves them out: the links are
        copied as they are first (detection syncs the graph before it stores, so every id is
        there), and only when a COPY finds an id missing, which rolls the whole replacement
        back, are the ids checked (looking up a city's ring claims took 8.4 s at 15M claims).
        """
        ring_rows, members, claims = self._ring_rows(rings)
        table = pa.table({
            "id": pa.array([r["id"] for r in ring_rows], pa.string()),
            "score": pa.array([r["score"] for r in ring_rows], pa.float64()),
            "pattern": pa.array([r["pattern"] for r in ring_rows], pa.string()),
            "fund_amount": pa.array([r["fund_amount"] for r in ring_rows], pa.float64()),
            "first_seen": pa.array([r["first_seen"] for r in ring_rows], pa.string()),
            "last_seen": pa.array([r["last_seen"] for r in ring_rows], pa.string()),
        })
        links = {t: pa.table({"ring": pa.array([r["ring"] for r in rows], pa.string()),
                              "id": pa.array([r["id"] for r in rows], pa.string()),
                              "role": pa.array([r["role"] for r in rows], pa.string())})
                 for t, rows in members.items()}
        links["claim"] = pa.table({"ring": pa.array([r["ring"] for r in claims], pa.string()),
                                   "id": pa.array([r["id"] for r in claims], pa.string())})
        if not self._in_tx:
            try:
                self._replace_rings(table, links, checked=False)
                return
            except StoreError as e:
                if "Unable to find primary key" not in str(e):
                    raise
                # LadybugDB 0.22 crashed copying into ring tables made again on the connection
                # whose drop was just rolled back: the retry gets a fresh database handle
                self.close()
                self._open()
                self.ensure_schema()  # as a writable open does
        self._replace_rings(table, links, checked=True)

    def _replace_rings(self, table: pa.Table, links: dict, checked: bool) -> None:
        rings_schema = [st for st in self._q("schema").statements if _RING_TABLE.search(st)]
        if len(rings_schema) != 3:  # the drop below must be followed by all three
            raise StoreError("schema.ladybug.cypher lacks a CREATE ... TABLE IF NOT EXISTS for Ring, INVOLVES or INCLUDES")
        with self._transaction():
            for stmt in self._q("delete_rings").statements:
                self._execute(stmt, {})
            for stmt in rings_schema:
                self._execute(stmt, {})
            self._copy("copy_rings", table)
            for t, link in links.items():
                if checked:
                    known = self._stored_ids(t, unique_ids(link["id"]), stored=1)
                    link = link.filter(pc.is_in(link["id"], value_set=known))
                self._copy(_COPY_RING_LINK[t], link)

    def _write_table(self, name: str, table: pa.Table) -> None:
        """Run a ``LOAD FROM $rows`` update with the table's columns as ``k_<column>``."""
        if table.num_rows:
            self._write(name, rows=_stored_times(table).rename_columns(["k_" + c for c in table.column_names]))

    def _write_rows(self, name: str, table: pa.Table) -> None:
        for i in range(0, table.num_rows, _CHUNK):
            self._write(name, rows=table.slice(i, _CHUNK).to_pylist())

    def load(self, claims, institutions=None, doctors=None, patients=None, *, settled=()) -> int:
        """Add the claims and reference rows the graph lacks; returns how many claims were new.

        ``claims`` is a DataFrame or an Arrow table in the analytic schema. ``settled`` names
        reference kinds (``"patients"``, ``"doctors"``, ``"institutions"``) this store already
        holds exactly as given: of those only the rows about entities this load creates are
        applied, so a day's increment does not rewrite three million patients.
        """
        self._loadable()
        unknown = set(settled) - set(_KIND_NODE)
        if unknown:
            raise ValueError(f"unknown reference kinds {sorted(unknown)}; known: {sorted(_KIND_NODE)}")
        # held in a list the worker empties, so the claims are freed once copied (a city-year's
        # columns are gigabytes)
        box = [claims_table(claims)]
        del claims
        frames = {"institutions": institutions, "doctors": doctors, "patients": patients}
        for kind in settled:  # of a settled file only the rows about entities the claims name can apply
            frames[kind] = named_by(kind, frames[kind], box[0], institutions_too="institutions" in settled)
        refs = {"institution": reference_table("institutions", frames["institutions"]),
                "doctor": reference_table("doctors", frames["doctors"]),
                "patient": reference_table("patients", frames["patients"])}
        del frames, institutions, doctors, patients
        settled_nodes = {_KIND_NODE[k] for k in settled}
        stored = dict.fromkeys(("claims", *_PLURAL.values(), "rings"), 0)
        stored.update({r["what"]: int(r["n"] or 0) for r in self._rows("counts")})
        if not self._in_tx and not any(stored.values()) and not self.loaded_batches():
            # First load into an empty graph: LadybugDB holds a transaction's copied rows in
            # memory until it commits (3 GiB per million claims), so each COPY commits on its
            # own and a failure puts the empty graph back instead of rolling back.
            try:
                return self._load(box, refs, settled_nodes, stored)
            except BaseException:
                self._recreate()
                raise
        if self._in_tx:  # inside a caller's transaction: all of it there
            return self._load(box, refs, settled_nodes, stored)
        self.finish_pending()
        with self._own_connection(), self._transaction():
            added = self._load(box, refs, settled_nodes, stored)
        self.compact(min_share=COMPACT_SHARE)
        return added

    def compact(self, min_share: float = 0.0) -> list[str]:
        """Fold the rows merging loads added into the stored tables; returns the kinds folded.

        Only kinds whose added rows pass ``min_share`` of the stored claims are folded (0: every
        kind that has any): a claim link is copied into its stored table; a pair's added totals,
        summed, are added to its stored edge in place, or copied as a new edge. Each kind commits
        on its own with its added rows cleared, so a stopped compaction leaves every row counted
        once, in one table or the other. Folding rewrites every part of the kind's tables (one
        day's rows into the 5M-claim graph: 33.5 s for the nine kinds, 4.4 GiB), which is why a
        day's load appends instead and this runs only every few weeks of days.
        """
        if self.read_only or self._in_tx or self._without_added:
            return []
        claims = next((int(r["n"] or 0) for r in self._rows("counts") if r["what"] == "claims"), 0)
        due = sorted(r["kind"] for r in self._rows("added_counts")
                     if int(r["n"] or 0) and int(r["n"]) > min_share * claims)
        for kind in due:
            # each kind on a connection of its own: the connection keeps the tables bound to its
            # statements, and their pages with them (one kind alone fits; several did not)
            with self._own_connection(), self._transaction():
                if kind in _ADDED_LINKS:
                    self._copy(_COPY_REL[kind], self._arrow_rows(_ADDED_LINKS[kind]))
                    self._write(_CLEAR_LINKS[kind])
                    continue
                rows = self._arrow_rows(_ADDED[kind])
                have = self._stored_pairs(kind, rows.select(["a", "b"]))
                stored = pc.is_in(_pair_key(rows), value_set=have)
                new = rows.filter(pc.invert(stored))
                reg = new.filter(new["registered"]).select(["a", "b"]) if kind == "WORKS_AT" else None
                self._copy_edges(kind, new.drop_columns(["registered"]) if kind == "WORKS_AT" else new, reg)
                old = rows.filter(stored)
                self._write_table(_ADD_EDGE[kind], conform(old, EDGE_COLUMNS))
                if kind == "WORKS_AT":
                    self._write_rows("register_works_at", old.filter(old["registered"]).select(["a", "b"]))
                self._write(_CLEAR_ADDED[kind])
        if due:
            self._nothing_added = not self._any_added()
        return due

    def finish_pending(self) -> None:
        """Move edge totals an older ringtrace's stopped merging load left pending into KIND_ADDED.

        ringtrace before the added tables wrote a merging load's totals for stored edges beside
        the database (``pending-edges/``, one ``pending-edges:`` Batch record per kind) and added
        them in place afterwards, one kind per transaction. A run stopped in between left records;
        each kind's rows are now appended to its added table together with the removal of its
        record, so no total is counted twice or lost.
        """
        if self.read_only or self._in_tx:
            return
        pending = sorted(r["id"] for r in self._rows("loaded_batches") if str(r["id"]).startswith(PENDING_EDGES))
        for bid in pending:
            token, kind = bid[len(PENDING_EDGES):].rsplit(":", 1)
            path = self.dir / PENDING_DIR / token / f"{kind}.arrow"
            if not path.exists():
                raise StoreError(
                    f"The graph store {self._file} lacks the edge totals {path} it recorded as pending; "
                    f"rebuild it: delete {self.dir} and run ringtrace ingest again (any file; nothing is added twice)."
                )
            with self._transaction():
                self._copy_edges(kind, conform(_read_mapped(path), EDGE_COLUMNS), None, added=True)
                self._write("unmark_batch", id=bid)
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
        if pending and (self.dir / PENDING_DIR).is_dir() and not any((self.dir / PENDING_DIR).iterdir()):
            (self.dir / PENDING_DIR).rmdir()

    def load_pieces(self, pieces, institutions=None, doctors=None, patients=None, *, settled=()) -> int:
        """As :meth:`load`, with the claims given as an iterable of pieces (one month each).

        Into an empty graph (a first load) the pieces are loaded one at a time: each piece's
        claims, their links and the entities it names first are copied, then the piece is let go;
        the browsing edges, which need the whole batch, are kept as small per-piece aggregates
        and copied once at the end. So only one month's rows sit beside the page cache (one
        15M-claim batch copied at once passed 15 GiB). Into a graph that holds something, the
        pieces are joined and loaded as by :meth:`load` (a daily increment is small).
        """
        self._loadable()
        if self._in_tx or settled or any(int(r["n"] or 0) for r in self._rows("counts")) or self.loaded_batches():
            pieces = [claims_table(p) for p in pieces]
            joined = pa.concat_tables(pieces) if pieces else None
            del pieces
            return self.load(joined, institutions, doctors, patients, settled=settled)
        refs = {"institution": reference_table("institutions", institutions),
                "doctor": reference_table("doctors", doctors),
                "patient": reference_table("patients", patients)}
        try:
            return self._stream(iter(pieces), refs)
        except BaseException:
            self._recreate()  # as a failed first load by :meth:`load`: the empty graph again
            raise

    def _loadable(self) -> None:
        if self.read_only:
            raise StoreError("This graph store was opened read-only; open it with read_only=False to load.")
        if self.outdated:
            raise StoreError(
                f"The graph store {self._file} was written by an older ringtrace (times kept as text) and "
                f"cannot take new claims. Run ringtrace ingest again (any file; nothing is added twice): "
                f"it rebuilds the graph from the analytic copy."
            )

    def _stream(self, pieces, refs: dict) -> int:
        """First load, piece by piece (see :meth:`load_pieces`); each COPY commits on its own."""
        # Every piece's prepared claims are written to Arrow files beside the database and read
        # back memory-mapped: the pages are the OS's to drop, not heap the load holds.
        spill = Path(tempfile.mkdtemp(prefix=".pieces-", dir=self.dir))
        try:
            return self._stream_with(pieces, refs, spill)
        finally:
            shutil.rmtree(spill, ignore_errors=True)

    def _stream_with(self, pieces, refs: dict, spill: Path) -> int:
        """Prepare the pieces one at a time, then copy each table once.

        LadybugDB copies into an empty table several times faster than into one that holds rows
        (it builds the primary-key index and the relationship lists in bulk): 13 monthly COPYs of
        a million claims took 8.3 s, one COPY of the same rows 2.3 s. So the pieces are only
        prepared one by one (normalised, repeated claim ids dropped) and written to Arrow files
        read back memory-mapped, and each table is copied once from all of them. The claims are
        unmapped before the browsing edges, which are aggregated one kind at a time (aggregating
        the next kind on a second thread while one is copied was tried: it held two kinds' rows
        beside a full page cache, and the 15M load needs all of that cache).
        """
        files = self._prepare_pieces(pieces, spill)

        def claims(columns=None):  # all pieces' prepared rows, mapped afresh (unmapped when let go)
            parts = [_read_mapped(f) for f in files]
            table = pa.concat_tables(parts) if parts else _with_seconds(claims_table(None))
            return table.select(columns) if columns else table

        ids = {}
        for t, col in _ENTITY_COLUMN.items():
            # entities the claims name and those only the reference files name (cards only the
            # patients file names); sorted, as coded_aggregate needs them
            cols = [claims([col])[col]] + ([refs[t]["id"]] if refs.get(t) is not None else [])
            if t == "card" and refs["patient"] is not None:
                cols.append(refs["patient"]["card_id"])
            u = unique_ids(*cols)
            ids[t] = u.take(pc.array_sort_indices(u))
        registered = self._registered(refs, ids["institution"])
        with self._own_connection():
            for t in _ENTITY_COLUMN:
                self._copy_entities(t, ids[t], refs.get(t))
        c = claims()
        added = c.num_rows
        # the settlement times as timestamps from their seconds, not parsed from their text again
        c = c.set_column(c.column_names.index("settled_at"), "settled_at",
                         c["_t"].cast(pa.timestamp("s")).cast(pa.timestamp("us")))
        with self._own_connection():
            self._copy_claims(c)
        del c  # unmapped: the connection that was given it is closed

        codes = {}  # each entity column looked up once for all the kinds that use it

        def aggregate(kind):
            a, b = EDGE_KINDS[kind][2:]
            return coded_aggregate(claims([a, b, "_t", "fund_amount", "total_amount"]), kind, ids, codes,
                                   timestamps=True)

        for kind in EDGE_KINDS:
            agg = aggregate(kind)
            reg = registered.get(kind)
            with self._own_connection():  # registration-only pairs added
                self._copy_edges(kind, _with_registered(agg, reg), reg)
            del agg
            pa.default_memory_pool().release_unused()
        return added

    @staticmethod
    def _prepare_pieces(pieces, spill: Path) -> list[Path]:
        """Each piece's store rows (with ``_t``, epoch seconds) written to an Arrow file.

        A claim id repeated in a later piece keeps its first row, as :func:`claims_table` keeps
        it within one table. Ingest commits a claim once, so repeats are checked once over all
        ids after the pieces are written (a set of every id seen so far, tested against each
        month, cost a city-year 17 s) and only a file holding a repeat is written again.
        """
        files: list[Path] = []
        for i, piece in enumerate(pieces):
            c = claims_table(piece)
            del piece
            files.append(_write_arrow(spill / f"claims-{i}.arrow", _with_seconds(c)))
            del c
            pa.default_memory_pool().release_unused()  # this piece's rows back before the next's
        ids = pa.chunked_array([_read_mapped(f)["claim_id"] for f in files], pa.string())
        if pc.count_distinct(ids).as_py() < len(ids):
            _drop_repeated_claims(files, ids)
        return files

    @contextmanager
    def _own_connection(self):
        """Run the block's statements on a connection of their own, closed after it.

        LadybugDB's Python connection caches each prepared statement with the parameters it was
        bound to, so every Arrow table given to ``COPY … FROM $rows`` stays alive as long as the
        connection: each browsing-edge table of a city-year is over a GiB, and the claims' mapped pages stayed resident. Closing the connection lets them go. Only
        outside a transaction (the streamed first load), as a transaction lives on its connection.
        """
        import ladybug

        assert not self._in_tx
        kept, self._con = self._con, ladybug.Connection(self._db)
        try:
            yield
        finally:
            self._con.close()
            self._con = kept


    def _copy_entities(self, t: str, ids: pa.Array, ref) -> None:
        """Copy new nodes of type ``t`` with these ids, with their reference properties if any."""
        if len(ids) == 0:
            return
        base = pa.table({"id": ids.take(pc.array_sort_indices(ids))})
        if ref is not None:
            props = ref.drop_columns([c for c in ("card_id",) if c in ref.column_names])
            props = props.filter(pc.is_in(props["id"], value_set=ids))
            base = base.join(props, keys="id", join_type="left outer")
        self._copy(_COPY_NODE[t], conform(base, NODE_COLUMNS[t]))

    def _copy_claims(self, new: pa.Table) -> None:
        """Copy claim nodes and their per-claim links (their entities must be nodes already)."""
        self._copy_claim_nodes(new)
        for rel, (_, col) in CLAIM_RELS.items():
            self._copy_links(new, rel, col)

    def _copy_claim_nodes(self, new: pa.Table) -> None:
        self._copy(_COPY_NODE["claim"], conform(new.rename_columns(
            ["id" if n == "claim_id" else n for n in new.column_names]), NODE_COLUMNS["claim"]))

    def _copy_links(self, new: pa.Table, rel: str, col: str) -> None:
        """One claim-level relationship (claim -> its entity in ``col``), claims without one left out."""
        links = new.select(["claim_id", col])
        self._copy(_COPY_REL[rel], links.filter(pc.is_valid(links[col])))

    @staticmethod
    def _registered(refs: dict, institutions: pa.Array) -> dict:
        """Pairs the reference files link even without claims, limited to known institutions.

        ``institutions`` are all institution ids the graph will hold (into an empty graph).
        """
        registered, works = _reference_pairs(refs)
        if works is not None:
            registered["WORKS_AT"] = distinct_pairs(works.filter(pc.is_in(works["b"], value_set=institutions)))
        return registered

    def _copy_edges(self, kind: str, rows: pa.Table, reg, added: bool = False) -> None:
        """Copy edge pairs into the stored table (the graph lacks them) or, ``added``, into KIND_ADDED;
        a WORKS_AT pair is ``registered`` when ``reg`` holds it."""
        columns = EDGE_COLUMNS
        if kind == "WORKS_AT":
            reg_keys = _pair_key(reg) if reg is not None else pa.array([], pa.string())
            rows = rows.append_column("registered", pc.is_in(_pair_key(rows), value_set=reg_keys))
            columns = EDGE_COLUMNS + ["registered"]
        self._copy((_COPY_ADDED if added else _COPY_REL)[kind], conform(rows, columns))

    def _recreate(self) -> None:
        """Delete the database files and create the empty schema again (after a failed first load)."""
        self.close()
        for f in self.dir.glob(DB_FILE + "*"):
            f.unlink()
        shutil.rmtree(self.dir / PENDING_DIR, ignore_errors=True)
        self._open()
        self.ensure_schema()

    def _load(self, box: list, refs: dict, settled_nodes: set, stored: dict) -> int:
        empty = not any(stored.values())  # the graph held nothing before this load
        c = box.pop()
        old = self._stored_ids("claim", c["claim_id"].combine_chunks(), stored["claims"])
        new = c.filter(pc.invert(pc.is_in(c["claim_id"], value_set=old))) if len(old) else c
        del c

        # Entities: every id the new claims name, and every id of a reference file not settled.
        wanted = {t: unique_ids(new[col]) for t, col in _ENTITY_COLUMN.items()}
        for t, ref in refs.items():
            if ref is not None and t not in settled_nodes:
                wanted[t] = unique_ids(wanted[t], ref["id"])
        existing = {t: self._stored_ids(t, ids, stored[_PLURAL[t]]) for t, ids in wanted.items()}
        fresh = {t: _minus(ids, existing[t]) for t, ids in wanted.items()}
        for t in settled_nodes:
            ref = refs.get(t)
            if ref is None:
                continue
            # a settled file was applied to every entity stored then: only new ones need it
            keep = pc.is_in(ref["id"], value_set=fresh[t])
            if t == "patient":
                keep = pc.or_(keep, pc.fill_null(pc.is_in(ref["card_id"], value_set=fresh["card"]), False))
            if t == "doctor":
                keep = pc.or_(keep, pc.fill_null(pc.is_in(ref["institution_id"], value_set=fresh["institution"]),
                                                False))
            refs[t] = ref.filter(keep)
        if refs["patient"] is not None:
            # cards the patients file names that no claim names
            more = _minus(unique_ids(refs["patient"]["card_id"]), wanted["card"])
            if len(more):
                known = self._stored_ids("card", more, stored["cards"])
                existing["card"] = pa.concat_arrays([existing["card"], known])
                fresh["card"] = pa.concat_arrays([fresh["card"], _minus(more, known)])

        for t in _ENTITY_COLUMN:
            base = pa.table({"id": fresh[t].take(pc.array_sort_indices(fresh[t]))})
            ref = refs.get(t)
            if ref is not None:
                props = ref.drop_columns([c for c in ("card_id",) if c in ref.column_names])
                base = base.join(props, keys="id", join_type="left outer")
                if t not in settled_nodes:
                    known = props.filter(pc.is_in(props["id"], value_set=existing[t]))
                    self._write_table(_MERGE_REF[t], conform(known, NODE_COLUMNS[t]))
            self._copy(_COPY_NODE[t], conform(base, NODE_COLUMNS[t]))

        # Claims and their links.
        self._copy(_COPY_NODE["claim"], conform(new.rename_columns(
            ["id" if n == "claim_id" else n for n in new.column_names]), NODE_COLUMNS["claim"]))
        for rel, (_, col) in CLAIM_RELS.items():
            links = new.select(["claim_id", col])
            # into a graph that holds claims, links go to their _ADDED table (schema.ladybug.cypher)
            self._copy((_COPY_REL if empty else _COPY_LINK_ADDED)[rel], links.filter(pc.is_valid(links[col])))
        new_claims = new.num_rows
        new = new.select([*_ENTITY_COLUMN.values(), "settled_at", "fund_amount", "total_amount"])

        # Pairs the reference files link even without claims (a card's holder, a doctor's
        # registered institution), limited to entities that exist, as the Bolt store does.
        registered, works = _reference_pairs(refs)
        if works is not None:
            inst = pa.concat_arrays([fresh["institution"], existing["institution"]])
            known_inst = pc.is_in(works["b"], value_set=inst)
            if not pc.all(known_inst).as_py() and works.num_rows:
                # an institution neither claims nor the file name: may exist from an older load
                other = unique_ids(works["b"].filter(pc.invert(known_inst)))
                more = self._stored_ids("institution", other, stored["institutions"])
                known_inst = pc.or_(known_inst, pc.is_in(works["b"], value_set=more))
            registered["WORKS_AT"] = distinct_pairs(works.filter(known_inst))

        # Browsing edges: into an empty graph each pair is copied once; into a graph that holds
        # claims, every pair's totals are appended to KIND_ADDED, stored edge or not (reads sum a
        # pair's rows; compaction folds them in), so no pair is looked up and no table rewritten.
        for kind in EDGE_KINDS:
            agg = _with_registered(aggregate_table(new, kind), registered.get(kind))
            if agg.num_rows:
                self._copy_edges(kind, agg, registered.get(kind), added=not empty)
            del agg
            pa.default_memory_pool().release_unused()  # one kind's tables back before the next's
        return int(new_claims)


def _reference_pairs(refs: dict) -> tuple[dict, pa.Table | None]:
    """HOLDS pairs (a patient's registered card) and the doctors' registered institutions as
    (a, b) rows, which each load then limits to the institutions it knows."""
    registered: dict[str, pa.Table] = {}
    if refs["patient"] is not None:
        held = refs["patient"].filter(pc.is_valid(refs["patient"]["card_id"]))
        registered["HOLDS"] = distinct_pairs(pa.table({"a": held["id"], "b": held["card_id"]}))
    works = None
    if refs["doctor"] is not None:
        works = refs["doctor"].filter(pc.is_valid(refs["doctor"]["institution_id"]))
        works = pa.table({"a": works["id"], "b": works["institution_id"]})
    return registered, works


def _with_registered(agg: pa.Table, reg: pa.Table | None) -> pa.Table:
    """Browsing-edge rows plus the registration-only pairs (a card held, a doctor's post) that
    no claim names yet, as rows with no claims."""
    if reg is None or not reg.num_rows:
        return agg
    extra = reg.filter(pc.invert(pc.is_in(_pair_key(reg), value_set=_pair_key(agg))))
    if not extra.num_rows:
        return agg
    n = extra.num_rows
    extra = conform(extra.append_column("claims", pa.array([0] * n, pa.int64()))
                    .append_column("fund_amount", pa.array([0.0] * n))
                    .append_column("total_amount", pa.array([0.0] * n))
                    .append_column("first", pa.nulls(n, agg.schema.field("first").type))  # text or timestamps,
                    .append_column("last", pa.nulls(n, agg.schema.field("last").type)), EDGE_COLUMNS)  # as agg's
    return pa.concat_tables([agg, extra])


def _with_seconds(claims: pa.Table) -> pa.Table:
    """Prepared claims with ``_t``, the settlement time as epoch seconds (for coded_aggregate)."""
    return claims.append_column("_t", pa.array(epoch_seconds(claims["settled_at"]), pa.int64()))


def _drop_repeated_claims(files: list[Path], ids: pa.ChunkedArray) -> None:
    """Rewrite the files so that each claim id keeps only its first row (files in order)."""
    n = len(ids)
    first = (pa.table({"claim_id": ids, "_i": pa.array(np.arange(n, dtype=np.int64))})
             .group_by("claim_id", use_threads=False).aggregate([("_i", "min")]))["_i_min"].to_numpy()
    keep = np.zeros(n, dtype=bool)
    keep[first] = True
    at = 0
    for f in files:
        table = _read_mapped(f)
        rows = table.num_rows
        mask = keep[at:at + rows]
        at += rows
        if not mask.all():
            kept = table.filter(pa.array(mask))
            _write_arrow(f.with_suffix(".tmp"), kept)
            del table, kept
            os.replace(f.with_suffix(".tmp"), f)


def _write_arrow(path: Path, table: pa.Table) -> Path:
    """``table`` as an uncompressed Arrow file at ``path`` (read back zero-copy by :func:`_read_mapped`)."""
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
        out.write_table(table)
    return path


def _read_mapped(path: Path) -> pa.Table:
    """An Arrow file as a table over its memory-mapped pages (no copy into the heap)."""
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def _pair_key(table: pa.Table) -> pa.ChunkedArray:
    """One string per (a, b) row, so pair sets are tested with Arrow's ``is_in``."""
    return pc.binary_join_element_wise(table["a"], table["b"], "\x1f")


def _minus(ids: pa.Array, drop: pa.Array) -> pa.Array:
    return ids.filter(pc.invert(pc.is_in(ids, value_set=drop))) if len(drop) else ids


def _param_time(value):
    """A window bound (ISO text, as :func:`graph.store.frames.iso_time` gives) as a datetime.

    The other engines compare the bound as text, so a shorter bound (``"2024-03"``, ``"9999"``)
    sorts before every time it begins: it becomes the earliest time it begins. Year 0 (the open
    lower bound ``0000-01-01T00:00:00``) is not a Python year: it becomes the earliest datetime.

    >>> _param_time("2024-03-01T09:30:00"), _param_time("2024-03"), _param_time("0000-01-01T00:00:00")
    (datetime.datetime(2024, 3, 1, 9, 30), datetime.datetime(2024, 3, 1, 0, 0), datetime.datetime(1, 1, 1, 0, 0))
    """
    if not isinstance(value, str):
        return value
    text = value.replace(" ", "T", 1)
    if text.startswith("0000"):
        return datetime.min
    return datetime.fromisoformat(text + _EARLIEST[len(text):])


def _stored_times(table: pa.Table) -> pa.Table:
    """``table`` with its time columns (``settled_at``, ``first``, ``last``) as TIMESTAMP values.

    >>> t = _stored_times(pa.table({"a": ["P1"], "first": ["2024-03-01T09:30:00"], "last": pa.nulls(1, pa.string())}))
    >>> t.schema.field("first").type, t["first"][0].as_py(), t["last"][0].as_py()
    (TimestampType(timestamp[us]), datetime.datetime(2024, 3, 1, 9, 30), None)
    """
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if name not in _TIME_COLUMNS or pa.types.is_timestamp(col.type) and col.type.unit == "us":
            continue
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            col = pc.strptime(col, format=_ISO_FORMAT, unit="us")
        else:  # null or another timestamp unit: LadybugDB binds LOAD FROM columns by exact type
            col = col.cast(pa.timestamp("us"))
        table = table.set_column(i, name, col)
    return table


def _iso_times(table: pa.Table) -> pa.Table:
    """An answer with its TIMESTAMP columns as ISO text to the second, as the other engines store it.

    >>> _iso_times(_stored_times(pa.table({"first": ["2024-03-01T09:30:00", None]})))["first"].to_pylist()
    ['2024-03-01T09:30:00', None]
    """
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(i, field.name, iso_text(table.column(i)))
    return table

"""The reads, ring storage and counts shared by every Cypher store, on top of named queries.

A concrete store supplies :meth:`CypherStore._rows` (run a read, get dicts) and
:meth:`CypherStore._write` (run a write) plus its own bulk ``load``; everything the app reads is
written once here, against the queries in ``queries/``, so both stores answer alike.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections import defaultdict
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.store.base import ENTITY_TYPES, Edge, EntitySummary, GraphStore, Node, Subgraph
from graph.store.frames import EDGE_KINDS, iso_time
from ingest.columns import ANALYTIC_CLAIM_DTYPES, CLAIM_COLUMNS
from queries.loader import Query, load

__all__ = ["CypherStore", "CLAIM_IDS_PER_EDGE", "MAX_HOPS", "NO_PAIRS", "pair_lists"]

CLAIM_IDS_PER_EDGE = 50  # claim ids listed on one edge; its counts and sums stay exact
MAX_HOPS = 3
_PLURAL = {"patient": "patients", "card": "cards", "doctor": "doctors", "institution": "institutions"}
_TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}
_TYPE_NAMES = pa.array(list(ENTITY_TYPES), type=pa.string())
_SEP = "\x1f"  # unit separator: type + _SEP + id is one string key per entity
_REACH_SCHEMA = pa.schema([("type", pa.string()), ("id", pa.string()), ("claims", pa.int64())])
_BY_ID = {"patient": "patients_by_id", "card": "cards_by_id", "doctor": "doctors_by_id",
          "institution": "institutions_by_id"}
# Anchored walks from a start entity: hop -> start type -> query name
# Walks anchored on a start entity: (hop, windowed) -> start type -> query name. The whole-time
# variants carry no window test, which on a hub's 2-hop walk costs more than the walk itself.
_REACH = {
    (1, False): {"patient": "reach1_patient", "card": "reach1_card", "doctor": "reach1_doctor",
                 "institution": "reach1_institution"},
    (1, True): {"patient": "reach1_patient_window", "card": "reach1_card_window", "doctor": "reach1_doctor_window",
                "institution": "reach1_institution_window"},
    (2, False): {"patient": "reach2_patient", "card": "reach2_card", "doctor": "reach2_doctor",
                 "institution": "reach2_institution"},
    (2, True): {"patient": "reach2_patient_window", "card": "reach2_card_window", "doctor": "reach2_doctor_window",
                "institution": "reach2_institution_window"},
}
_LINK_RING = {"patient": "link_ring_patients", "card": "link_ring_cards", "doctor": "link_ring_doctors",
              "institution": "link_ring_institutions"}

def _money(v) -> float:
    """Sums as cents: engines add doubles in different orders, answers must still be identical."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return 0.0
    return round(float(v), 2)


def _time(v) -> datetime | None:
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
        return None
    return datetime.fromisoformat(str(v))


_EDGE_CLAIM_SCHEMA = pa.schema([("claim_id", pa.string()), ("patient_id", pa.string()), ("card_id", pa.string()),
                                ("institution_id", pa.string()), ("doctor_id", pa.string()),
                                ("settled_at", pa.string()), ("fund_amount", pa.float64()),
                                ("total_amount", pa.float64())])
# Batch ids that record edge totals a LadybugDB merging load has still to add (not batches; see
# LadybugStore.finish_pending)
PENDING_EDGES = "pending-edges:"
_REGISTERED_KINDS = ("HOLDS", "WORKS_AT")  # kinds the reference files create without claims
_NO_CLAIMS = {"claims": 0, "claim_ids": [], "fund_amount": 0.0, "total_amount": 0.0, "first": None, "last": None}

# LadybugDB types an empty list parameter as a list of strings, so a query doing ``pr.a`` on it
# fails to bind; a pair of nulls keeps the list's type and matches nothing in any engine.
NO_PAIRS = [{"a": None, "b": None}]


def pair_lists(pairs: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Pair-list parameters with empty lists replaced by :data:`NO_PAIRS`."""
    return {k: (v if v else NO_PAIRS) for k, v in pairs.items()}


def _typed(nodes) -> dict[str, list[str]]:
    out = {p: [] for p in _PLURAL.values()}
    for t, i in nodes:
        out[_PLURAL[t]].append(i)
    for v in out.values():
        v.sort()
    return out


def _clean(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


class CypherStore(GraphStore):
    """GraphStore reads implemented once over named queries; subclasses run them."""

    engine: str = ""  # "ladybug" or "bolt": picks query variants

    # --- what a concrete store provides -------------------------------------------
    @abstractmethod
    def _run_rows(self, query: Query, params: dict) -> list[dict]: ...

    @abstractmethod
    def _run_write(self, query: Query, params: dict) -> None: ...

    @abstractmethod
    def _transaction(self):
        """A context manager: writes inside it commit together or not at all."""

    def _fresh(self) -> None:
        """Called before every public read: a store whose view can go stale refreshes it here."""

    def _q(self, name: str) -> Query:
        return load(name, self.engine)

    def _frame(self, name: str, columns: list[str], **params) -> pd.DataFrame:
        """A read as a DataFrame with these columns (stores may override with a faster path)."""
        rows = self._rows(name, **params)
        return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)

    def _table(self, name: str, schema: pa.Schema, **params) -> pa.Table:
        """A read as an Arrow table of ``schema`` (stores may override with a faster path)."""
        return _conform(pa.Table.from_pylist(self._rows(name, **params)), schema)

    def _rows(self, name: str, **params) -> list[dict]:
        q = self._q(name)
        q.check(params)
        return [_clean(r) for r in self._run_rows(q, params)]

    def _write(self, name: str, **params) -> None:
        q = self._q(name)
        q.check(params)
        self._run_write(q, params)

    # --- counts --------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        self._fresh()
        out = {k: 0 for k in ("claims", "patients", "cards", "doctors", "institutions", "rings")}
        for r in self._rows("counts"):
            out[r["what"]] = int(r["n"] or 0)
        return out

    # --- find ------------------------------------------------------------------------
    def find(self, text: str, types: tuple[str, ...] = tuple(ENTITY_TYPES), limit: int = 20) -> list[Node]:
        self._fresh()
        text = (text or "").strip()
        unknown = [t for t in types if t not in ENTITY_TYPES]
        if unknown:
            raise ValueError(f"unknown entity type(s) {unknown}; use {', '.join(ENTITY_TYPES)}")
        if not text or limit <= 0:
            return []
        rows = self._rows("find_entities", text=text, types=list(types), limit=int(limit))
        nodes = [Node(r["type"], r["id"]) for r in rows]
        # exact matches first, then by type and id: an investigator typing a full id sees it on top
        nodes.sort(key=lambda n: (n.id != text, _TYPE_ORDER[n.type], n.id))
        return nodes[:limit]

    # --- node properties -------------------------------------------------------------
    def _props(self, keys) -> dict[tuple[str, str], dict]:
        by_type = _typed(keys)
        out = {}
        for t, plural in _PLURAL.items():
            if by_type[plural]:
                for r in self._rows(_BY_ID[t], ids=by_type[plural]):
                    out[(t, r["id"])] = {k: v for k, v in r.items() if k != "id" and v is not None}
        return out

    # --- neighbourhood ----------------------------------------------------------------
    def _edges_of(self, keys, since: str, until: str) -> list[dict]:
        typed = _typed(keys)
        return self._rows("neighbour_edges", since=since, until=until, **typed)

    def neighbourhood(self, type: str, id: str, hops: int = 1, max_nodes: int = 200,
                      since: datetime | None = None, until: datetime | None = None) -> Subgraph:
        """Entities within ``hops`` browsing edges of one entity, capped at ``max_nodes``.

        Expansion follows aggregated edges whose first–last span meets the window, hop by hop,
        one grouped query per hop (entities reached, with the claims on the edges reaching
        them), so a hub with tens of thousands of neighbours is counted without being listed.
        Nodes are kept nearest first, then by those claims, then by type and id;
        ``total_nodes`` counts every entity reached, so a cap is always reported. The edges
        among kept nodes carry their claim count, sums, first and last time (inside the window
        when one is given) and up to CLAIM_IDS_PER_EDGE claim ids, earliest first; without a
        window, doctor–institution (WORKS_AT) edges list no ids (their claims are listed on
        the patients' TREATED and VISITED edges).
        """
        self._fresh()
        if type not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {type!r}; use {', '.join(ENTITY_TYPES)}")
        if not 1 <= int(hops) <= MAX_HOPS:
            raise ValueError(f"hops must be 1 to {MAX_HOPS}, not {hops}")
        max_nodes = max(1, int(max_nodes))
        lo, hi = iso_time(since), iso_time(until, end=True)
        start = (type, id)
        if start not in self._props([start]):
            return Subgraph(nodes=[], edges=[], total_nodes=0, truncated=False)

        # Bookkeeping in Arrow: tens of thousands of entities come back two hops out, and a
        # Python loop (or pandas' isin on Arrow strings) over them costs more than the query.
        whole_time = since is None and until is None
        known = pa.array([_key(type, id)], type=pa.string())
        hops_found: list[pa.Table] = []  # per hop: the new entities, best first
        frontier: pa.Table | None = None
        for h in range(1, int(hops) + 1):
            if h <= 2:
                # Hops 1 and 2 walk from the start node itself: every engine then follows its own
                # adjacency from one id instead of testing a frontier list (tens of thousands of
                # ids two hops out) against every edge. The frontier of hop 2 is all of hop 1, so
                # the sums per entity are the same as a hop-by-hop expansion gives.
                if whole_time:
                    got = self._table(_REACH[h, False][type], _REACH_SCHEMA, id=id)
                else:
                    got = self._table(_REACH[h, True][type], _REACH_SCHEMA, id=id, since=lo, until=hi)
            else:
                if frontier is None or frontier.num_rows == 0:
                    break
                ftype, fid = frontier.column("type").to_pylist(), frontier.column("id").to_pylist()
                params = {p: sorted(i for t_, i in zip(ftype, fid) if t_ == t) for t, p in _PLURAL.items()}
                got = self._table("reach", _REACH_SCHEMA, since=lo, until=hi, **params)
            keys = pc.binary_join_element_wise(got.column("type"), got.column("id"), _SEP)
            got = got.filter(pc.invert(pc.is_in(keys, value_set=known)))
            fresh = got.group_by(["type", "id"], use_threads=False).aggregate([("claims", "sum")])
            fresh = fresh.append_column("order", pc.index_in(fresh.column("type"), value_set=_TYPE_NAMES))
            # nearest first (hop by hop), then most claims on the edges that reached them, then type and id
            fresh = fresh.take(pc.sort_indices(fresh, sort_keys=[("claims_sum", "descending"), ("order", "ascending"),
                                                                  ("id", "ascending")]))
            if fresh.num_rows == 0:
                break
            hops_found.append(fresh)
            known = pa.concat_arrays([known, pc.binary_join_element_wise(fresh.column("type"), fresh.column("id"),
                                                                         _SEP).combine_chunks()])
            frontier = fresh

        total = 1 + sum(t.num_rows for t in hops_found)
        kept = [start]
        dist = {start: 0}
        for h, t in enumerate(hops_found, start=1):
            room = max_nodes - len(kept)
            if room <= 0:
                break
            head = t.slice(0, room)
            for k in zip(head.column("type").to_pylist(), head.column("id").to_pylist()):
                kept.append(k)
                dist[k] = h
        typed = _typed(kept)
        # The claims behind the edges among the kept entities, fetched through the kept patients and
        # cards (and, inside a window, doctors), grouped by edge.
        claims = self._edge_claims(typed, lo, hi, doctors=not whole_time) if len(kept) > 1 else {}
        if whole_time:
            # Over all time a TREATED, VISITED or USED_AT edge exists exactly when a claim links its
            # ends, and its totals are those claims' totals: the claims just fetched give these
            # edges. HOLDS and WORKS_AT, which the reference files create without claims, come from
            # the edges themselves (WORKS_AT lists no claim ids: a doctor's edge can stand for
            # thousands of claims, each also listed on its patient's TREATED and VISITED edges).
            edge_rows = self._rows("registered_edges_among", **typed) if len(kept) > 1 else []
            edges = {(r["kind"], r["a"], r["b"]): r for r in edge_rows}
            edges.update((k, v) for k, v in claims.items() if k[0] not in _REGISTERED_KINDS)
        else:
            # inside a window every total is recounted from the claims in it
            edge_rows = self._rows("edges_among", since=lo, until=hi, **typed) if len(kept) > 1 else []
            edges = {(r["kind"], r["a"], r["b"]): r for r in edge_rows}
        keys = sorted(edges)
        props = self._props(kept)
        nodes = {n: Node(n[0], n[1], dict(props.get(n, {}), hops=dist[n])) for n in kept}
        out_edges = []
        for key in keys:
            kind, a, b = key
            ta, tb = EDGE_KINDS[kind][:2]
            cs = claims.get(key) or _NO_CLAIMS
            r = edges[key] if whole_time else cs
            stats = dict(claims=int(r["claims"] or 0), fund_amount=_money(r["fund_amount"]),
                         total_amount=_money(r["total_amount"]), first=_time(r["first"]), last=_time(r["last"]))
            out_edges.append(Edge(source=nodes[(ta, a)], target=nodes[(tb, b)], kind=kind,
                                  claim_ids=list(cs["claim_ids"]), **stats))
        return Subgraph(nodes=[nodes[n] for n in kept], edges=out_edges, total_nodes=total,
                        truncated=total > len(kept))

    def _exists(self, key) -> bool:
        typed = _typed([key])
        return bool(self._rows("existing_entities", **typed))

    def _edge_claims(self, typed: dict[str, list[str]], lo: str, hi: str, doctors: bool = True) -> dict[tuple, dict]:
        """Claims behind every edge among a set of entities (typed id lists), inside the window.

        Fetched through the set's patients and cards (and doctors, unless ``doctors`` is False:
        then WORKS_AT edges get none). Returns, per edge key ``(kind, a, b)``, ``claims``
        (count), ``fund_amount`` and ``total_amount`` (sums of cent-rounded amounts), ``first``
        and ``last`` (settlement times) and ``claim_ids`` (the first CLAIM_IDS_PER_EDGE, earliest
        first). Rows are grouped in Arrow, not looped over: a 2-hop view brings back ten
        thousand claims.
        """
        out: dict[tuple, dict] = {}
        params = {"patients": typed["patients"], "cards": typed["cards"],
                  "doctors": typed["doctors"] if doctors else [],
                  "shown_cards": typed["cards"], "shown_doctors": typed["doctors"],
                  "shown_institutions": typed["institutions"]}
        members = {t: pa.array(typed[p], type=pa.string()) for t, p in _PLURAL.items()}
        rows = self._table("edge_claims", _EDGE_CLAIM_SCHEMA, since=lo, until=hi, **params)
        if rows.num_rows == 0:
            return out
        # Earliest first; a claim reached through two anchors (its patient and its card) comes back
        # twice, identical, so after the sort its copies are neighbours and only the first is kept.
        rows = rows.sort_by([("settled_at", "ascending"), ("claim_id", "ascending")])
        ids = rows.column("claim_id").combine_chunks()
        first_copy = pa.concat_arrays([pa.array([True]), pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))])
        rows = rows.filter(first_copy)
        rows = rows.set_column(rows.schema.get_field_index("fund_amount"), "fund_amount",
                               pc.round(rows.column("fund_amount"), 2))
        rows = rows.set_column(rows.schema.get_field_index("total_amount"), "total_amount",
                               pc.round(rows.column("total_amount"), 2))
        for kind, (ta, tb, ca, cb) in EDGE_KINDS.items():
            if kind == "WORKS_AT" and not doctors:
                continue
            both = pc.and_(pc.is_in(rows.column(ca), value_set=members[ta]), pc.is_in(rows.column(cb), value_set=members[tb]))
            sub = rows.filter(pc.fill_null(both, False))
            if sub.num_rows == 0:
                continue
            # single-threaded grouping keeps each group's rows in table order: earliest first
            agg = sub.group_by([ca, cb], use_threads=False).aggregate(
                [("claim_id", "count"), ("claim_id", "list"), ("fund_amount", "sum"), ("total_amount", "sum"),
                 ("settled_at", "first"), ("settled_at", "last")])
            for a, b, n, listed, fund, total, first, last in zip(
                    *(agg.column(c).to_pylist() for c in (ca, cb, "claim_id_count", "claim_id_list", "fund_amount_sum",
                                                          "total_amount_sum", "settled_at_first", "settled_at_last"))):
                out[(kind, a, b)] = {"claims": n, "claim_ids": listed[:CLAIM_IDS_PER_EDGE], "fund_amount": _money(fund),
                                     "total_amount": _money(total), "first": first, "last": last}
        return out

    # --- claims -------------------------------------------------------------------------
    def claims_of(self, nodes: list[Node], since: datetime | None = None, until: datetime | None = None,
                  limit: int = 10_000) -> pd.DataFrame:
        """Claims touching any of ``nodes`` (entities, or claims by id), earliest first, at most ``limit``.

        ``df.attrs["truncated"]`` is True when more claims matched than were returned.
        """
        self._fresh()
        limit = max(0, int(limit))
        keys = [(n.type, n.id) for n in nodes if n.type in ENTITY_TYPES]
        claim_ids = sorted({n.id for n in nodes if n.type == "claim"})
        lo, hi = iso_time(since), iso_time(until, end=True)
        rows: dict[str, dict] = {}
        capped = False
        if keys:
            got = self._rows("claims_of", since=lo, until=hi, limit=limit + 1, **_typed(keys))
            capped = len(got) > limit
            rows.update((r["claim_id"], r) for r in got)
        if claim_ids:
            for r in self._rows("claims_by_id", ids=claim_ids):
                if lo <= (r["settled_at"] or "") <= hi:
                    rows[r["claim_id"]] = r
        ordered = sorted(rows.values(), key=lambda r: (r["settled_at"], r["claim_id"]))
        truncated = capped or len(ordered) > limit
        df = _claims_frame(ordered[:limit])
        df.attrs["truncated"] = truncated
        return df

    # --- summary --------------------------------------------------------------------------
    def summary(self, type: str, id: str, top: int = 10) -> EntitySummary | None:
        self._fresh()
        if type not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {type!r}; use {', '.join(ENTITY_TYPES)}")
        key = (type, id)
        props = self._props([key])
        if key not in props and not self._exists(key):
            return None
        totals = {"claims": 0, "total_amount": 0.0, "fund_amount": 0.0, "first": None, "last": None}
        for r in self._rows("entity_totals", **_typed([key])):
            if r["type"] == type:
                totals = r
        counter: dict[tuple[str, str], list] = {}
        for r in self._edges_of([key], iso_time(None), iso_time(None, end=True)):
            ta, tb = EDGE_KINDS[r["kind"]][:2]
            other = (tb, r["b"]) if (ta, r["a"]) == key else (ta, r["a"])
            acc = counter.setdefault(other, [0, 0.0])
            acc[0] += int(r["claims"] or 0)
            acc[1] += _money(r["fund_amount"])
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1][0], -kv[1][1], _TYPE_ORDER[kv[0][0]], kv[0][1]))
        return EntitySummary(
            node=Node(type, id, props.get(key, {})),
            claims=int(totals["claims"] or 0),
            total_amount=_money(totals["total_amount"]),
            fund_amount=_money(totals["fund_amount"]),
            first=_time(totals["first"]),
            last=_time(totals["last"]),
            top_counterparties=[(Node(t, i), n, _money(f)) for (t, i), (n, f) in ranked[: max(0, int(top))]],
        )

    # --- rings ------------------------------------------------------------------------------
    def _ring_rows(self, rings):
        ring_rows, members, claims = [], {t: [] for t in _PLURAL}, []
        singular = {v: k for k, v in _PLURAL.items()}
        for r in rings:
            ring_rows.append({"id": r.ring_id, "score": float(r.score), "pattern": r.pattern,
                              "fund_amount": float(r.fund_amount), "first_seen": r.first_seen,
                              "last_seen": r.last_seen})
            for kind, ids in r.members.items():
                t = singular.get(kind)
                if t is None:  # operators are cashier accounts, not graph entities
                    continue
                for i in sorted(set(ids)):
                    members[t].append({"ring": r.ring_id, "id": i, "role": r.roles.get(f"{t}:{i}", "participant")})
            claims.extend({"ring": r.ring_id, "id": c} for c in sorted(set(r.claim_ids)))
        return ring_rows, members, claims

    def store_rings(self, rings) -> None:
        """Replace the stored rings with these, linked to their member entities and claims, atomically."""
        ring_rows, members, claims = self._ring_rows(rings)
        with self._transaction():
            self._write("delete_rings")
            for chunk in _chunks(ring_rows):
                self._write("create_rings", rows=chunk)
            for t, rows in members.items():
                for chunk in _chunks(rows):
                    self._write(_LINK_RING[t], rows=chunk)
            for chunk in _chunks(claims):
                self._write("link_ring_claims", rows=chunk)

    # --- batches (what sync_graph has loaded into this store) -----------------------------------
    def loaded_batches(self) -> set[str]:
        """Ids of the analytic batches and reference versions fully loaded into this store."""
        self._fresh()
        return {r["id"] for r in self._rows("loaded_batches") if not str(r["id"]).startswith(PENDING_EDGES)}

    def mark_batch(self, batch_id: str) -> None:
        self._write("mark_batch", id=batch_id)

    def wipe(self) -> None:
        """Delete the whole graph (tests and benchmarks); the schema stays."""
        self._write("wipe_graph")

    def ring_members(self, ring_id: str) -> list[str]:
        """Ids of the entities the stored ring ``ring_id`` is linked to (sorted)."""
        self._fresh()
        return [r["id"] for r in self._rows("ring_members", ring=ring_id)]


def _key(type: str, id: str) -> str:
    return f"{type}{_SEP}{id}"


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly ``schema``'s columns and types; null numbers read as 0."""
    cols = []
    for f in schema:
        if f.name in table.column_names:
            col = table.column(f.name).cast(f.type)
        else:
            col = pa.nulls(table.num_rows, type=f.type)
        if pa.types.is_integer(f.type) or pa.types.is_floating(f.type):
            col = col.fill_null(0)
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema)


def _chunks(rows: list, size: int = 5000):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _claims_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    for col, dtype in ANALYTIC_CLAIM_DTYPES.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], errors="coerce").astype(dtype)
        else:
            df[col] = df[col].astype(dtype)
    return df.reset_index(drop=True)

"""The embedded store: LadybugDB (the maintained Kùzu fork) in the workspace, no server to install.

Loading is a bulk ``COPY`` from Arrow tables of only the rows the graph lacks, inside one
transaction, so a load either lands whole or not at all and loading the same claims again adds
nothing. Edges between entities that already had one are updated with ``UNWIND … MERGE``.

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

import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa

from graph.store.cypher_store import CypherStore, _conform, pair_lists
from graph.store.frames import (
    CLAIM_RELS, EDGE_KINDS, NODE_COLUMNS, aggregate, prepare_claims, prepare_reference, records,
)
from queries.loader import Query
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
_PAIR_PARAM = {"HOLDS": "holds", "TREATED": "treated", "VISITED": "visited", "USED_AT": "used_at",
               "WORKS_AT": "works_at"}
_ARROW_TYPES = {"birth_year": pa.int64(), "lat": pa.float64(), "lon": pa.float64(),
                "total_amount": pa.float64(), "fund_amount": pa.float64(), "claims": pa.int64(),
                "registered": pa.bool_()}


def _arrow(df: pd.DataFrame, columns) -> pa.Table:
    cols = {}
    for c in columns:
        typ = _ARROW_TYPES.get(c, pa.string())
        if c not in df.columns:
            cols[c] = pa.nulls(len(df), type=typ)
            continue
        values = df[c]
        if typ == pa.int64() and values.dtype == object:
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        # from_pandas: NaN (which merges leave in object columns) becomes null, like None
        cols[c] = pa.array(values, type=typ, from_pandas=True)
    return pa.table(cols)


def _busy(e: Exception) -> bool:
    """Another process holds the file for a moment (a lock, or a checkpoint being written).

    LadybugDB raises plain RuntimeError with no error code, so its text is all there is to go on.
    """
    text = str(e).lower()
    return "lock" in text or "checkpoint" in text or "recovery" in text


class LadybugStore(CypherStore):
    """LadybugDB at ``path`` (a folder; the database file lives inside it)."""

    name = "ladybug"
    engine = "ladybug"

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
                self._db = ladybug.Database(str(file), read_only=read_only)
                self._con = ladybug.Connection(self._db)
                self._opened_on = sig
                break
            except RuntimeError as e:
                if not _busy(e) or time.monotonic() > deadline:
                    raise StoreError(
                        f"The graph store {file} cannot be opened{' read-only' if read_only else ''}: {e}. "
                        f"If another ringtrace run is writing it, wait for that run to finish and try again."
                    ) from e
                time.sleep(0.5)

    def _fresh(self) -> None:
        """Reopen a read-only store when another process has committed to it since it opened."""
        if self.read_only and self._con is not None and self._signature() != self._opened_on:
            self.close()
            self._open()

    # --- running queries ---------------------------------------------------------------
    def _execute(self, text: str, params: dict):
        try:
            return self._con.execute(text, params)
        except RuntimeError as e:
            raise StoreError(f"LadybugDB refused a query: {e}") from e

    def _run_rows(self, query: Query, params: dict) -> list[dict]:
        res = self._execute(query.text, params)
        try:
            # Arrow is the fastest way out of LadybugDB for thousands of rows; nulls arrive as None
            return res.get_as_arrow().to_pylist()
        finally:
            res.close()

    def _table(self, name: str, schema: pa.Schema, **params) -> pa.Table:
        if name in _FOR_MANY and sum(len(v) for v in params.values() if isinstance(v, list)) > _MANY:
            name = _FOR_MANY[name]
        q = self._q(name)
        q.check(params)
        res = self._execute(q.text, params)
        try:
            return _conform(res.get_as_arrow(), schema)
        finally:
            res.close()

    def _frame(self, name: str, columns: list[str], **params) -> pd.DataFrame:
        if name in _FOR_MANY and sum(len(v) for v in params.values() if isinstance(v, list)) > _MANY:
            name = _FOR_MANY[name]
        q = self._q(name)
        q.check(params)
        res = self._execute(q.text, params)
        try:
            df = res.get_as_arrow().to_pandas()
        finally:
            res.close()
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

    def _copy(self, name: str, df: pd.DataFrame, columns) -> None:
        if len(df):
            self._write(name, rows=_arrow(df, columns))

    def _existing_ids(self, by_type: dict[str, list[str]]) -> set[tuple[str, str]]:
        found = set()
        empty = {p: [] for p in _PLURAL.values()}
        for t, ids in by_type.items():
            for i in range(0, len(ids), _CHUNK):
                params = dict(empty, **{_PLURAL[t]: ids[i : i + _CHUNK]})
                found.update((r["type"], r["id"]) for r in self._rows("existing_entities", **params))
        return found

    def _existing_pairs(self, kind: str, pairs: pd.DataFrame) -> set[tuple[str, str]]:
        found = set()
        empty = {p: [] for p in _PAIR_PARAM.values()}
        rows = records(pairs, ["a", "b"])
        for i in range(0, len(rows), _CHUNK):
            params = pair_lists(dict(empty, **{_PAIR_PARAM[kind]: rows[i : i + _CHUNK]}))
            found.update((r["a"], r["b"]) for r in self._rows("existing_edges", **params))
        return found

    def load(self, claims, institutions=None, doctors=None, patients=None) -> int:
        """Add the claims and reference rows the graph lacks; returns how many claims were new."""
        if self.read_only:
            raise StoreError("This graph store was opened read-only; open it with read_only=False to load.")
        c = prepare_claims(claims)
        refs = {"institution": prepare_reference("institutions", institutions),
                "doctor": prepare_reference("doctors", doctors),
                "patient": prepare_reference("patients", patients)}
        with self._transaction():
            ids = c["claim_id"].tolist()
            old = set()
            for i in range(0, len(ids), _CHUNK):
                old.update(r["id"] for r in self._rows("existing_claims", ids=ids[i : i + _CHUNK]))
            new = c[~c["claim_id"].isin(old)]

            # Entities: every id the new claims or reference rows name.
            wanted: dict[str, set] = {t: set() for t in _PLURAL}
            for t, col in (("patient", "patient_id"), ("card", "card_id"), ("doctor", "doctor_id"),
                           ("institution", "institution_id")):
                wanted[t].update(new[col].dropna())
            for t, ref in refs.items():
                if ref is not None:
                    wanted[t].update(ref["id"])
            if refs["patient"] is not None:
                wanted["card"].update(refs["patient"]["card_id"].dropna())
            existing = self._existing_ids({t: sorted(v) for t, v in wanted.items()})
            fresh: dict[str, set] = {}
            for t, ids_ in wanted.items():
                fresh[t] = {i for i in ids_ if (t, i) not in existing}
                base = pd.DataFrame({"id": sorted(fresh[t])})
                ref = refs.get(t)
                if ref is not None:
                    base = base.merge(ref.drop(columns=[c for c in ("card_id",) if c in ref.columns]),
                                      on="id", how="left")
                    known = ref[ref["id"].map(lambda i: (t, i) in existing)]
                    for chunk in range(0, len(known), _CHUNK):
                        cols = [c for c in NODE_COLUMNS[t]]
                        self._write(_MERGE_REF[t], rows=records(known.iloc[chunk : chunk + _CHUNK], cols))
                self._copy(_COPY_NODE[t], base, NODE_COLUMNS[t])

            # Claims and their links.
            claim_nodes = new.rename(columns={"claim_id": "id"})
            self._copy(_COPY_NODE["claim"], claim_nodes, NODE_COLUMNS["claim"])
            for rel, (_, col) in CLAIM_RELS.items():
                links = new[new[col].notna()][["claim_id", col]]
                self._copy(_COPY_REL[rel], links, ["claim_id", col])

            # Pairs the reference files link even without claims (a card's holder, a doctor's
            # registered institution), limited to entities that exist, as the Bolt store does.
            registered: dict[str, pd.DataFrame] = {}
            if refs["patient"] is not None:
                held = refs["patient"][refs["patient"]["card_id"].notna()]
                registered["HOLDS"] = held.rename(columns={"id": "a", "card_id": "b"})[["a", "b"]]
            if refs["doctor"] is not None:
                works = refs["doctor"][refs["doctor"]["institution_id"].notna()]
                works = works.rename(columns={"id": "a", "institution_id": "b"})[["a", "b"]]
                inst = fresh["institution"] | {i for t, i in existing if t == "institution"}
                known_inst = works["b"].isin(inst)
                if not known_inst.all():
                    # an institution neither claims nor the file name: may exist from an older load
                    more = self._existing_ids({"institution": sorted(set(works.loc[~known_inst, "b"]))})
                    known_inst |= works["b"].isin({i for _, i in more})
                registered["WORKS_AT"] = works[known_inst]

            # Browsing edges: copy pairs the graph lacks, add the new claims to the others.
            cols = ["a", "b", "claims", "fund_amount", "total_amount", "first", "last"]
            for kind, (ta, tb, _, _) in EDGE_KINDS.items():
                agg = aggregate(new, kind)
                reg = registered.get(kind)
                if reg is not None and len(reg):
                    # registration-only pairs join the frame with no claims
                    extra = reg[~pd.MultiIndex.from_frame(reg).isin(pd.MultiIndex.from_frame(agg[["a", "b"]]))]
                    extra = extra.drop_duplicates().assign(claims=0, fund_amount=0.0, total_amount=0.0,
                                                           first=None, last=None)
                    agg = pd.concat([agg, extra[cols]], ignore_index=True) if len(extra) else agg
                if agg.empty:
                    continue
                both_new = agg["a"].isin(fresh[ta]) & agg["b"].isin(fresh[tb])
                maybe = agg[~both_new]
                have = self._existing_pairs(kind, maybe) if len(maybe) else set()
                is_old = pd.Series([(a, b) in have for a, b in zip(agg["a"], agg["b"])], index=agg.index, dtype=bool)
                add = agg[~is_old].copy()
                extra_cols = []
                if kind == "WORKS_AT":
                    reg_keys = set(zip(reg["a"], reg["b"])) if reg is not None else set()
                    add["registered"] = [(a, b) in reg_keys for a, b in zip(add["a"], add["b"])]
                    extra_cols = ["registered"]
                self._copy(_COPY_REL[kind], add, cols + extra_cols)
                old = agg[is_old & (agg["claims"] > 0)]
                old_rows = records(old, cols)
                for i in range(0, len(old_rows), _CHUNK):
                    self._write(_ADD_EDGE[kind], rows=old_rows[i : i + _CHUNK])
                if kind == "WORKS_AT" and reg is not None:
                    # existing pairs the doctors file names get their registered flag
                    keys = set(zip(reg["a"], reg["b"]))
                    flag = agg[is_old & pd.Series([(a, b) in keys for a, b in zip(agg["a"], agg["b"])],
                                                  index=agg.index, dtype=bool)]
                    rows = records(flag, ["a", "b"])
                    for i in range(0, len(rows), _CHUNK):
                        self._write("register_works_at", rows=rows[i : i + _CHUNK])
        return int(len(new))

"""The rows a bulk load copies, built in Arrow: the same values as :mod:`graph.store.frames`.

:mod:`graph.store.frames` builds the rows in pandas with Python strings, which at a city-year
(15M claims) costs tens of GiB and minutes. Here the analytic Parquet columns stay Arrow
columns end to end: times become ISO strings by Arrow's cast, edges are
aggregated with Arrow's hash ``group_by``, and the store copies the tables as they are.
Input already in pandas (tests, benchmarks, small loads) goes through the pandas functions
first, so both paths give the same rows (checked by ``tests/graph/store/test_arrow_frames.py``).

>>> import pandas as pd
>>> df = pd.DataFrame({"claim_id": ["X1", "X2", "X1"], "patient_id": ["P1", "P1", "P1"],
...     "card_id": [None, "K9", None], "institution_id": ["H1", "H1", "H1"], "doctor_id": ["D1", None, "D1"],
...     "settled_at": pd.to_datetime(["2024-01-02 09:00", "2024-01-05 10:30", "2024-01-02 09:00"]),
...     "total_amount": [100.0, 50.0, 100.0], "fund_amount": [80.0, None, 80.0]})
>>> c = claims_table(pa.Table.from_pandas(df, preserve_index=False))
>>> c["card_id"].to_pylist(), c["settled_at"].to_pylist()
(['P1', 'K9'], ['2024-01-02T09:00:00', '2024-01-05T10:30:00'])
>>> aggregate_table(c, "VISITED").to_pylist()
[{'a': 'P1', 'b': 'H1', 'claims': 2, 'fund_amount': 80.0, 'total_amount': 150.0, 'first': '2024-01-02T09:00:00', 'last': '2024-01-05T10:30:00'}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.store.frames import (
    EDGE_KINDS, NODE_COLUMNS, _STRING_CLAIM_COLUMNS, _iso_series, prepare_claims, prepare_reference,
)
from ingest.columns import CLAIM_COLUMNS, REFERENCE_COLUMNS, REQUIRED_CLAIM_COLUMNS
from ringtrace.errors import InputError

__all__ = ["EDGE_COLUMNS", "ARROW_TYPES", "claims_table", "reference_table", "aggregate_table", "conform",
           "unique_ids", "distinct_pairs", "partial_aggregate", "combine_partials", "coded_aggregate", "epoch_seconds", "iso_text"]

EDGE_COLUMNS = ["a", "b", "claims", "fund_amount", "total_amount", "first", "last"]
ARROW_TYPES = {"birth_year": pa.int64(), "lat": pa.float64(), "lon": pa.float64(),
               "total_amount": pa.float64(), "fund_amount": pa.float64(), "claims": pa.int64(),
               "registered": pa.bool_()}
_PREPARED = b"ringtrace.graph_claims"  # schema metadata: the table is claims_table's output already
_ISO = {"settled_at": "s", "admitted_on": "D", "discharged_on": "D"}  # pandas unit of the ISO text


def conform(table: pa.Table, columns) -> pa.Table:
    """``table`` with exactly ``columns`` in that order and the store's types (missing ones null).

    Other columns are text, except times given as timestamps, which stay timestamps (LadybugDB
    stores them so; see :func:`coded_aggregate`).
    """
    cols = {}
    for c in columns:
        if c not in table.column_names:
            cols[c] = pa.nulls(table.num_rows, type=ARROW_TYPES.get(c, pa.string()))
            continue
        col = table.column(c)
        typ = ARROW_TYPES.get(c, col.type if pa.types.is_timestamp(col.type) else pa.string())
        cols[c] = col.cast(typ)
    return pa.table(cols)


def iso_text(col):
    """Timestamps as the stores' ISO text to the second ('2024-03-01T09:30:00'), nulls kept.

    Arrow's cast prints 'YYYY-MM-DD HH:MM:SS' ten times faster than strftime; truncated to whole
    seconds first, as a finer unit would print its fraction.

    >>> iso_text(pa.array([0, None], pa.timestamp("ms"))).to_pylist()
    ['1970-01-01T00:00:00', None]
    """
    text = col.cast(pa.timestamp("s"), safe=False).cast(pa.string())
    return pc.replace_substring(text, " ", "T", max_replacements=1)


def _clean_strings(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed strings, blanks as null (as :func:`graph.store.frames._str_series`)."""
    s = pc.utf8_trim_whitespace(col.cast(pa.string()))
    return pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)


def _iso(col: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    unit = _ISO[name]
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        if unit == "D":  # by Arrow's cast, as iso_text
            return col.cast(pa.timestamp("s"), safe=False).cast(pa.date32()).cast(pa.string())
        return iso_text(col)
    # strings or objects (rare: input not from the analytic copy): pandas parses them as before
    return pa.chunked_array([pa.array(_iso_series(col.to_pandas(), unit), type=pa.string(), from_pandas=True)])


def _number(col: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type) or pa.types.is_null(col.type):
        return col.cast(pa.float64())
    v = pd.to_numeric(col.to_pandas(), errors="coerce").astype("float64")
    return pa.chunked_array([pa.array(v, type=pa.float64(), from_pandas=True)])


def claims_table(claims) -> pa.Table:
    """Claims (Arrow table in the analytic schema, or a DataFrame) -> one row per distinct claim.

    Columns ``CLAIM_COLUMNS``: ids and codes as trimmed strings (blank -> null), ``card_id``
    filled with the patient's id where missing, times as ISO strings, amounts as float64.
    """
    if claims is None or isinstance(claims, pd.DataFrame):
        return _mark(_from_pandas(prepare_claims(claims), list(CLAIM_COLUMNS)))
    if (claims.schema.metadata or {}).get(_PREPARED) == b"1":
        # built here already (sync_graph prepares a batch file by file): only pieces joined
        # together may repeat a claim
        return _mark(_first_of_each_claim(claims).combine_chunks())
    missing = [c for c in REQUIRED_CLAIM_COLUMNS if c not in claims.column_names]
    if missing:
        raise InputError(
            f"The claims given to the graph store lack the column(s) {', '.join(missing)}; "
            f"they must be in the analytic schema (ingest/columns.py). Re-run ringtrace ingest."
        )
    cols = {}
    n = claims.num_rows
    for c in CLAIM_COLUMNS:
        src = claims.column(c) if c in claims.column_names else pa.chunked_array([pa.nulls(n, pa.string())])
        if c in _STRING_CLAIM_COLUMNS:
            cols[c] = _clean_strings(src)
        elif c in _ISO:
            cols[c] = _iso(src, c)
        else:
            cols[c] = _number(src)
    cols["card_id"] = pc.coalesce(cols["card_id"], cols["patient_id"])
    bad = (pc.is_null(cols["claim_id"]), pc.is_null(cols["patient_id"]), pc.is_null(cols["institution_id"]),
           pc.is_null(cols["settled_at"]))
    nbad = pc.sum(pc.or_(pc.or_(bad[0], bad[1]), pc.or_(bad[2], bad[3]))).as_py() or 0
    if nbad:
        raise InputError(
            f"{nbad} claim(s) given to the graph store lack a claim_id, patient_id, institution_id "
            f"or settlement time; ingest quarantines such rows, so the analytic copy is inconsistent. "
            f"Re-run ringtrace ingest."
        )
    return _mark(_first_of_each_claim(pa.table(cols)).combine_chunks())


def _first_of_each_claim(table: pa.Table) -> pa.Table:
    """The first row of each claim id, in input order (as pandas drop_duplicates keep="first")."""
    n = table.num_rows
    if pc.count_distinct(table["claim_id"]).as_py() == n:
        return table
    first = (table.select(["claim_id"]).append_column("_i", pa.array(range(n), pa.int64()))
             .group_by("claim_id", use_threads=False).aggregate([("_i", "min")]))
    keep = first["_i_min"].combine_chunks()
    return table.take(pc.take(keep, pc.array_sort_indices(keep)))


def _mark(table: pa.Table) -> pa.Table:
    return table.replace_schema_metadata({_PREPARED: b"1"})


def _from_pandas(df: pd.DataFrame, columns) -> pa.Table:
    cols = {}
    for c in columns:
        typ = ARROW_TYPES.get(c, pa.string())
        values = df[c] if c in df.columns else pd.Series(None, index=df.index, dtype=object)
        if typ == pa.int64() and values.dtype == object:
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        cols[c] = pa.array(values, type=typ, from_pandas=True)
    return pa.table(cols)


def reference_table(kind: str, frame) -> pa.Table | None:
    """A reference frame (DataFrame or Arrow) -> node rows with ``id`` first, one per id (last wins)."""
    if frame is None or len(frame) == 0:
        return None
    if isinstance(frame, pa.Table):
        frame = frame.to_pandas()
    ref = prepare_reference(kind, frame)
    node = {"institutions": "institution", "doctors": "doctor", "patients": "patient"}[kind]
    columns = list(NODE_COLUMNS[node]) + (["card_id"] if kind == "patients" else [])
    return _from_pandas(ref, columns)


def named_by(kind: str, frame, claims: pa.Table | None, institutions_too: bool = True):
    """The rows of reference ``frame`` (``kind``) about entities the ``claims`` name: a settled
    file's rows that a load can use (those of entities it creates are among them).

    A patient's rows are kept when the claims name the patient or one of its cards, a doctor's
    when they name the doctor or (``institutions_too``: the institutions file is settled too, so
    no institution comes from it alone) its institution. Every row of a kept id stays, so the
    last-wins choice among an id's rows is the one the whole file gives. Converting a
    city's three million patients for a day's load took 5.6 s; this takes 0.4 s.

    >>> import pandas as pd
    >>> ref = pd.DataFrame({"patient_id": ["P1", "P2", "P2", "P3"], "card_id": ["K1", "K2", "K9", "K3"]})
    >>> named_by("patients", ref, pa.table({"patient_id": ["P2"], "card_id": ["K3"]}))["patient_id"].tolist()
    ['P2', 'P2', 'P3']
    """
    if frame is None or len(frame) == 0 or claims is None:
        return frame
    if kind == "doctors" and not institutions_too:
        return frame  # an institution the changed file creates may bring its doctors' rows
    if isinstance(frame, pa.Table):
        frame = frame.to_pandas()
    key = REFERENCE_COLUMNS[kind][0]
    # columns the reference file and the claims share, by name
    shared = [key] + {"patients": ["card_id"], "doctors": ["institution_id"]}.get(kind, [])
    text = {col: frame[col].astype("string").str.strip() for col in shared if col in frame.columns}
    hit = pd.Series(False, index=frame.index)
    for col, values in text.items():
        if col in claims.column_names:
            hit |= values.isin(set(unique_ids(claims[col]).to_pylist())).fillna(False).astype(bool)
    ids = text[key]
    return frame[ids.isin(set(ids[hit].dropna())).fillna(False).astype(bool)]


def unique_ids(*columns) -> pa.Array:
    """The distinct non-null strings of the given columns, as one array."""
    parts = [c.cast(pa.string()) for c in columns if c is not None and len(c)]
    if not parts:
        return pa.array([], pa.string())
    chunks = [ch for c in parts for ch in (c.chunks if isinstance(c, pa.ChunkedArray) else [c])]
    return pc.drop_null(pc.unique(pa.chunked_array(chunks, type=pa.string())))


def distinct_pairs(table: pa.Table) -> pa.Table:
    """The distinct (a, b) rows of a two-column table."""
    return table.group_by(["a", "b"], use_threads=False).aggregate([])


def aggregate_table(claims: pa.Table, kind: str) -> pa.Table:
    """Per entity pair of one edge kind: claim count, fund and total sums, first and last time."""
    return combine_partials([partial_aggregate(claims, kind)])


_SKIP_MISSING = pc.ScalarAggregateOptions(skip_nulls=True, min_count=0)  # 0.0 when all missing


def partial_aggregate(claims: pa.Table, kind: str) -> pa.Table:
    """One piece of claims (a month) aggregated per pair of one edge kind, times still timestamps.

    Columns ``a, b, claims, fund_amount, total_amount, first, last``; a year's pieces are joined
    by :func:`combine_partials`, so the year's claims never need to be in memory at once.
    """
    _, _, a, b = EDGE_KINDS[kind]
    df = claims.select([a, b, "settled_at", "fund_amount", "total_amount"])
    df = df.filter(pc.and_(pc.is_valid(df[a]), pc.is_valid(df[b])))
    # min/max over strings are three times slower in Arrow's group_by than over timestamps
    t = pc.strptime(df["settled_at"], format="%Y-%m-%dT%H:%M:%S", unit="s")
    df = pa.table({"a": df[a], "b": df[b], "t": t, "fund_amount": df["fund_amount"],
                   "total_amount": df["total_amount"]})
    g = df.group_by(["a", "b"], use_threads=False).aggregate([
        ("t", "count", pc.CountOptions("all")), ("fund_amount", "sum", _SKIP_MISSING),
        ("total_amount", "sum", _SKIP_MISSING), ("t", "min"), ("t", "max"),
    ])
    return g.rename_columns([{"t_count": "claims", "fund_amount_sum": "fund_amount",
                              "total_amount_sum": "total_amount", "t_min": "first", "t_max": "last"}.get(n, n)
                             for n in g.column_names]).select(EDGE_COLUMNS)


def combine_partials(parts) -> pa.Table:
    """:func:`partial_aggregate` pieces -> the store's edge rows (ISO times, sorted by pair).

    A single piece is already one row per pair; several are summed (counts and amounts) and their
    first/last taken, pair by pair.

    >>> t = pa.array([0, 86400], pa.timestamp("s"))
    >>> p = pa.table({"a": ["P1", "P1"], "b": ["H1", "H1"], "claims": [1, 2], "fund_amount": [1.0, 2.0],
    ...               "total_amount": [3.0, 4.0], "first": t, "last": t})
    >>> combine_partials([p.slice(0, 1), p.slice(1, 1)]).to_pylist()[0]["last"]
    '1970-01-02T00:00:00'
    """
    parts = [p for p in parts]
    if len(parts) == 1:
        g = parts[0]
    else:
        g = pa.concat_tables(parts).group_by(["a", "b"], use_threads=False).aggregate([
            ("claims", "sum"), ("fund_amount", "sum", _SKIP_MISSING), ("total_amount", "sum", _SKIP_MISSING),
            ("first", "min"), ("last", "max"),
        ])
        g = g.rename_columns([n.rsplit("_", 1)[0] if n.endswith(("_sum", "_min", "_max")) else n
                              for n in g.column_names])
    for end in ("first", "last"):
        g = g.set_column(g.column_names.index(end), end, iso_text(g[end]))
    g = conform(g, EDGE_COLUMNS)
    return g.take(pc.sort_indices(g, sort_keys=[("a", "ascending"), ("b", "ascending")]))


def epoch_seconds(settled_at: pa.ChunkedArray) -> np.ndarray:
    """ISO settlement times (as :func:`claims_table` prints them) -> int64 seconds since 1970."""
    t = pc.strptime(settled_at, format="%Y-%m-%dT%H:%M:%S", unit="s")
    return t.cast(pa.int64()).to_numpy()


def coded_aggregate(table: pa.Table, kind: str, ids: dict[str, pa.Array], codes: dict | None = None,
                    timestamps: bool = False) -> pa.Table:
    """As :func:`aggregate_table`, for a city-year: pairs as integer codes, groups by one sort.

    ``table`` holds the claim columns of the edge kind, the amounts and ``_t`` (the settlement
    time's :func:`epoch_seconds`); ``ids`` maps each entity type to its ids **sorted**, so a pair's
    code ``a * len(b ids) + b`` sorts as the pair of strings does. Arrow's hash ``group_by`` over
    two string keys took 84 s for a 15M-claim year's four big kinds, and a pair table per month
    beside it; here each kind is two lookups, one integer sort and ``reduceat``. Sums run in claim
    order within a pair, as one ``group_by`` over the claims would add them. ``codes`` (a dict,
    column -> codes, -1 for none) keeps each column's lookups for the next kind that uses it.
    With ``timestamps`` the first and last times are Arrow timestamps (µs) rather than ISO text:
    LadybugDB stores them so, and printing then parsing 2 × 13M times cost a city-year ~25 s.

    >>> c = claims_table(pa.table({"claim_id": ["X1", "X2", "X3"], "patient_id": ["P2", "P1", "P2"],
    ...     "institution_id": ["H1", "H1", "H1"], "settled_at": pa.array([0, 60, 3600], pa.timestamp("s")),
    ...     "total_amount": [1.0, 2.0, 4.0], "fund_amount": [None, 1.0, 3.0]}))
    >>> c = c.append_column("_t", pa.array(epoch_seconds(c["settled_at"])))
    >>> ids = {"patient": pa.array(["P1", "P2"]), "institution": pa.array(["H1"])}
    >>> coded_aggregate(c, "VISITED", ids).to_pylist() == aggregate_table(c, "VISITED").to_pylist()
    True
    >>> coded_aggregate(c, "VISITED", ids, timestamps=True)["last"].to_pylist()
    [datetime.datetime(1970, 1, 1, 0, 1), datetime.datetime(1970, 1, 1, 1, 0)]
    """
    ta, tb, a, b = EDGE_KINDS[kind]
    nb = max(len(ids[tb]), 1)
    codes = {} if codes is None else codes
    for col, t in ((a, ta), (b, tb)):
        if col not in codes:
            codes[col] = pc.fill_null(pc.index_in(table[col], value_set=ids[t]), -1).to_numpy()  # int32
    ac, bc = codes[a], codes[b]
    ok = (ac >= 0) & (bc >= 0)
    key = ac[ok].astype(np.int64) * nb + bc[ok]
    order = np.argsort(key, kind="stable")
    key = key[order]
    if len(key):
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    else:
        starts = np.array([], np.int64)

    def column(name):  # this kind's rows in pair order; a missing amount adds nothing (Arrow's skip_nulls)
        v = table[name].to_numpy() if pa.types.is_integer(table[name].type) else \
            pc.fill_null(table[name], 0.0).to_numpy()
        return v[ok][order]

    t = column("_t")
    if len(starts):
        sums = {n: np.add.reduceat(column(n), starts) for n in ("fund_amount", "total_amount")}
        first, last = np.minimum.reduceat(t, starts), np.maximum.reduceat(t, starts)
    else:
        sums = {n: np.array([], np.float64) for n in ("fund_amount", "total_amount")}
        first = last = np.array([], np.int64)
    pairs = key[starts]
    n = np.diff(np.append(starts, len(key)))

    def iso(seconds):
        t = pa.array(seconds, pa.timestamp("s"))
        return t.cast(pa.timestamp("us")) if timestamps else iso_text(t)

    return pa.table({"a": ids[ta].take(pa.array(pairs // nb)), "b": ids[tb].take(pa.array(pairs % nb)),
                     "claims": pa.array(n, pa.int64()), "fund_amount": sums["fund_amount"],
                     "total_amount": sums["total_amount"], "first": iso(first), "last": iso(last)})

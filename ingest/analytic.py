"""The analytic copy: clean claims as Parquet partitioned by settled month, plus reference files.

Files in the workspace (owned by ingest):

- ``claims/month=YYYY-MM/<batch_id>.parquet``  one file per batch and month (hive layout)
- ``claims/_batches.json``  the manifest: committed batches in commit order. A data file is part
  of the copy only once the manifest names it, so readers never see half a batch.
- ``claims/_index/<batch_id>.parquet``  the claim index (claim_id and two 64-bit hashes: of the
  id and of the cleaned content) used to spot re-sent and conflicting claims quickly.
- ``reference/<kind>.parquet``  institutions, doctors, patients (upserted by id)
- ``quarantine/quarantine.csv`` rejected rows (UTF-8 with BOM), ``quarantine/_keys.parquet``
  which (source file hash, line) pairs it already holds.

Names starting with ``_`` are skipped by pyarrow's dataset discovery, so
``pyarrow.dataset.dataset(ws.claims_dir, partitioning="hive")`` also works, but only the
functions here honour the manifest.

``card_id`` is always filled: a claim without one gets the card of its patient from the
patients reference file known when the claim was loaded, or else the patient_id itself (one
person, one card), so card-level detectors never see an empty card.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.columns import ANALYTIC_CLAIM_DTYPES, CLAIM_COLUMNS, REFERENCE_COLUMNS
from ringtrace.workspace import Workspace

__all__ = [
    "CLAIM_SCHEMA",
    "REFERENCE_DTYPES",
    "manifest",
    "batches",
    "claim_files",
    "read_claims",
    "read_claim_table",
    "read_reference",
    "counts",
    "quarantine_file",
    "quarantined_rows",
]

MANIFEST = "claims/_batches.json"
INDEX_DIR = "claims/_index"
QUARANTINE = "quarantine/quarantine.csv"
QUARANTINE_KEYS = "quarantine/_keys.parquet"

_ARROW = {"string": pa.string(), "datetime64[ns]": pa.timestamp("ns"), "float64": pa.float64()}
CLAIM_SCHEMA = pa.schema([(c, _ARROW[ANALYTIC_CLAIM_DTYPES[c]]) for c in CLAIM_COLUMNS])

REFERENCE_DTYPES: dict[str, dict[str, str]] = {
    kind: {c: {"lat": "float64", "lon": "float64", "birth_year": "Int64"}.get(c, "string") for c in cols}
    for kind, cols in REFERENCE_COLUMNS.items()
}


def manifest(ws: Workspace) -> dict:
    """The committed-batch manifest (``{"batches": [...]}``), empty for a new workspace."""
    try:
        return json.loads((ws.root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"batches": []}


def batches(ws: Workspace) -> list[str]:
    """Committed batch ids, in commit order."""
    return [b["batch_id"] for b in manifest(ws)["batches"]]


def claim_files(ws: Workspace, batches: list[str] | None = None) -> list[Path]:
    """The Parquet files of the chosen batches (default all), in commit order."""
    chosen = None if batches is None else set(batches)
    return [
        ws.root / f
        for b in manifest(ws)["batches"]
        if chosen is None or b["batch_id"] in chosen
        for f in b["files"]
    ]


def _empty_claims(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=ANALYTIC_CLAIM_DTYPES[c]) for c in columns})


def read_claims(ws: Workspace, columns: list[str] | None = None, batches: list[str] | None = None) -> pd.DataFrame:
    """Clean claims of the chosen batches (default all) in the analytic schema.

    Returns
    -------
    DataFrame with ``columns`` (default all of ``CLAIM_COLUMNS``), dtypes per
    ``ANALYTIC_CLAIM_DTYPES``; empty (with those dtypes) for an empty workspace.
    """
    columns = list(columns) if columns is not None else list(CLAIM_COLUMNS)
    unknown = set(columns) - set(CLAIM_COLUMNS)
    if unknown:
        raise ValueError(f"unknown claim columns {sorted(unknown)}; known: {CLAIM_COLUMNS}")
    files = claim_files(ws, batches)
    if not files:
        return _empty_claims(columns)
    df = read_claim_table(ws, columns, batches).to_pandas()
    return df.astype({c: ANALYTIC_CLAIM_DTYPES[c] for c in columns})


def read_claim_table(ws: Workspace, columns: list[str] | None = None, batches: list[str] | None = None) -> pa.Table:
    """The claims of :func:`read_claims` as one Arrow table (``CLAIM_SCHEMA`` types), with no
    pandas copy: a city-year's ids stay a few bytes each instead of a Python object each.
    Detection reads this (:class:`graph.detect.frame.ClaimFrame` takes it as it is)."""
    columns = list(columns) if columns is not None else list(CLAIM_COLUMNS)
    unknown = set(columns) - set(CLAIM_COLUMNS)
    if unknown:
        raise ValueError(f"unknown claim columns {sorted(unknown)}; known: {CLAIM_COLUMNS}")
    files = claim_files(ws, batches)
    schema = pa.schema([CLAIM_SCHEMA.field(c) for c in columns])
    if not files:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(f, columns=columns, schema=CLAIM_SCHEMA) for f in files])


def read_reference(ws: Workspace, kind: str) -> pd.DataFrame | None:
    """The reference table ``kind`` (institutions, doctors, patients), or None if never loaded."""
    if kind not in REFERENCE_COLUMNS:
        raise ValueError(f"unknown reference kind {kind!r}; known: {tuple(REFERENCE_COLUMNS)}")
    path = ws.reference_dir / f"{kind}.parquet"
    if not path.exists():
        return None
    return pq.read_table(path).to_pandas().astype(REFERENCE_DTYPES[kind])


def quarantine_file(ws: Workspace) -> Path:
    return ws.root / QUARANTINE


def quarantined_rows(ws: Workspace) -> int:
    """Rows rejected so far, all runs (each source row once)."""
    path = ws.root / QUARANTINE_KEYS
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def _distinct(ws: Workspace, column: str, extra: list[pd.Series]) -> int:
    import pyarrow.compute as pc

    parts = [pq.read_table(f, columns=[column]).column(column) for f in claim_files(ws)]
    parts += [pa.chunked_array([pa.array(s.dropna().astype(str).tolist(), pa.string())]) for s in extra]
    if not parts:
        return 0
    values = pa.chunked_array([c for p in parts for c in p.chunks], type=pa.string())
    return len(pc.unique(values.drop_null()))


_COUNTS_MEMO: dict[tuple, dict] = {}


def _state_key(ws: Workspace) -> tuple:
    # Every file counts() reads is replaced by rename on commit, so (mtime, size) changes.
    files = [ws.root / MANIFEST, ws.root / QUARANTINE_KEYS] + [ws.reference_dir / f"{k}.parquet"
                                                               for k in REFERENCE_COLUMNS]
    stamp = []
    for f in files:
        try:
            st = f.stat()
            stamp.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except FileNotFoundError:
            stamp.append(None)
    return (str(ws.root.resolve()), tuple(stamp))


def counts(ws: Workspace) -> dict:
    """How much the analytic copy holds.

    ``claims``; ``patients``, ``cards``, ``doctors``, ``institutions`` = distinct ids in the
    claims together with the reference files; ``quarantined`` = rows rejected so far, all runs;
    ``batches`` = committed batches. Remembered in-process until the workspace changes (the
    distinct counts read the id columns of every claim).
    """
    key = _state_key(ws)
    if key not in _COUNTS_MEMO:
        if len(_COUNTS_MEMO) > 32:
            _COUNTS_MEMO.clear()
        _COUNTS_MEMO[key] = _counts(ws)
    return dict(_COUNTS_MEMO[key])


def _counts(ws: Workspace) -> dict:
    m = manifest(ws)
    ref = {k: read_reference(ws, k) for k in REFERENCE_COLUMNS}

    def col(kind, c):
        df = ref[kind]
        return [] if df is None else [df[c]]

    return {
        "claims": int(sum(b["rows"] for b in m["batches"])),
        "patients": _distinct(ws, "patient_id", col("patients", "patient_id")),
        "cards": _distinct(ws, "card_id", col("patients", "card_id")),
        "doctors": _distinct(ws, "doctor_id", col("doctors", "doctor_id")),
        "institutions": _distinct(ws, "institution_id", col("institutions", "institution_id")),
        "quarantined": quarantined_rows(ws),
        "batches": len(m["batches"]),
    }

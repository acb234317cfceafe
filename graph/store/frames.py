"""Claims and reference frames turned into the node, relationship and edge rows every store loads.

Both stores (and ``ringtrace neo4j-import``) build their rows here, so they hold the same graph.
Times become ISO-8601 strings (``2024-03-01T09:30:00``) because LadybugDB, Neo4j and ArcadeDB
compare and order such strings identically, while their temporal types differ.

>>> import pandas as pd
>>> df = pd.DataFrame({"claim_id": ["X1", "X2"], "patient_id": ["P1", "P1"], "card_id": [None, "K9"],
...     "institution_id": ["H1", "H1"], "doctor_id": ["D1", None],
...     "settled_at": pd.to_datetime(["2024-01-02 09:00", "2024-01-05 10:30"]),
...     "total_amount": [100.0, 50.0], "fund_amount": [80.0, None]})
>>> c = prepare_claims(df)
>>> list(c["card_id"]), list(c["settled_at"])
(['P1', 'K9'], ['2024-01-02T09:00:00', '2024-01-05T10:30:00'])
>>> aggregate(c, "VISITED").to_dict("records")
[{'a': 'P1', 'b': 'H1', 'claims': 2, 'fund_amount': 80.0, 'total_amount': 150.0, 'first': '2024-01-02T09:00:00', 'last': '2024-01-05T10:30:00'}]
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from ingest.columns import CLAIM_COLUMNS, REFERENCE_COLUMNS, REQUIRED_CLAIM_COLUMNS
from ringtrace.errors import InputError

__all__ = [
    "EDGE_KINDS",
    "CLAIM_RELS",
    "NODE_COLUMNS",
    "MIN_TIME",
    "MAX_TIME",
    "iso_time",
    "prepare_claims",
    "prepare_reference",
    "aggregate",
    "records",
]

# Aggregated browsing edges: kind -> (source type, target type, source column, target column).
EDGE_KINDS: dict[str, tuple[str, str, str, str]] = {
    "HOLDS": ("patient", "card", "patient_id", "card_id"),
    "TREATED": ("patient", "doctor", "patient_id", "doctor_id"),
    "VISITED": ("patient", "institution", "patient_id", "institution_id"),
    "USED_AT": ("card", "institution", "card_id", "institution_id"),
    "WORKS_AT": ("doctor", "institution", "doctor_id", "institution_id"),
}

# Claim-level relationships: type -> (target type, claim column).
CLAIM_RELS: dict[str, tuple[str, str]] = {
    "BY": ("patient", "patient_id"),
    "WITH_CARD": ("card", "card_id"),
    "AT": ("institution", "institution_id"),
    "PRESCRIBED_BY": ("doctor", "doctor_id"),
}

# Node properties in schema order (queries/schema.ladybug.cypher), id first.
NODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "patient": ("id", "name", "birth_year", "sex", "region", "phone", "address"),
    "card": ("id",),
    "doctor": ("id", "name", "institution_id"),
    "institution": ("id", "name", "kind", "level", "region", "lat", "lon"),
    "claim": ("id",) + tuple(c for c in CLAIM_COLUMNS if c != "claim_id"),
}

# Window bounds that every ISO time string lies between.
MIN_TIME = "0000-01-01T00:00:00"
MAX_TIME = "9999-12-31T23:59:59"

_STRING_CLAIM_COLUMNS = ("claim_id", "patient_id", "card_id", "institution_id", "doctor_id", "visit_type",
                         "diagnosis", "operator_id")


def iso_time(value, end: bool = False) -> str:
    """A window bound as an ISO string; ``None`` means unbounded.

    A bare date as ``until`` covers that whole day (``end=True``).

    >>> iso_time(None), iso_time(date(2024, 3, 1), end=True)
    ('0000-01-01T00:00:00', '2024-03-01T23:59:59')
    >>> iso_time(datetime(2024, 3, 1, 8, 5))
    '2024-03-01T08:05:00'
    """
    if value is None:
        return MAX_TIME if end else MIN_TIME
    if isinstance(value, str):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat() + ("T23:59:59" if end else "T00:00:00")
    raise TypeError(f"a time window bound must be a datetime or date, not {type(value).__name__}")


def _iso_series(s: pd.Series, unit: str) -> pd.Series:
    t = pd.to_datetime(s, errors="coerce")
    # numpy formats a million timestamps in milliseconds; strftime takes seconds
    text = np.datetime_as_string(t.to_numpy(dtype="datetime64[s]"), unit=unit)
    return pd.Series(text, index=s.index, dtype=object).where(t.notna().to_numpy(), None)


def _str_series(s: pd.Series) -> pd.Series:
    s = s.astype("string").str.strip()
    s = s.mask(s == "")
    return s.astype(object).where(s.notna(), None)


def prepare_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims in the analytic schema -> one row per distinct claim, strings/None, ISO times."""
    if claims is None:
        claims = pd.DataFrame(columns=list(CLAIM_COLUMNS))
    missing = [c for c in REQUIRED_CLAIM_COLUMNS if c not in claims.columns]
    if missing:
        raise InputError(
            f"The claims given to the graph store lack the column(s) {', '.join(missing)}; "
            f"they must be in the analytic schema (ingest/columns.py). Re-run ringtrace ingest."
        )
    df = pd.DataFrame(index=claims.index)
    for col in CLAIM_COLUMNS:
        src = claims[col] if col in claims.columns else pd.Series(None, index=claims.index, dtype=object)
        if col in _STRING_CLAIM_COLUMNS:
            df[col] = _str_series(src)
        elif col == "settled_at":
            df[col] = _iso_series(src, "s")
        elif col in ("admitted_on", "discharged_on"):
            df[col] = _iso_series(src, "D")
        else:
            df[col] = pd.to_numeric(src, errors="coerce").astype("float64")
    df["card_id"] = df["card_id"].where(df["card_id"].notna(), df["patient_id"])
    bad = df["claim_id"].isna() | df["patient_id"].isna() | df["institution_id"].isna() | df["settled_at"].isna()
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} claim(s) given to the graph store lack a claim_id, patient_id, institution_id "
            f"or settlement time; ingest quarantines such rows, so the analytic copy is inconsistent. "
            f"Re-run ringtrace ingest."
        )
    return df.drop_duplicates("claim_id", keep="first").reset_index(drop=True)


def prepare_reference(kind: str, frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A reference frame (REFERENCE_COLUMNS) -> node rows with ``id`` first, one per id."""
    if frame is None or len(frame) == 0:
        return None
    cols = REFERENCE_COLUMNS[kind]
    key = cols[0]
    if key not in frame.columns:
        raise InputError(f"The {kind} reference rows lack the column {key}; re-run ringtrace ingest.")
    out = pd.DataFrame(index=frame.index)
    for col in cols:
        src = frame[col] if col in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        if col in ("lat", "lon"):
            out[col] = pd.to_numeric(src, errors="coerce").astype("float64")
        elif col == "birth_year":
            v = pd.to_numeric(src, errors="coerce").astype("Int64")
            out[col] = v.astype(object).where(v.notna(), None)
        else:
            out[col] = _str_series(src)
    out = out[out[key].notna()].drop_duplicates(key, keep="last").rename(columns={key: "id"})
    return out.reset_index(drop=True)


def aggregate(claims: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per entity pair of one edge kind: claim count, fund and total sums, first and last time."""
    _, _, a, b = EDGE_KINDS[kind]
    df = claims[claims[a].notna() & claims[b].notna()]
    cols = ["a", "b", "claims", "fund_amount", "total_amount", "first", "last"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    # min/max on strings fall back to pure Python in pandas; on datetime64 they are vectorised
    t = pd.to_datetime(df["settled_at"], format="%Y-%m-%dT%H:%M:%S").to_numpy(dtype="datetime64[s]")
    work = pd.DataFrame({"a": df[a].to_numpy(), "b": df[b].to_numpy(), "t": t,
                         "fund_amount": df["fund_amount"].to_numpy(), "total_amount": df["total_amount"].to_numpy()})
    g = work.groupby(["a", "b"], sort=True).agg(
        claims=("t", "size"),
        fund_amount=("fund_amount", "sum"),  # skips missing amounts; 0.0 when all are missing
        total_amount=("total_amount", "sum"),
        first=("t", "min"),
        last=("t", "max"),
    ).reset_index()
    g["first"] = np.datetime_as_string(g["first"].to_numpy(dtype="datetime64[s]"), unit="s").astype(object)
    g["last"] = np.datetime_as_string(g["last"].to_numpy(dtype="datetime64[s]"), unit="s").astype(object)
    g["claims"] = g["claims"].astype("int64")
    return g[cols]


def _plain(v):
    """numpy/pandas scalars -> Python values the drivers accept; NaN/NA -> None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


def records(df: pd.DataFrame, columns=None) -> list[dict]:
    """Rows as plain dicts for ``UNWIND $rows`` (None for missing values)."""
    if df is None or len(df) == 0:
        return []
    cols = list(columns or df.columns)
    data = zip(*(df[c].tolist() for c in cols))
    return [{c: _plain(v) for c, v in zip(cols, row)} for row in data]

"""Which claim ids the workspace (and the run so far) holds, with a hash of their content.

Ids and contents are kept as 64-bit hashes in sorted numpy arrays (16 bytes a claim, so a
city-year of 15 million claims needs about 240 MB, and a run's own additions stay small).
Two different claim ids sharing a 64-bit hash is a one-in-a-million chance at 15 million
claims; were it to happen, the later claim would be quarantined as a conflict, never lost.

Runs add sorted levels that are merged when comparable in size (a log-structured merge), so
looking up a chunk never re-sorts everything already seen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.columns import CLAIM_COLUMNS

__all__ = ["ClaimIndex", "id_hashes", "content_hashes", "INDEX_SCHEMA"]

INDEX_SCHEMA = pa.schema([("claim_id", pa.string()), ("id_hash", pa.uint64()), ("content_hash", pa.uint64())])


_NA = np.uint64(0x9E3779B97F4A7C15)  # stands for a missing value
_MUL = np.uint64(0x100000001B3)


def _text_hashes(s: pd.Series) -> np.ndarray:
    # Hash each distinct value once (SipHash with pandas' fixed key, so equal across runs and
    # processes); most columns repeat a few thousand values across a chunk.
    codes, uniques = pd.factorize(s.astype("str"), use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(s), _NA, np.uint64)
    hu = pd.util.hash_array(np.asarray(uniques, dtype=object))
    return np.where(codes >= 0, hu[np.maximum(codes, 0)], _NA).astype(np.uint64)


def id_hashes(claim_ids: pd.Series) -> np.ndarray:
    """Stable 64-bit hashes of claim ids.

    >>> a = id_hashes(pd.Series(["C1", "C2", "C1"], dtype="str"))
    >>> bool(a[0] == a[2]) and bool(a[0] != a[1])
    True
    """
    return _text_hashes(claim_ids)


def content_hashes(clean: pd.DataFrame, ids: np.ndarray | None = None) -> np.ndarray:
    """Stable 64-bit hashes of the cleaned canonical values of each claim, as given.

    Taken before ``card_id`` is filled from the patients reference, so the same row hashes the
    same whether or not a patients file has arrived since.
    """
    h = id_hashes(clean["claim_id"]) if ids is None else ids.copy()
    with np.errstate(over="ignore"):
        for col in CLAIM_COLUMNS[1:]:
            s = clean[col]
            if pd.api.types.is_datetime64_any_dtype(s.dtype):
                v = s.to_numpy("datetime64[ns]").view(np.int64)
                c = np.where(s.isna().to_numpy(), _NA, pd.util.hash_array(v))
            elif pd.api.types.is_float_dtype(s.dtype):
                v = s.to_numpy(np.float64)
                c = np.where(np.isnan(v), _NA, pd.util.hash_array(np.nan_to_num(v)))
            else:
                c = _text_hashes(s)
            h = (h * _MUL) ^ c.astype(np.uint64)
    return h


class ClaimIndex:
    """A set of id hashes, each with its content hash; lookups are vectorised."""

    def __init__(self):
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(k) for k, _ in self._levels)

    @classmethod
    def load(cls, files) -> "ClaimIndex":
        idx = cls()
        parts = [pq.read_table(f, columns=["id_hash", "content_hash"]) for f in files]
        if parts:
            t = pa.concat_tables(parts)
            idx.add(t.column("id_hash").to_numpy(), t.column("content_hash").to_numpy())
        return idx

    def add(self, ids: np.ndarray, contents: np.ndarray) -> None:
        """Add ids not yet present (the caller has checked them with ``lookup``)."""
        if len(ids) == 0:
            return
        order = np.argsort(ids, kind="stable")
        self._levels.append((ids[order], contents[order]))
        while len(self._levels) > 1 and len(self._levels[-2][0]) <= 2 * len(self._levels[-1][0]):
            (k1, v1), (k2, v2) = self._levels[-2], self._levels[-1]
            k, v = np.concatenate([k1, k2]), np.concatenate([v1, v2])
            order = np.argsort(k, kind="stable")
            self._levels[-2:] = [(k[order], v[order])]

    def lookup(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each id: whether it is known, and its content hash (0 where unknown).

        >>> ix = ClaimIndex(); ix.add(np.array([5, 3], np.uint64), np.array([50, 30], np.uint64))
        >>> ix.lookup(np.array([3, 4], np.uint64))
        (array([ True, False]), array([30,  0], dtype=uint64))
        """
        found = np.zeros(len(ids), bool)
        content = np.zeros(len(ids), np.uint64)
        for keys, vals in self._levels:
            pos = np.searchsorted(keys, ids)
            pos[pos >= len(keys)] = 0
            hit = (keys[pos] == ids) & ~found if len(keys) else np.zeros(len(ids), bool)
            content[hit] = vals[pos[hit]]
            found |= hit
        return found, content

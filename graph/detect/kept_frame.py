"""The claim frame kept between runs, so that a daily increment reads and codes only new claims.

A full build reads every claim, codes six id columns (a sort of each column's distinct ids)
and sorts all claims by (settlement time, claim id): about 11 s at 5M claims, however few
claims the day brought. So a run keeps its frame's per-row arrays and labels in the detection
state (:mod:`.state`), and an increment builds a frame of the new batches' claims alone and
merges it in:

* labels: each kind's new ids are inserted into the kept, sorted labels; an old code moves up
  by the number of new ids sorted before its own id (one cumulative count, no string sort);
* rows: the new claims, in canonical order among themselves, are inserted where their
  (time, claim id) key falls in the kept order (a binary search on the time, the ids compared
  only where the time is equal); old rows keep their relative order, which impersonation's
  kept per-claim flags rely on.

The merged frame equals a full build of all the claims, array by array
(``tests/graph/detect/test_kept_frame.py``). A new claim whose id the kept frame already holds
is refused (:class:`~graph.detect.memo.StateMismatch`, so the run falls back to a full one):
ingest never commits an id twice, so it would mean that the state and the workspace disagree.

>>> import pandas as pd
>>> def claims(ids, times, patients):
...     return pd.DataFrame({"claim_id": ids, "patient_id": patients, "institution_id": "H1",
...                          "settled_at": pd.to_datetime(times), "total_amount": 1.0})
>>> old = ClaimFrame(claims(["c1", "c3"], ["2024-01-01 09:00", "2024-01-03 09:00"], ["P1", "P3"]))
>>> rows, labels = rows_of(old), old.labels
>>> f, new = extend(rows, labels, claims(["c2"], ["2024-01-02 09:00"], ["P2"]))
>>> f.claim_ids(range(f.n)), f.patient.tolist(), new.tolist()
(['c1', 'c2', 'c3'], [0, 1, 2], [False, True, False])
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.detect.frame import CODED, ROWS, ClaimFrame
from graph.detect.memo import StateMismatch

__all__ = ["rows_of", "save", "load", "extend"]

_IDS = "frame-claim_id.arrow"


def rows_of(f: ClaimFrame) -> dict:
    """The frame's per-row arrays by name (:data:`~graph.detect.frame.ROWS`)."""
    return {name: getattr(f, name) for name in ROWS}


def _write_strings(path: Path, values) -> None:
    table = pa.table({"v": values})
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)


def _read_strings(path: Path) -> pa.ChunkedArray:
    # memory-mapped: the ids are read from the page cache as they are used, not copied first
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()["v"]


def save(f: ClaimFrame, folder: Path) -> None:
    """Keep ``f``'s per-row arrays (``frame-NAME.npy``, claim ids as Arrow) and labels in ``folder``."""
    folder = Path(folder)
    for name in ROWS:
        if name != "claim_id":
            np.save(folder / f"frame-{name}.npy", np.asarray(getattr(f, name)), allow_pickle=False)
    _write_strings(folder / _IDS, f.claim_id)
    for kind in CODED:
        _write_strings(folder / f"frame-labels-{kind}.arrow", pa.array(f.labels[kind].tolist(), type=pa.large_string()))


def load(folder: Path) -> tuple[dict, dict]:
    """(per-row arrays, labels) kept by :func:`save` (OSError/ValueError when unreadable)."""
    folder = Path(folder)
    rows = {name: np.load(folder / f"frame-{name}.npy", allow_pickle=False) for name in ROWS if name != "claim_id"}
    rows["claim_id"] = _read_strings(folder / _IDS)
    labels = {kind: np.asarray(_read_strings(folder / f"frame-labels-{kind}.arrow").to_numpy(zero_copy_only=False),
                               dtype=object) for kind in CODED}
    n = {len(v) for v in rows.values()}
    if len(n) != 1:
        raise ValueError(f"the kept frame's arrays differ in length: {sorted(n)}")
    return rows, labels


def _merge_labels(old: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(merged sorted labels, old code -> merged code or None when unchanged, new code -> merged code).

    >>> m, o, n = _merge_labels(np.array(["a", "c"], dtype=object), np.array(["b", "c", "d"], dtype=object))
    >>> m.tolist(), o.tolist(), n.tolist()
    (['a', 'b', 'c', 'd'], [0, 2], [1, 2, 3])
    """
    if len(new) == 0:
        return old, None, np.array([], dtype=np.int64)
    pos = np.searchsorted(old, new).astype(np.int64)
    held = pos < len(old)
    held[held] = old[pos[held]] == new[held]
    added, at = new[~held], pos[~held]
    if len(added) == 0:
        return old, None, pos
    merged = np.insert(old, at, added)
    # an old id moves up by the number of added ids sorted before it (those inserted at or before it)
    remap = np.arange(len(old), dtype=np.int64) + np.cumsum(np.bincount(at, minlength=len(old) + 1))[:len(old)]
    return merged, remap, np.searchsorted(merged, new).astype(np.int64)


def _recode(codes: np.ndarray, to: np.ndarray | None) -> np.ndarray:
    if to is None:
        return codes
    out = np.full(len(codes), -1, dtype=np.int32)
    held = codes >= 0
    out[held] = to[codes[held]]
    return out


def _insert_at(old_t: np.ndarray, old_ids, new_t: np.ndarray, new_ids: list) -> np.ndarray:
    """Where each new claim goes among the kept ones (``np.insert`` positions): by time, and by
    claim id among kept claims settled at the same time (no new id equals a kept one)."""
    lo = np.searchsorted(old_t, new_t, "left").astype(np.int64)
    hi = np.searchsorted(old_t, new_t, "right").astype(np.int64)
    n = hi - lo
    if n.sum():
        who = np.repeat(np.arange(len(new_t)), n)
        at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        same_time = np.asarray(old_ids.take(pa.array(at)).to_pylist(), dtype=object)
        mine = np.asarray(new_ids, dtype=object)[who]
        lo += np.bincount(who[same_time < mine], minlength=len(new_t))
    return lo


def extend(rows: dict, labels: dict, new_claims, institutions=None, doctors=None,
           patients=None) -> tuple[ClaimFrame, np.ndarray]:
    """(the frame of the kept claims plus ``new_claims``, mask of the new claims' rows): equal to
    ``ClaimFrame`` of all those claims. StateMismatch when a new claim id is held already."""
    nf = ClaimFrame(new_claims)
    old_ids = rows["claim_id"]
    if nf.n:
        new_ids = nf.claim_id.cast(old_ids.type) if nf.claim_id.type != old_ids.type else nf.claim_id
        if pc.any(pc.is_in(old_ids, value_set=new_ids.combine_chunks())).as_py():
            raise StateMismatch("a new claim's id is held by the kept frame already")
        at = _insert_at(rows["t"], old_ids, nf.t, new_ids.to_pylist())
    else:
        new_ids, at = nf.claim_id, np.array([], dtype=np.int64)
    n_old = len(rows["t"])
    out, out_labels = {}, {}
    for kind in CODED:
        merged, remap_old, map_new = _merge_labels(labels[kind], nf.labels[kind])
        out_labels[kind] = merged
        out[kind] = np.insert(_recode(rows[kind], remap_old), at, _recode(getattr(nf, kind), map_new))
    for name in ROWS:
        if name not in CODED and name != "claim_id":
            out[name] = np.insert(rows[name], at, getattr(nf, name))
    order = np.insert(np.arange(n_old, dtype=np.int64), at, n_old + np.arange(nf.n, dtype=np.int64))
    both = pa.chunked_array(list(old_ids.chunks) + list(new_ids.chunks), type=old_ids.type)
    out["claim_id"] = both.take(pa.array(order)) if nf.n else old_ids
    f = ClaimFrame.from_rows(out, out_labels, institutions=institutions, doctors=doctors, patients=patients)
    return f, order >= n_old

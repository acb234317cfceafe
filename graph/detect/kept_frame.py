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
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.detect.frame import CODED, PATIENT_REF, ROWS, ClaimFrame
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
    for name in PATIENT_REF:
        value = f.patient_ref[name]
        if name.endswith("_label"):
            _write_strings(folder / f"frame-ref-{name}.arrow", pa.array(value.tolist(), type=pa.large_string()))
        else:
            np.save(folder / f"frame-ref-{name}.npy", np.asarray(value), allow_pickle=False)


def load(folder: Path) -> tuple[dict, dict, dict]:
    """(per-row arrays, labels, per-patient reference attributes) kept by :func:`save`
    (OSError/ValueError when unreadable)."""
    folder = Path(folder)
    # memory-mapped, read-only: extend copies every column into the merged frame anyway, so
    # reading them into memory first was a second copy of ~400 MB at 5M claims
    rows = {name: np.load(folder / f"frame-{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ROWS if name != "claim_id"}
    rows["claim_id"] = _read_strings(folder / _IDS)
    labels = {kind: _labels(folder / f"frame-labels-{kind}.arrow") for kind in CODED}
    n = {len(v) for v in rows.values()}
    if len(n) != 1:
        raise ValueError(f"the kept frame's arrays differ in length: {sorted(n)}")
    ref = {name: _labels(folder / f"frame-ref-{name}.arrow") if name.endswith("_label")
           else np.load(folder / f"frame-ref-{name}.npy", mmap_mode="r", allow_pickle=False) for name in PATIENT_REF}
    if any(len(ref[name]) != len(labels["patient"]) for name in PATIENT_REF if not name.endswith("_label")):
        raise ValueError("the kept per-patient attributes do not match the kept patients")
    return rows, labels, ref


def _labels(path: Path) -> np.ndarray:
    return np.asarray(_read_strings(path).to_numpy(zero_copy_only=False), dtype=object)


def _merge_labels(old: np.ndarray, new: np.ndarray):
    """(merged sorted labels, old code -> merged code or None when unchanged, new code -> merged
    code, the added labels, their ``np.insert`` positions in ``old``).

    >>> m, o, n, added, at = _merge_labels(np.array(["a", "c"], dtype=object), np.array(["b", "c", "d"], dtype=object))
    >>> m.tolist(), o.tolist(), n.tolist(), added.tolist(), at.tolist()
    (['a', 'b', 'c', 'd'], [0, 2], [1, 2, 3], ['b', 'd'], [1, 2])
    """
    none = np.array([], dtype=np.int64)
    if len(new) == 0:
        return old, None, none, np.array([], dtype=object), none
    pos = np.searchsorted(old, new).astype(np.int64)
    held = pos < len(old)
    held[held] = old[pos[held]] == new[held]
    added, at = new[~held], pos[~held]
    if len(added) == 0:
        return old, None, pos, added, at
    merged = np.insert(old, at, added)
    # an old id moves up by the number of added ids sorted before it (those inserted at or before it)
    remap = np.arange(len(old), dtype=np.int64) + np.cumsum(np.bincount(at, minlength=len(old) + 1))[:len(old)]
    return merged, remap, np.searchsorted(merged, new).astype(np.int64), added, at


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
           patients=None, patient_ref: dict | None = None) -> tuple[ClaimFrame, np.ndarray]:
    """(the frame of the kept claims plus ``new_claims``, mask of the new claims' rows): equal to
    ``ClaimFrame`` of all those claims. StateMismatch when a new claim id is held already.
    ``patient_ref``: the kept frame's per-patient reference attributes (made from the same
    ``patients`` file), extended rather than made again from the whole file."""
    nf = ClaimFrame(new_claims)
    old_ids = _chunked(rows["claim_id"])
    if nf.n:
        new_ids = _chunked(nf.claim_id.cast(old_ids.type) if nf.claim_id.type != old_ids.type else nf.claim_id)
        if pc.any(pc.is_in(old_ids, value_set=new_ids.combine_chunks())).as_py():
            raise StateMismatch("a new claim's id is held by the kept frame already")
        at = _insert_at(rows["t"], old_ids, nf.t, new_ids.to_pylist())
    else:
        new_ids, at = pa.chunked_array([], type=old_ids.type), np.array([], dtype=np.int64)
    n_old = len(rows["t"])
    out, out_labels = {}, {}
    merges = {}
    for kind in CODED:
        merges[kind] = merged, remap_old, map_new, _, _ = _merge_labels(labels[kind], nf.labels[kind])
        out_labels[kind] = merged
        out[kind] = np.insert(_recode(rows[kind], remap_old), at, _recode(getattr(nf, kind), map_new))
    order = np.insert(np.arange(n_old, dtype=np.int64), at, n_old + np.arange(nf.n, dtype=np.int64))
    for name in ROWS:
        if name not in CODED and name != "claim_id":
            # block copies between the insertion points: 0.02 s a column at 5M claims, against
            # 0.1 s for a gather through the merged order
            out[name] = np.insert(rows[name], at, getattr(nf, name))
    out["claim_id"] = _interleave(old_ids, new_ids, at, order) if nf.n else old_ids
    if patient_ref is not None:
        patient_ref = _extend_patients(patient_ref, merges["patient"], merges["card"], patients)
    f = ClaimFrame.from_rows(out, out_labels, institutions=institutions, doctors=doctors, patients=patients,
                             patient_ref=patient_ref)
    # how the kept codes moved (None: they did not), for state kept by code (graph.detect.memo)
    f.cache["code_moves"] = {kind: (merges[kind][1], len(labels[kind])) for kind in CODED}
    return f, order >= n_old


_SLICE_RUNS = 64  # runs of new rows up to which the ids are joined as slices (see _interleave)


def _interleave(old: pa.ChunkedArray, new: pa.ChunkedArray, at: np.ndarray, order: np.ndarray) -> pa.ChunkedArray:
    """``old`` with ``new[i]`` inserted before ``old[at[i]]``, as slices when the new rows come
    in a few runs (a day's claims all settle after the kept ones: one run); a gather through
    ``order`` otherwise. Gathering a city-year's 15M ids took 1.3 s of an increment.

    >>> o, n = pa.chunked_array([["a", "b", "c"]]), pa.chunked_array([["x", "y", "z"]])
    >>> at = np.array([1, 1, 3]); order = np.insert(np.arange(3), at, 3 + np.arange(3))
    >>> _interleave(o, n, at, order).to_pylist()
    ['a', 'x', 'y', 'b', 'c', 'z']
    """
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]]) if len(at) else np.array([], dtype=np.int64)
    if len(starts) > _SLICE_RUNS or (len(at) > 1 and bool((np.diff(at) < 0).any())):
        both = pa.chunked_array(list(old.chunks) + list(new.chunks), type=old.type)
        return both.take(pa.array(order))
    pieces, prev = [], 0
    for g, first in enumerate(starts):
        end = starts[g + 1] if g + 1 < len(starts) else len(at)
        a = int(at[first])
        pieces += [old.slice(prev, a - prev), new.slice(int(first), int(end - first))]
        prev = a
    pieces.append(old.slice(prev))
    return pa.chunked_array([c for p in pieces for c in p.chunks if len(c)], type=old.type)


def _chunked(values) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values], type=values.type)


def _as_str(x) -> np.ndarray:
    return np.asarray(pd.Series(x).astype("string").to_numpy(dtype=object, na_value=None), dtype=object)


def _extend_patients(ref: dict, patient_merge, card_merge, patients) -> dict:
    """The per-patient reference attributes (frame.PATIENT_REF) of the merged patient labels,
    from the kept ones: those of the added patients made as ClaimFrame._patients makes them,
    inserted; old codes moved to the merged label lists (cards, regions, phones, addresses)."""
    merged_patients, _, _, added, at = patient_merge
    merged_cards, card_remap, _, cards_added, _ = card_merge
    mine = ClaimFrame.__new__(ClaimFrame)  # the added patients alone, through the same code
    mine.labels = {"patient": added, "card": merged_cards}
    has_ref = patients is not None and len(patients) > 0 and "patient_id" in patients.columns
    sub = patients[patients["patient_id"].astype("string").isin(added.tolist())] if has_ref and len(added) else None
    # their cards are looked up below by binary search, not through _patients' index of every card
    mine._patients(sub.drop(columns=["card_id"]) if sub is not None and "card_id" in sub.columns else sub)
    if sub is not None and "card_id" in sub.columns and len(sub):
        last = sub.drop_duplicates("patient_id", keep="last")  # as _patients reads the file
        who = _positions(added, _as_str(last["patient_id"]))
        card = _positions(merged_cards, _as_str(last["card_id"]))
        mine.p_card[who[who >= 0]] = card[who >= 0]
    out = {"p_birth_year": np.insert(ref["p_birth_year"], at, mine.p_birth_year),
           "p_sex": np.insert(ref["p_sex"], at, mine.p_sex),
           "p_card": np.insert(_recode(ref["p_card"], card_remap), at, mine.p_card)}
    for attr in ("p_region", "p_phone", "p_address"):
        merged, remap, map_new, _, _ = _merge_labels(ref[attr + "_label"], getattr(mine, attr + "_label"))
        out[attr] = np.insert(_recode(ref[attr], remap), at, _recode(getattr(mine, attr), map_new))
        out[attr + "_label"] = merged
    if has_ref and len(cards_added) and "card_id" in patients.columns:
        # an old patient whose reference card had no claim before may hold one of the new cards
        cards = patients["card_id"].astype("string")
        holders = patients["patient_id"][cards.isin(cards_added.tolist())]
        if len(holders):
            last = patients[patients["patient_id"].isin(holders)].drop_duplicates("patient_id", keep="last")
            who = _positions(merged_patients, _as_str(last["patient_id"]))
            card = _positions(merged_cards, _as_str(last["card_id"]))
            ok = who >= 0
            out["p_card"][who[ok]] = card[ok]
    return out


def _positions(labels: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in the sorted ``labels``, -1 where absent (or missing)."""
    present = np.array([v is not None for v in values], dtype=bool)
    out = np.full(len(values), -1, dtype=np.int64)
    if present.any() and len(labels):
        v = values[present]
        pos = np.searchsorted(labels, v)
        hit = pos < len(labels)
        hit[hit] = labels[pos[hit]] == v[hit]
        out[np.flatnonzero(present)[hit]] = pos[hit]
    return out

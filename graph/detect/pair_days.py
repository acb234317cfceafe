"""Pair counts over group memberships, formed a slice of days at a time.

:func:`graph.detect.projections.cooccurrence` turns group memberships into entity pairs. Every
(group, left member, right member) triple is one *pair occurrence*; a city-year holds hundreds
of millions of them, and the counts wanted per pair (distinct days, distinct places, days with
two or more places, summed weight) need only one record per distinct (pair, day) and one per
distinct (pair, place). So occurrences are formed for the memberships of a slice of days at a
time (an occurrence is dated by its left member, so every occurrence of one (pair, day) falls
in one slice), reduced to those records, and only the records are kept: peak memory follows
the budget, not the city. The place is sorted as a second key rather than folded into one
(pair, day, place) integer: with 3 million cards, 366 days and 6,000 institutions that integer
passes 2^63 and silently wraps.

>>> import numpy as np
>>> g = np.array([0, 0, 0, 1, 1, 2, 2])        # memberships sorted by (group, entity)
>>> e = np.array([7, 8, 9, 7, 8, 7, 9])
>>> day = np.array([0, 0, 0, 1, 1, 2, 2])
>>> where = np.array([0, 0, 0, 1, 1, 0, 0])
>>> size = np.array([3, 3, 3, 2, 2, 2, 2])
>>> t = pair_counts(g, e, day, where, size, budget=2)
>>> t[["a", "b", "days", "places", "tour_days"]].values.tolist()
[[7, 8, 2, 2, 0], [7, 9, 2, 1, 0], [8, 9, 1, 1, 0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["pair_counts", "BUDGET"]

# pair occurrences formed at once: about ten 8-byte arrays of this length are alive in a
# slice (~0.6 GiB at 8M); one day is never split, so a slice can exceed it by that day's share
BUDGET = 8_000_000


def _runs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, first positions, lengths) of the runs of an already sorted array."""
    if len(x) == 0:
        return x, np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    first = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])
    return x[first], first, np.diff(np.r_[first, len(x)])


def _slices(when: np.ndarray, partners: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Day ranges [lo, hi) whose memberships form about ``budget`` occurrences each."""
    n_when = int(when.max()) + 1
    per_day = np.bincount(when, weights=partners, minlength=n_when)
    out, lo, acc = [], 0, 0.0
    for d in range(n_when):
        if acc and acc + per_day[d] > budget:
            out.append((lo, d))
            lo, acc = d, 0.0
        acc += per_day[d]
    out.append((lo, n_when))
    return out


def _slice_records(g_end, e, when, where, size_of, left_of, n_e):
    """(pair, day, weight, two-or-more-places) per distinct (pair, day), and the distinct
    (pair, day, place) as (pair, place), for the occurrences whose left member is in ``left_of``."""
    partners = g_end[left_of] - 1 - left_of
    left = np.repeat(left_of, partners)
    step = np.arange(len(left)) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + step
    del step
    day = when[left]
    lo = int(day.min())
    n_d = int(day.max()) - lo + 1
    # (pair, day) in one key: below n_e² · n_d, far inside 64 bits (places would not fit too)
    pd_key = (e[left] * n_e + e[right]) * n_d + (day - lo)  # e ascends inside a group, so a < b
    del right, day
    place = where[left]
    wt = 1.0 / np.log2(1.0 + size_of[left])
    del left
    order = np.lexsort((place, pd_key))
    srt, pl = pd_key[order], place[order]
    del pd_key, place
    new_day = np.r_[True, srt[1:] != srt[:-1]]
    new_place = new_day | np.r_[True, pl[1:] != pl[:-1]]
    idx = np.flatnonzero(new_day)
    # one record per (pair, day) with the smallest group's weight (the largest 1/log2) that
    # day; a day with two or more distinct places is a tour day
    day_w = np.maximum.reduceat(wt[order], idx)
    multi = np.add.reduceat(new_place, idx, dtype=np.int64) >= 2
    day_key = srt[idx]
    return day_key // n_d, day_key % n_d + lo, day_w, multi, srt[new_place] // n_d, pl[new_place]


def pair_counts(g: np.ndarray, e: np.ndarray, when: np.ndarray, where: np.ndarray, size_of: np.ndarray,
                budget: int = BUDGET) -> pd.DataFrame:
    """Per entity pair (a < b) that shares a group: ``days`` (distinct ``when``), ``places``
    (distinct ``where``), ``tour_days`` (``when`` values with two or more ``where``) and
    ``weight`` (over distinct days, the largest 1 / log2(1 + group size) of that day, summed in
    day order). ``g``, ``e`` are memberships sorted by (group, entity), ``when`` and ``where``
    dense non-negative codes, ``size_of`` each membership's group size for its weight. Sorted
    by (a, b); the same table whatever ``budget`` is.
    """
    cols = {"a": np.int64, "b": np.int64, "days": np.int64, "places": np.int64, "tour_days": np.int64, "weight": np.float64}
    n = len(g)
    if n == 0:
        return pd.DataFrame({c: np.array([], dtype=t) for c, t in cols.items()})
    g, e, when, where = (np.asarray(x, dtype=np.int64) for x in (g, e, when, where))
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, n])
    g_end = np.repeat(starts + sizes, sizes)  # one past each membership's group
    partners = g_end - 1 - np.arange(n)
    n_e = int(e.max()) + 1
    parts = []
    for lo, hi in _slices(when, partners, budget):
        left_of = np.flatnonzero((when >= lo) & (when < hi) & (partners > 0))
        if len(left_of):
            parts.append(_slice_records(g_end, e, when, where, size_of, left_of, n_e))
    if not parts:
        return pd.DataFrame({c: np.array([], dtype=t) for c, t in cols.items()})
    rec_pair, rec_day, rec_w, rec_multi, pw_pair, pw_place = (np.concatenate([p[k] for p in parts]) for k in range(6))
    del parts
    # (pair, day) records in (pair, day) order: slices are disjoint in days, so the keys are unique
    order = np.lexsort((rec_day, rec_pair))
    rec_pair, rec_w, rec_multi = rec_pair[order], rec_w[order], rec_multi[order]
    del order, rec_day
    pairs, idx, days = _runs(rec_pair)
    weight = np.add.reduceat(rec_w, idx)
    tour = np.add.reduceat(rec_multi.astype(np.int64), idx)
    del rec_w, rec_multi
    # distinct (pair, place) across slices
    order = np.lexsort((pw_place, pw_pair))
    pw_pair, pw_place = pw_pair[order], pw_place[order]
    keep = np.r_[True, (pw_pair[1:] != pw_pair[:-1]) | (pw_place[1:] != pw_place[:-1])]
    places = _runs(pw_pair[keep])[2]  # every pair has at least one place, so this aligns with pairs
    return pd.DataFrame({"a": pairs // n_e, "b": pairs % n_e, "days": days, "places": places, "tour_days": tour,
                         "weight": weight})

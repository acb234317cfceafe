"""Vectorised projections: who appears with whom, how often, and how surprising that is.

The central projection is entity–entity co-occurrence within *groups* (an institution and a
time window, optionally an operator or doctor). Each pair is counted once per distinct day it
co-occurs, so one busy afternoon does not look like a habit, and groups larger than
``max_group`` are skipped: a busy hospital's waiting room is not a ring. The weight a group
gives its pairs is ``1 / log2(1 + size)``, so co-occurring in a small group counts more than in
a big one, and the chance of a pair's count is judged against a configuration model
(:func:`expected_shared`).

>>> import numpy as np
>>> group = np.array([0, 0, 0, 1, 1, 2, 2])
>>> who = np.array([7, 8, 9, 7, 8, 7, 9])
>>> day = np.array([1, 1, 1, 2, 2, 3, 3])
>>> p = cooccurrence([group], who, [day], max_group=10)
>>> p[["a", "b", "days"]].values.tolist()
[[7, 8, 2], [7, 9, 2], [8, 9, 1]]
>>> clusters(p[p.days >= 2], min_size=2)
[[7, 8, 9]]
"""

from __future__ import annotations

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd

from graph.detect import engine
from graph.detect.pair_days import pair_counts

__all__ = ["cooccurrence", "clusters", "memberships", "expected_shared", "window_keys", "PairIndex"]


def window_keys(parts: list[np.ndarray], minute: np.ndarray, width: int, offset: int = 0) -> np.ndarray:
    """One int64 group key per row from categorical ``parts`` and a time window of ``width``
    minutes (shifted by ``offset``); -1 where any part is missing.

    >>> window_keys([np.array([0, 0, 1, -1])], np.array([0, 59, 10, 10]), 60).tolist()
    [0, 0, 1, -1]
    """
    win = (np.asarray(minute, dtype=np.int64) + offset) // width
    key = win - (win.min() if len(win) else 0)
    bad = np.zeros(len(key), dtype=bool)
    for p in parts:
        p = np.asarray(p, dtype=np.int64)
        bad |= p < 0
        key = key * (int(p.max()) + 2 if len(p) else 1) + (p + 1)
    codes = np.full(len(key), -1, dtype=np.int64)
    codes[~bad] = np.unique(key[~bad], return_inverse=True)[1]
    return codes


def memberships(groups: list[np.ndarray], entity: np.ndarray, when: list[np.ndarray], where: list[np.ndarray] | None = None):
    """Distinct (group, entity) memberships over several group grids, as a DataFrame with
    columns g (group, globally numbered), e, when, where."""
    gs, es, ws, ps = [], [], [], []
    offset = 0
    for k, g in enumerate(groups):
        ok = (g >= 0) & (entity >= 0)
        gs.append(g[ok].astype(np.int64) + offset)
        es.append(entity[ok].astype(np.int64))
        ws.append(np.asarray(when[k])[ok].astype(np.int64))
        ps.append(np.asarray(where[k])[ok].astype(np.int64) if where is not None else np.zeros(int(ok.sum()), dtype=np.int64))
        offset += int(g.max()) + 1 if len(g) else 0
    g, e, w, p = (np.concatenate(x) if x else np.array([], dtype=np.int64) for x in (gs, es, ws, ps))
    del gs, es, ws, ps  # the per-grid pieces: as big as the result, let go before the sort
    n_e = int(e.max()) + 1 if len(e) else 1
    key = g * n_e + e
    order = np.argsort(key, kind="stable")
    ks = key[order]
    del key
    first = order[np.r_[True, ks[1:] != ks[:-1]]] if len(ks) else order  # sorted by (g, e)
    del order, ks
    return pd.DataFrame({"g": g[first], "e": e[first], "when": w[first], "where": p[first]}, copy=False)


def _dense(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the distinct values, and how many there are.

    >>> _dense(np.array([30, 4, 30, 7]))[0].tolist()
    [2, 0, 2, 1]
    """
    if len(x) and x.min() >= 0 and x.max() < 4 * len(x) + 1024:
        # days, weeks, institution codes: a presence table beats sorting millions of memberships
        present = np.zeros(int(x.max()) + 1, dtype=bool)
        present[x] = True
        rank = np.cumsum(present) - 1
        return rank[x].astype(np.int64), int(present.sum())
    u, inv = np.unique(x, return_inverse=True)
    return inv.astype(np.int64), len(u)


def _uniq(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values by sorting (numpy's hash-based unique is far slower on int64 keys)."""
    x = np.sort(x, kind="stable")
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def _uniq_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, index of each value's first position, counts) of an already sorted array."""
    if len(x) == 0:
        return x, np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    first = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])
    return x[first], first, np.diff(np.r_[first, len(x)])


def cooccurrence(groups, entity, when, where=None, max_group: int = 50, min_group: int = 2,
                 min_degree: int = 1, min_place_degree: int = 1, focus_rows: np.ndarray | None = None) -> pd.DataFrame:
    """Entity pairs that share groups.

    Returns a DataFrame sorted by (a, b) with a < b: ``days`` (distinct ``when`` values shared),
    ``places`` (distinct ``where`` values), ``tour_days`` (``when`` values on which the pair
    shared two or more ``where`` values), ``weight`` (sum over distinct days of the group's
    1/log2(1+size)), ``deg_a``/``deg_b`` (the entities' distinct ``when`` counts) and ``expected``
    (shared days expected by chance). Entities seen on fewer than ``min_degree`` distinct days
    cannot share that many and are left out before pairs are formed (group sizes, and so
    weights and chance, still count them); with ``min_place_degree`` a membership is kept only
    where the entity was at that ``where`` on that many distinct days (pairs that meet at one
    place again and again; far fewer pairs to form in a big city).

    ``groups`` are arrays of group codes or :class:`~graph.detect.local_pairs.WindowGrid` s.
    ``attrs["sums"]`` holds the chance constant's sums (:func:`~graph.detect.local_pairs.group_sums`)
    and, when ``focus_rows`` is a :class:`~graph.detect.local_pairs.Focus` (its ``rows`` None
    for a full count), ``attrs["days"]`` each entity's distinct days (``degree``, by code) and,
    with ``min_place_degree``, per (entity, place) (``place_e``, ``place_p``, ``place_count``).

    ``focus_rows`` (a boolean mask over rows, for daily increments): only the pairs that the
    focus rows can change are returned, with exactly the values a run without it gives them.
    Those are the pairs with at least one member in a group that holds a focus row; every other
    pair shares no such group, keeps its degrees and so its counts. Group sizes, degrees and the
    chance model still count every row. The chance model's constant is in ``attrs["q"]`` and
    the focus entities in ``attrs["focus"]``, so a caller holding the last run's pairs drops
    those touching a focus entity, adds these and recomputes ``expected`` for the rest (an
    answer without ``attrs["focus"]`` is complete: no pair survives the filters). A
    :class:`~graph.detect.local_pairs.Focus` with the last run's sums, over window grids, is
    counted from the rows the new claims reach (:func:`~graph.detect.local_pairs.focus_pairs`).
    """
    from graph.detect.local_pairs import Focus, WindowGrid, focus_pairs, group_sums, usable

    focus_of = focus_rows if isinstance(focus_rows, Focus) else None
    # the day counts are reported only to a memo that asks (a Focus): pandas deep-copies attrs
    # on every operation on the table, and they are as long as the city's people
    want_days = focus_of is not None
    if focus_of is not None and focus_of.rows is not None and engine.current().name != "spark" and usable(groups, focus_of):
        # a daily increment: count from the rows the new claims reach (graph.detect.local_pairs)
        return focus_pairs(groups, entity, when, where, focus_of, max_group=max_group, min_group=min_group,
                           min_degree=min_degree, min_place_degree=min_place_degree)
    focus_rows = focus_of.rows if focus_of is not None else focus_rows
    groups = [g.codes() if isinstance(g, WindowGrid) else g for g in groups]
    if engine.current().name == "spark":  # the same projection, computed by Spark (graph.detect.engine)
        from graph.detect.spark.cooccurrence import cooccurrence as on_spark

        return on_spark(groups, entity, when, where, max_group=max_group, min_group=min_group,
                        min_degree=min_degree, min_place_degree=min_place_degree, focus_rows=focus_rows)
    cols = ["a", "b", "days", "places", "tour_days", "weight", "deg_a", "deg_b", "expected"]
    empty = pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("weight", "expected") else "int64") for c in cols})
    empty.attrs["q"] = 0.0
    empty.attrs["sums"] = (0, 0)
    m = memberships(groups, np.asarray(entity), when, where)
    if m.empty:
        return empty
    g = m["g"].to_numpy()
    e = m["e"].to_numpy()
    w_when, n_when = _dense(m["when"].to_numpy())
    w_where, n_where = _dense(m["where"].to_numpy())
    # memberships are sorted by (g, e): runs of equal g are the groups
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    gsize_all = np.repeat(sizes, sizes)
    q = _same_group_probability(gsize_all)
    # the chance constant's two sums, kept so that an increment updates q from its groups alone
    sums = group_sums(gsize_all)
    empty.attrs["q"], empty.attrs["sums"] = q, sums
    n_e = int(e.max()) + 1
    ew = _uniq(e * n_when + w_when)
    degree = np.bincount(ew // n_when, minlength=n_e)
    # each entity's distinct days (and per place, below), kept so that an increment recounts
    # them only for the entities with a new claim (graph.detect.local_pairs)
    days = {"degree": degree}
    if want_days:
        empty.attrs["days"] = days
    keep = (gsize_all >= min_group) & (gsize_all <= max_group)
    if min_degree > 1:
        keep &= degree[e] >= min_degree
    if min_place_degree > 1:
        # distinct days per (entity, place), read back per membership: numbered by hashing
        # (pd.factorize) rather than a sort of every membership and a binary search of each,
        # which took 1.0 s of a 1M-claim run; the counts are the same integers
        n_where_ = int(w_where.max()) + 1
        ep_code, ep_uniq = pd.factorize(e * n_where_ + w_where)
        ep_code = ep_code.astype(np.int64)
        epw = pd.unique(ep_code * n_when + w_when)  # distinct (entity, place, day)
        cnt = np.bincount(epw // n_when, minlength=len(ep_uniq))
        keep &= cnt[ep_code] >= min_place_degree
        if want_days:
            place_of = np.empty(n_where, dtype=np.int64)  # dense place rank -> the place's own code
            place_of[w_where] = m["where"].to_numpy()
            by = np.argsort(ep_uniq, kind="stable")  # sorted by (entity, place): increments insert into it
            days.update({"place_e": ep_uniq[by] // n_where_, "place_p": place_of[ep_uniq[by] % n_where_],
                         "place_count": cnt[by]})
        del ep_code, ep_uniq, epw, cnt
    g, e, w_when, w_where = g[keep], e[keep], w_when[keep], w_where[keep]
    n = len(g)
    if n == 0:
        return empty
    size_of = gsize_all[keep]  # each membership's full group size (weights use it)
    focus = None
    if focus_rows is not None:
        # the focus entities: every member of a group that holds a focus row; pairs are formed
        # only in groups where one of them stays after the filters above
        fg = _focus_groups(groups, np.asarray(entity), np.asarray(focus_rows, dtype=bool))
        focus = _uniq(m["e"].to_numpy()[np.isin(m["g"].to_numpy(), fg)])
        empty.attrs["focus"] = focus
        hit = np.isin(g, _uniq(g[np.isin(e, focus)]))
        g, e, w_when, w_where, size_of = g[hit], e[hit], w_when[hit], w_where[hit], size_of[hit]
        n = len(g)
        if n == 0:
            return empty
    # every membership-long array not needed below is let go before the pairs are formed (at
    # city-year scale each is some 240 MB)
    del m, starts, sizes, gsize_all, ew, keep
    # pairs are formed a slice of days at a time and reduced to per-(pair, day) records, so
    # memory follows a fixed budget rather than the city's pair occurrences
    out = pair_counts(g, e, w_when, w_where, size_of)
    out["deg_a"] = degree[out["a"].to_numpy()]
    out["deg_b"] = degree[out["b"].to_numpy()]
    out["expected"] = out["deg_a"] * out["deg_b"] * q
    if focus is not None:
        # pairs of two outsiders were counted only partly here; the caller keeps their old values
        out = out[np.isin(out["a"].to_numpy(), focus) | np.isin(out["b"].to_numpy(), focus)].reset_index(drop=True)
    out = out[cols]
    out.attrs["q"], out.attrs["sums"] = q, sums
    if want_days:
        out.attrs["days"] = days
    if focus is not None:
        out.attrs["focus"] = focus
    return out


def _focus_groups(groups, entity: np.ndarray, focus_rows: np.ndarray) -> np.ndarray:
    """Group ids, numbered as :func:`memberships` numbers them, of the groups holding a focus row."""
    out, offset = [], 0
    for g in groups:
        ok = focus_rows & (g >= 0) & (entity >= 0)
        out.append(g[ok].astype(np.int64) + offset)
        offset += int(g.max()) + 1 if len(g) else 0
    return _uniq(np.concatenate(out)) if out else np.array([], dtype=np.int64)


def _same_group_probability(size: np.ndarray) -> float:
    """Chance that two memberships drawn at random fall in the same group (configuration model)."""
    # size is per membership; Σ_g n_g(n_g-1) = Σ_memberships (n_g-1)
    total = float(len(size))
    if total < 2:
        return 0.0
    return float((size - 1).sum()) / (total * (total - 1))


def expected_shared(deg_a, deg_b, q: float):
    """Shared groups expected by chance for entities with these degrees."""
    return np.asarray(deg_a) * np.asarray(deg_b) * q


def clusters(pairs: pd.DataFrame, min_size: int = 3, max_size: int = 200, weight: str | None = None, seed: int = 7) -> list[list[int]]:
    """Groups of entities from a pair table: connected components, with components bigger than
    ``max_size`` split by Leiden (modularity, fixed seed, so results are reproducible).

    Returns sorted member lists, sorted by their smallest member.
    """
    if pairs is None or len(pairs) == 0:
        return []
    nodes, inv = np.unique(np.r_[pairs["a"].to_numpy(), pairs["b"].to_numpy()], return_inverse=True)
    k = len(pairs)
    edges = np.c_[inv[:k], inv[k:]]
    g = ig.Graph(n=len(nodes), edges=edges.tolist(), directed=False)
    w = pairs[weight].to_numpy(dtype=float) if weight else np.ones(k)
    g.es["weight"] = w.tolist()
    out: list[list[int]] = []
    for comp in g.connected_components():
        if len(comp) < min_size:
            continue
        if len(comp) <= max_size:
            out.append(sorted(int(nodes[i]) for i in comp))
            continue
        sub = g.induced_subgraph(comp)
        part = leidenalg.find_partition(sub, leidenalg.ModularityVertexPartition, weights="weight", seed=seed)
        for c in part:
            if len(c) >= min_size:
                out.append(sorted(int(nodes[comp[i]]) for i in c))
    return sorted(out, key=lambda c: (c[0], len(c)))


class PairIndex:
    """The rows of a pair table with both ends in a member set, found from the members' own
    rows instead of two ``isin`` scans of the whole table per group (detectors ask once per
    cluster, and a city-year has thousands of clusters over millions of pairs).

    ``within(members)`` equals ``pairs[pairs.a.isin(members) & pairs.b.isin(members)]``, rows
    in the same order.

    >>> p = pd.DataFrame({"a": [1, 1, 2, 5], "b": [2, 5, 5, 9], "days": [3, 1, 2, 4]})
    >>> PairIndex(p).within([1, 2, 5]).days.tolist()
    [3, 1, 2]
    """

    def __init__(self, pairs: pd.DataFrame):
        self.pairs = pairs
        a = pairs["a"].to_numpy(dtype=np.int64)
        self._b = pairs["b"].to_numpy(dtype=np.int64)
        self._order = np.argsort(a, kind="stable")
        top = int(a.max()) + 1 if len(a) else 0
        self._start = np.searchsorted(a[self._order], np.arange(top + 1))

    def within(self, members) -> pd.DataFrame:
        members = np.unique(np.asarray(members, dtype=np.int64))
        m = members[(members >= 0) & (members < len(self._start) - 1)]
        lo, hi = self._start[m], self._start[m + 1]
        n = hi - lo
        pos = self._order[np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())]
        pos = np.sort(pos[np.isin(self._b[pos], members)])
        return self.pairs.iloc[pos]

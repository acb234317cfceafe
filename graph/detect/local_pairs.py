"""A daily increment's pair counting from the rows the new claims reach, not from every claim.

:func:`~graph.detect.projections.cooccurrence` in focus mode returns the pairs that a day's new
claims can change, exactly as a full count gives them; but it numbers every claim's groups,
sorts every membership and counts every entity's days to get there, so on a city-year it costs
what a full count costs. Everything those pairs depend on is local:

* the *focus entities* F: the members of the groups (institution and the grid's other parts,
  time window) that hold a new claim; found from the claims settled at those institutions in
  those windows (a binary search in the frame's (institution, time) order);
* the pairs' groups: every group of an F entity's claims (all its claims: the entity index);
  their sizes need all the claims in them, found as above;
* the filters and the chance: each member's distinct days (degree) and distinct days per
  place, from all the claims of every member of those groups;
* the chance constant ``q`` = Σ n(n-1) / (M (M-1)) over all groups (n members each, M
  memberships in all): the two integer sums are kept from the last run and only the groups
  holding a new claim change them (their member counts before and after the new claims).

So :func:`focus_pairs` reads a few rows per new claim and gives the table ``cooccurrence``
gives with ``focus_rows`` (same pairs, counts, weights, degrees and ``expected``; tested
against it in ``tests/graph/detect/test_local_pairs.py``) plus the updated sums. It applies
when the groups are :class:`WindowGrid` s over the frame's institutions, the previous sums are
known (:class:`Focus`) and no claim lacks its settlement time (the frame's order is then the
time order); otherwise ``cooccurrence`` counts as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.detect.pair_days import pair_counts

__all__ = ["WindowGrid", "staggered", "Focus", "usable", "focus_pairs", "group_sums", "move_days"]


class WindowGrid:
    """The groups of :func:`~graph.detect.projections.window_keys` (``parts`` of frame ``f``,
    windows of ``width`` minutes shifted by ``offset``), numbered only when a full count asks
    (:meth:`codes`); an increment asks only for some rows' groups (:meth:`keys`)."""

    def __init__(self, f, parts: list[np.ndarray], width: int, offset: int = 0):
        self.f, self.parts, self.width, self.offset = f, list(parts), int(width), int(offset)
        self._codes: np.ndarray | None = None

    def codes(self) -> np.ndarray:
        """Every row's group code (window_keys over all rows), computed once."""
        if self._codes is None:
            from graph.detect.projections import window_keys

            self._codes = window_keys(self.parts, self.f.minute, self.width, self.offset)
        return self._codes

    def keys(self, rows: np.ndarray) -> np.ndarray:
        """Group codes of ``rows`` (numbered among them, in window_keys' order; -1 where a part
        is missing): two rows get the same code exactly when they share a group."""
        from graph.detect.projections import window_keys

        return window_keys([np.asarray(p)[rows] for p in self.parts], self.f.minute[rows], self.width, self.offset)

    def windows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(institution, first minute, end minute) of each row's window."""
        start = (self.f.minute[rows] + self.offset) // self.width * self.width - self.offset
        return np.asarray(self.parts[0])[rows], start, start + self.width


def staggered(f, parts: list[np.ndarray], width: int) -> list[WindowGrid]:
    """Two grids of ``width``-minute windows, the second shifted by half a window, so that
    claims a few minutes apart across a window's edge still share a group in one of them."""
    return [WindowGrid(f, parts, width, 0), WindowGrid(f, parts, width, width // 2)]


@dataclass
class Focus:
    """What an increment's count is about: ``rows`` (mask of the new claims' rows), and for the
    local count the frame, the entity kind counted (its row index), ``sums`` (Σ n(n-1), M)
    of the last run's groups and ``days``, the last run's distinct-day counts per entity."""

    rows: np.ndarray | None  # None: a full count (that reports its sums and day counts)
    sums: tuple[int, int] | None = None
    frame: object | None = None
    kind: str | None = None
    days: dict | None = None  # the last run's day counts (cooccurrence's attrs["days"]), in this frame's codes


def usable(groups, focus: Focus) -> bool:
    """Can :func:`focus_pairs` count this projection?"""
    f = focus.frame
    if f is None or focus.sums is None or focus.kind is None or focus.days is None or not groups:
        return False
    if not all(isinstance(g, WindowGrid) and g.f is f and g.parts and g.parts[0] is f.institution for g in groups):
        return False
    # an entity's days are read from its claims, which equals reading them from its memberships
    # only when one grid's windows never straddle midnight (a membership keeps its first claim's day)
    if not any(1440 % g.width == 0 and g.offset % g.width == 0 for g in groups):
        return False
    # claims without a settlement time sit at the end of the frame with minute 0: the frame's
    # order would not be the time order the window search relies on
    return f.n == 0 or int(f.t[-1]) != np.iinfo(np.int64).max


def group_sums(size_per_membership: np.ndarray) -> tuple[int, int]:
    """(Σ over groups of n(n-1), memberships M) from each membership's group size.

    >>> group_sums(np.array([3, 3, 3, 1]))
    (6, 4)
    """
    return int((np.asarray(size_per_membership, dtype=np.int64) - 1).sum()), int(len(size_per_membership))


def move_days(days: dict, moves: dict, kind: str, n: int) -> dict:
    """Day counts kept by code (cooccurrence's ``attrs["days"]``) moved to a frame whose labels
    grew: ``moves[kind]`` is (old code -> new code or None, number of old codes), as
    :func:`graph.detect.kept_frame.extend` records it, ``n`` the number of ``kind`` codes now.

    >>> d = move_days({"degree": np.array([3, 1])}, {"card": (np.array([0, 2]), 2), "institution": (None, 1)}, "card", 3)
    >>> d["degree"].tolist()
    [3, 0, 1]
    """
    (entity_move, n_entities), (place_move, n_places) = moves[kind], moves["institution"]

    def moved(codes, move, m):
        codes = np.asarray(codes, dtype=np.int64)
        if len(codes) and (int(codes.max()) >= m or int(codes.min()) < 0):
            raise ValueError(f"the kept day counts do not match the kept {kind}s")
        return codes if move is None else np.asarray(move, dtype=np.int64)[codes]

    kept = np.asarray(days["degree"], dtype=np.int64)[:n_entities]
    degree = np.zeros(n, dtype=np.int64)
    degree[moved(np.arange(len(kept)), entity_move, n_entities)] = kept
    out = {"degree": degree}
    if "place_e" in days:
        out.update({"place_e": moved(days["place_e"], entity_move, n_entities),
                    "place_p": moved(days["place_p"], place_move, n_places),
                    "place_count": np.asarray(days["place_count"], dtype=np.int64)})
    return out


def _q(sums: tuple[int, int]) -> float:
    # the expression of projections._same_group_probability, so the float is the same
    s, m = sums
    total = float(m)
    if total < 2:
        return 0.0
    return float(s) / (total * (total - 1))


_MARGIN = 2 * 1440  # minutes a window may start before the first claim (grids are at most a day wide)


def _place_time_index(f):
    """Rows in (institution, time) order and their int64 (institution, minute) keys, cached."""
    if "place_time" not in f.cache:
        f.rows_of("institution", [])  # builds the frame's cached institution order
        order, _ = f.cache["order_institution"]
        m0 = (int(f.minute.min()) if f.n else 0) - _MARGIN
        span = (int(f.minute.max()) if f.n else 0) - m0 + 2 * _MARGIN
        key = f.institution[order].astype(np.int64) * span + (f.minute[order] - m0)
        f.cache["place_time"] = (order, key, m0, span)
    return f.cache["place_time"]


def _rows_in_windows(f, grids, rows: np.ndarray) -> np.ndarray:
    """Rows settled at the institution of one of ``rows`` within its window on some grid;
    ascending, distinct (``rows`` among them)."""
    order, key, m0, span = _place_time_index(f)
    found = []
    for grid in grids:
        if grid.width > _MARGIN:
            raise ValueError(f"window grids of at most {_MARGIN} minutes (got {grid.width})")
        inst, lo, _ = grid.windows(rows)
        ok = inst >= 0
        a = np.unique(inst[ok].astype(np.int64) * span + (lo[ok] - m0))
        start, end = np.searchsorted(key, a, "left"), np.searchsorted(key, a + grid.width, "left")
        n = end - start
        found.append(order[np.repeat(start - np.cumsum(n) + n, n) + np.arange(int(n.sum()))])
    # distinct and ascending by marking rows: cheaper than sorting what may be a million rows
    seen = np.zeros(f.n, dtype=bool)
    for rows_found in found:
        seen[rows_found] = True
    return np.flatnonzero(seen)


def _valid(grids, entity: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rows`` that are memberships: the entity and every part of the groups present."""
    ok = entity[rows] >= 0
    for p in grids[0].parts:
        ok &= np.asarray(p)[rows] >= 0
    return rows[ok]


def _distinct_counts(major: np.ndarray, minor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct non-negative ``major`` keys, number of distinct ``minor`` values per key).

    >>> [x.tolist() for x in _distinct_counts(np.array([5, 5, 5, 2]), np.array([1, 1, 3, 1]))]
    [[2, 5], [1, 2]]
    """
    if not len(major):
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    lo = int(minor.min())
    width = int(minor.max()) - lo + 1
    pairs = np.unique(major.astype(np.int64) * width + (minor - lo))
    return np.unique(pairs // width, return_counts=True)


def _member_sums(g: np.ndarray, e: np.ndarray) -> tuple[int, int]:
    """(Σ n(n-1), M) over the distinct (group, entity) memberships given."""
    if not len(g):
        return 0, 0
    m = pd.DataFrame({"g": g, "e": e}).drop_duplicates()
    n = m.groupby("g").size().to_numpy(dtype=np.int64)
    return int((n * (n - 1)).sum()), int(n.sum())


def _empty(q: float, focus: np.ndarray, sums: tuple[int, int], days: dict) -> pd.DataFrame:
    cols = ["a", "b", "days", "places", "tour_days", "weight", "deg_a", "deg_b", "expected"]
    out = pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("weight", "expected") else "int64") for c in cols})
    out.attrs.update({"q": q, "focus": focus, "sums": sums, "days": days})
    return out


def _recount_days(focus: Focus, groups, entity, when0, where0, new: np.ndarray) -> dict:
    """The kept day counts with those of the entities holding a new claim counted afresh from
    all their claims (a new claim can only add days to its own entity)."""
    f, old = focus.frame, focus.days
    E = np.unique(entity[new]).astype(np.int64)
    # one flag per entity code: a lookup per row instead of np.isin over a city's day counts
    n_codes = max(len(old["degree"]), int(E.max()) + 1 if len(E) else 0, len(f.labels[focus.kind]),
                  int(old["place_e"].max()) + 1 if len(old.get("place_e", ())) else 0)
    recounted = np.zeros(n_codes + 1, dtype=bool)
    recounted[E] = True
    mine = _valid(groups, entity, f.rows_of(focus.kind, E))
    mine = mine[recounted[entity[mine]]]
    te, tw, tp = entity[mine].astype(np.int64), when0[mine].astype(np.int64), where0[mine].astype(np.int64)
    ye, ydeg = _distinct_counts(te, tw)
    n = max(len(old["degree"]), int(E.max()) + 1 if len(E) else 0, len(f.labels[focus.kind]))
    degree = np.zeros(n, dtype=np.int64)
    degree[:len(old["degree"])] = old["degree"]
    degree[ye] = ydeg
    days = {"degree": degree}
    if "place_e" in old:
        n_p = int(tp.max()) + 1 if len(tp) else 1
        pk, pc = _distinct_counts(te * n_p + tp, tw)
        stay = ~recounted[old["place_e"]]
        pe, pp, cnt = old["place_e"][stay], old["place_p"][stay], old["place_count"][stay]
        # both parts sorted by (entity, place): the recounted ones go in where they belong
        n_key = max(n_p, int(pp.max()) + 1 if len(pp) else 1)
        at = np.searchsorted(pe * n_key + pp, (pk // n_p) * n_key + pk % n_p)
        days.update({"place_e": np.insert(pe, at, pk // n_p).astype(np.int64, copy=False),
                     "place_p": np.insert(pp, at, pk % n_p).astype(np.int64, copy=False),
                     "place_count": np.insert(cnt, at, pc).astype(np.int64, copy=False)})
    return days


def focus_pairs(groups: list[WindowGrid], entity, when, where, focus: Focus, max_group: int = 50,
                min_group: int = 2, min_degree: int = 1, min_place_degree: int = 1) -> pd.DataFrame:
    """``cooccurrence(groups, entity, when, where, ..., focus_rows=focus.rows)``, counted from the
    rows the new claims reach (see the module docstring); ``attrs["sums"]`` the updated sums."""
    f = focus.frame
    entity = np.asarray(entity)
    when0, where0 = np.asarray(when[0]), np.asarray(where[0] if where is not None else np.zeros(f.n, dtype=np.int64))
    if any(w is not when[0] for w in when) or (where is not None and any(p is not where[0] for p in where)):
        raise ValueError("focus_pairs counts one when/where array for every grid")
    new = _valid(groups, entity, np.flatnonzero(np.asarray(focus.rows, dtype=bool)))
    days = _recount_days(focus, groups, entity, when0, where0, new)

    # the groups holding a new claim: their members are the focus entities; their member
    # counts before and after the new claims move the chance constant's sums
    near = _rows_in_windows(f, groups, new)
    near = _valid(groups, entity, near)
    is_new = np.isin(near, new)
    ds = dm = 0
    members = []
    for grid in groups:
        g = grid.keys(near)
        holding = np.isin(g, np.unique(g[is_new]))
        gh, eh, nh = g[holding], entity[near[holding]], is_new[holding]
        s1, m1 = _member_sums(gh, eh)
        s0, m0 = _member_sums(gh[~nh], eh[~nh])
        ds, dm = ds + s1 - s0, dm + m1 - m0
        members.append(eh)
    sums = (int(focus.sums[0]) + ds, int(focus.sums[1]) + dm)
    q = _q(sums)
    F = np.unique(np.concatenate(members)).astype(np.int64) if members else np.array([], dtype=np.int64)
    if not len(F):
        return _empty(q, F, sums, days)

    # every group of a focus entity's claims, with all its members
    own = _valid(groups, entity, f.rows_of(focus.kind, F))
    own = own[np.isin(entity[own], F)]  # a masked entity (tours): only the rows it holds
    near = _valid(groups, entity, _rows_in_windows(f, groups, own))
    is_own = np.isin(near, own)
    gs, es, offset = [], [], 0
    for grid in groups:
        g = grid.keys(near)
        inside = np.isin(g, np.unique(g[is_own]))
        gs.append(g[inside] + offset)
        es.append(near[inside])
        offset += int(g.max()) + 1 if len(g) else 0
    g = np.concatenate(gs)
    rows = np.concatenate(es)
    e = entity[rows].astype(np.int64)

    # memberships as projections.memberships makes them: distinct (group, entity), first row kept
    n_e = int(e.max()) + 1
    key = g * n_e + e
    order = np.argsort(key, kind="stable")
    ks = key[order]
    first = order[np.r_[True, ks[1:] != ks[:-1]]]
    g, e, rows = g[first], e[first], rows[first]
    w, p = when0[rows].astype(np.int64), where0[rows].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    size_of = np.repeat(sizes, sizes)
    degree = days["degree"]
    if min_place_degree > 1:
        place_e, place_p = days["place_e"], days["place_p"]
        n_p = max(int(place_p.max()) + 1 if len(place_p) else 1, int(where0.max()) + 1 if len(where0) else 1)
        place_key, place_count = place_e * n_p + place_p, days["place_count"]  # kept sorted by (entity, place)

    def kept(sel: np.ndarray) -> np.ndarray:
        """The filters of cooccurrence for memberships ``sel``."""
        ok = (size_of[sel] >= min_group) & (size_of[sel] <= max_group)
        if min_degree > 1:
            ok &= degree[e[sel]] >= min_degree
        if min_place_degree > 1:
            key = e[sel] * n_p + p[sel]
            at = np.minimum(np.searchsorted(place_key, key), max(len(place_key) - 1, 0))
            ok &= (place_key[at] == key) & (place_count[at] >= min_place_degree) if len(place_key) else False
        return ok

    # the groups where a focus entity's membership passes the filters, and their memberships
    of_focus = np.flatnonzero(np.isin(e, F))
    hit_groups = np.unique(g[of_focus[kept(of_focus)]])
    in_hit = np.flatnonzero(np.isin(g, hit_groups))
    hit = in_hit[kept(in_hit)]
    if not len(hit):
        return _empty(q, F, sums, days)
    from graph.detect.projections import _dense

    out = pair_counts(g[hit], e[hit], _dense(w[hit])[0], _dense(p[hit])[0], size_of[hit])
    out = out[np.isin(out["a"].to_numpy(), F) | np.isin(out["b"].to_numpy(), F)].reset_index(drop=True)
    out["deg_a"] = degree[out["a"].to_numpy()]
    out["deg_b"] = degree[out["b"].to_numpy()]
    out["expected"] = out["deg_a"] * out["deg_b"] * q
    out.attrs.update({"q": q, "focus": F, "sums": sums, "days": days})
    return out

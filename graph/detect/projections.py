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

__all__ = ["cooccurrence", "clusters", "memberships", "expected_shared", "window_keys"]


def window_keys(parts: list[np.ndarray], minute: np.ndarray, width: int, offset: int = 0) -> np.ndarray:
    """One int64 group key per row from categorical ``parts`` and a time window of ``width``
    minutes (shifted by ``offset``); -1 where any part is missing."""
    win = (minute + offset) // width
    frame = pd.DataFrame({f"p{i}": p for i, p in enumerate(parts)})
    frame["w"] = win
    key = frame.groupby(list(frame.columns), sort=True, observed=True).ngroup().to_numpy().astype(np.int64)
    bad = np.zeros(len(minute), dtype=bool)
    for p in parts:
        bad |= p < 0
    key[bad] = -1
    return key


def memberships(groups: list[np.ndarray], entity: np.ndarray, when: list[np.ndarray], where: list[np.ndarray] | None = None):
    """Distinct (group, entity) memberships over several group grids, as a DataFrame with
    columns g (group, globally numbered), e, when, where."""
    frames = []
    offset = 0
    for k, g in enumerate(groups):
        ok = (g >= 0) & (entity >= 0)
        f = pd.DataFrame({"g": g[ok] + offset, "e": entity[ok], "when": when[k][ok]})
        f["where"] = where[k][ok] if where is not None else 0
        frames.append(f)
        offset += int(g.max()) + 1 if len(g) else 0
    m = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["g", "e", "when", "where"])
    return m.drop_duplicates(["g", "e"]).reset_index(drop=True)


def cooccurrence(groups, entity, when, where=None, max_group: int = 50, min_group: int = 2) -> pd.DataFrame:
    """Entity pairs that share groups.

    Returns a DataFrame sorted by (a, b) with a < b: ``days`` (distinct ``when`` values shared),
    ``places`` (distinct ``where`` values), ``tour_days`` (``when`` values on which the pair
    shared two or more ``where`` values), ``weight`` (sum over distinct days of the group's
    1/log2(1+size)), ``deg_a``/``deg_b`` (the entities' distinct ``when`` counts) and ``expected``
    (shared days expected by chance).
    """
    m = memberships(groups, np.asarray(entity), when, where)
    cols = ["a", "b", "days", "places", "tour_days", "weight", "deg_a", "deg_b", "expected"]
    if m.empty:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("weight", "expected") else "int64") for c in cols})
    size = m.groupby("g")["e"].transform("size").to_numpy()
    degree = m.drop_duplicates(["e", "when"]).groupby("e").size()
    keep = (size >= min_group) & (size <= max_group)
    q = _same_group_probability(size)
    m = m[keep].sort_values(["g", "e"], kind="mergesort")
    g = m["g"].to_numpy()
    e = m["e"].to_numpy().astype(np.int64)
    w_when = m["when"].to_numpy()
    w_where = m["where"].to_numpy()
    n = len(g)
    if n == 0:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("weight", "expected") else "int64") for c in cols})
    # position of each membership within its group, and the group's size
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, sizes)
    gsize = np.repeat(sizes, sizes)
    partners = gsize - 1 - rank
    left = np.repeat(np.arange(n), partners)
    step = np.arange(len(left)) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + step
    a, b = e[left], e[right]
    pairs = pd.DataFrame({
        "a": np.minimum(a, b), "b": np.maximum(a, b), "when": w_when[left], "where": w_where[left],
        "w": 1.0 / np.log2(1.0 + gsize[left]),
    })
    by_day = pairs.groupby(["a", "b", "when"], sort=False)["w"].max().reset_index()
    out = by_day.groupby(["a", "b"], sort=True).agg(days=("when", "size"), weight=("w", "sum")).reset_index()
    stops = pairs.drop_duplicates(["a", "b", "when", "where"])
    places = stops.drop_duplicates(["a", "b", "where"]).groupby(["a", "b"], sort=True).size()
    out["places"] = places.to_numpy()
    # days on which the pair was together at two or more places: touring, not just meeting
    per_day = stops.groupby(["a", "b", "when"], sort=False).size()
    multi = (per_day >= 2).groupby(level=[0, 1], sort=True).sum()
    out["tour_days"] = multi.reindex(pd.MultiIndex.from_frame(out[["a", "b"]]), fill_value=0).to_numpy()
    out["deg_a"] = degree.reindex(out["a"]).to_numpy()
    out["deg_b"] = degree.reindex(out["b"]).to_numpy()
    out["expected"] = out["deg_a"] * out["deg_b"] * q
    return out[cols]


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

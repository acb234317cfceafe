"""FRAUDAR (Hooi, Song, Beutel, Shah, Shin, Faloutsos, KDD 2016): camouflage-resistant dense
blocks in the patient × (doctor | institution) bipartite graph.

From the paper: the density of a node set S is g(S) = f(S) / |S| with f(S) the summed weight of
the edges inside S; each edge into object j weighs 1 / log(d_j + c) (column weighting, c = 5),
so links to a popular hospital, which camouflage and ordinary life both create, count little.
Greedy peeling removes, one at a time, the node whose removal loses the least weight (a
priority queue with lazy updates), and the densest intermediate S is the block; the paper's
bound makes it a 2-approximation of the densest subgraph even with camouflage. After a block
is found its edges are removed and the search repeats (``blocks`` times).

The graph is inpatient stays: patient → the doctor who admitted them. There the dense
blocks are a few doctors admitting the same people again and again (collusion, split stays).
On the whole outpatient graph the densest blocks are simply the city's most frequent
visitors (1,500+ people, measured on the synthetic cities), so it is not peeled there.

>>> import numpy as np
>>> users = np.array([0, 0, 1, 1, 2, 2, 3, 4, 5])
>>> objs = np.array([0, 1, 0, 1, 0, 1, 2, 2, 2])
>>> [sorted(u.tolist()) for u, o, g in peel(users, objs, blocks=1)]
[[0, 1, 2]]
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.frame import INPATIENT

__all__ = ["peel", "detect"]


def peel(users: np.ndarray, objs: np.ndarray, blocks: int = 3, c: float = 5.0, min_users: int = 3):
    """Dense blocks as [(user codes, object codes, density)] from distinct (user, object) edges."""
    e = pd.DataFrame({"u": users, "o": objs}).drop_duplicates()
    found = []
    for _ in range(blocks):
        if e.empty:
            break
        uc, ui = np.unique(e.u.to_numpy(), return_inverse=True)
        oc, oi = np.unique(e.o.to_numpy(), return_inverse=True)
        nu, no = len(uc), len(oc)
        deg_o = np.bincount(oi, minlength=no)
        w = 1.0 / np.log(deg_o[oi] + c)
        best = _peel_once(ui, oi + nu, w, nu + no)
        if best is None:
            break
        bu = uc[best[best < nu]]
        bo = oc[best[best >= nu] - nu]
        if len(bu) < min_users or len(bo) == 0:
            break
        density = float(w[np.isin(ui, best[best < nu]) & np.isin(oi, best[best >= nu] - nu)].sum() / len(best))
        found.append((bu, bo, density))
        e = e[~(e.u.isin(bu) & e.o.isin(bo))]
    return found


def _peel_once(a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int) -> np.ndarray | None:
    """Greedy peeling over an undirected weighted edge list; nodes of the densest prefix-complement."""
    if len(a) == 0:
        return None
    src = np.r_[a, b]
    dst = np.r_[b, a]
    ww = np.r_[w, w]
    order = np.argsort(src, kind="mergesort")
    src, dst, ww = src[order], dst[order], ww[order]
    start = np.searchsorted(src, np.arange(n + 1))
    prio = np.bincount(src, weights=ww, minlength=n).astype(float)
    present = np.bincount(src, minlength=n) > 0
    alive = present.copy()
    total = float(w.sum())
    size = int(present.sum())
    best_g, best_k = total / max(size, 1), 0
    heap = [(float(prio[i]), int(i)) for i in np.flatnonzero(present)]
    heapq.heapify(heap)
    removed: list[int] = []
    dst_l, ww_l, start_l = dst.tolist(), ww.tolist(), start.tolist()
    prio_l = prio.tolist()
    alive_l = alive.tolist()
    while heap:
        p, i = heapq.heappop(heap)
        if not alive_l[i] or p != prio_l[i]:
            continue  # stale entry
        alive_l[i] = False
        removed.append(i)
        total -= prio_l[i]
        size -= 1
        for k in range(start_l[i], start_l[i + 1]):
            j = dst_l[k]
            if alive_l[j]:
                prio_l[j] -= ww_l[k]
                heapq.heappush(heap, (prio_l[j], j))
        if size > 0 and total / size > best_g:
            best_g, best_k = total / size, len(removed)
    keep = np.flatnonzero(present)
    gone = np.array(removed[:best_k], dtype=np.int64)
    return np.setdiff1d(keep, gone)


def detect(f, blocks: int = 4, min_users: int = 4, max_users: int = 300) -> list:
    """Dense inpatient patient × doctor blocks as community candidates."""
    if f.n == 0:
        return []
    n_doc = len(f.labels["doctor"])
    obj = np.where(f.doctor >= 0, f.doctor, n_doc + f.institution).astype(np.int64)
    stay = np.flatnonzero((f.visit == INPATIENT) | ((f.visit < 0) & (f.admit_day >= 0)))
    out = []
    for users, objs, density in peel(f.patient[stay].astype(np.int64), obj[stay], blocks=blocks, min_users=min_users):
        if len(users) > max_users:
            continue
        rows = f.rows_of("patient", users)
        rows = rows[np.isin(obj[rows], objs) & np.isin(rows, stay)]
        docs = objs[objs < n_doc]
        insts = objs[objs >= n_doc] - n_doc
        links = len(pd.DataFrame({"u": f.patient[rows], "o": obj[rows]}).drop_duplicates())
        fund = float(f.fund[rows].sum())
        ev = [evidence(f, f"FRAUDAR 稠密块:{len(users)} 名参保人与 {len(docs)} 名医师、{len(insts)} 家机构之间有 {links} 条住院收治关系(加权密度 {density:.2f})",
                       f"FRAUDAR dense block: {len(users)} insured people and {len(docs)} doctors, {len(insts)} institutions joined by {links} admissions (weighted density {density:.2f})",
                       rows, "density"),
              evidence(f, f"统筹基金支付合计 {money(fund)} 元", f"fund paid {money(fund)} yuan in all", rows, "amount")]
        out.append(Candidate.from_rows(f, "community", "fraudar", rows, evidence=ev, strength=0.3,
                                       repeats=int(len(np.unique(f.day[rows])))))
    return out

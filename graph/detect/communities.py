"""Communities: Leiden on the surprise-weighted co-occurrence projection, and connected
components over shared identifiers (phone, address, a card used by several patients).

Neither names a pattern; they catch dense groups the pattern detectors have no rule for, and
they lend their evidence to a named ring when the two overlap (see :mod:`graph.detect.merge`).
Sharing a phone or address is what families do, so a shared-identifier group becomes a
candidate only when it is too big for a household (``min_shared``) or a card is involved.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> pats = pd.DataFrame({"patient_id": [f"P{k}" for k in range(8)],
...                      "phone": ["13800000000"] * 7 + ["13999999999"]})
>>> claims = pd.DataFrame({"claim_id": [f"c{k}" for k in range(8)], "patient_id": [f"P{k}" for k in range(8)],
...                        "institution_id": "H1", "settled_at": pd.Timestamp("2024-01-01"), "total_amount": 10.0})
>>> [c] = shared_identifiers(ClaimFrame(claims, patients=pats))
>>> c.detector, len(c.patients)
('shared_identifiers', 7)
>>> print(c.evidence[0].text_en)
7 insured people registered with the same phone number 13800000000
"""

from __future__ import annotations

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.frame import log10_poisson_sf, log10_poisson_sf_array
from graph.detect.groups import distinct_counts, most_common
from graph.detect.local_pairs import staggered
from graph.detect.memo import memo_for
from graph.detect.projections import PairIndex, cooccurrence

__all__ = ["leiden", "shared_identifiers", "projection", "shared_projection", "PROJECTION_MIN_DAYS"]


def projection(f, window: int = 240, max_group: int = 40, min_days: int = 3, focus_rows: np.ndarray | None = None) -> pd.DataFrame:
    """Patient–patient co-occurrence over (institution, doctor, ``window`` minutes), two grids;
    only people seen at the institution on ``min_days`` days or more can pair there (the
    community detectors look for groups that meet at one place again and again)."""
    doc = np.where(f.doctor >= 0, f.doctor, len(f.labels["doctor"]))  # pharmacies: one counter
    parts = [f.institution, doc.astype(np.int32)]
    groups = staggered(f, parts, window)
    return cooccurrence(groups, f.patient, [f.day, f.day], [f.institution, f.institution], max_group=max_group,
                        min_place_degree=min_days, focus_rows=focus_rows)


PROJECTION_MIN_DAYS = 3  # the pairs both community detectors keep (Leiden, CopyCatch seeds)


def shared_projection(f) -> pd.DataFrame:
    """The projection's pairs that met on ``PROJECTION_MIN_DAYS`` days, counted once per frame
    and shared by :func:`leiden` and :func:`~graph.detect.copycatch.detect`; in a daily
    increment only the pairs new claims touch are recounted (:mod:`graph.detect.memo`)."""
    if "projection" not in f.cache:
        def count(focus_rows=None):
            p = projection(f, focus_rows=focus_rows)
            return p[p.days >= PROJECTION_MIN_DAYS]

        memo = memo_for(f, "communities")
        f.cache["projection"] = memo.pairs("patient", count) if memo else count()
    return f.cache["projection"]


def leiden(f, pairs: pd.DataFrame | None = None, min_days: int = 3, min_size: int = 4, max_size: int = 150,
           resolution: float = 1.0, seed: int = 7) -> list[Candidate]:
    """Leiden communities (RB configuration, fixed seed) among pairs that met on ``min_days`` days;
    each edge weighted by -log10 of the chance of its count.

    The partition is of the whole city's graph (its null model is city-wide), so it is found
    afresh every run; a community whose members are the same as last run's and none of whom
    has a new claim keeps its description, with its chance recomputed."""
    if pairs is None:
        if min_days < PROJECTION_MIN_DAYS:
            raise ValueError(f"leiden over the shared projection needs min_days >= {PROJECTION_MIN_DAYS}")
        pairs = shared_projection(f)
    pairs = pairs[pairs.days >= min_days]
    if pairs.empty:
        return []
    surprise = log10_poisson_sf_array(pairs.days.to_numpy(), pairs.expected.to_numpy())
    keep = surprise >= 2.0
    pairs, surprise = pairs[keep], surprise[keep]
    if pairs.empty:
        return []
    nodes, inv = np.unique(np.r_[pairs.a.to_numpy(), pairs.b.to_numpy()], return_inverse=True)
    k = len(pairs)
    g = ig.Graph(n=len(nodes), edges=np.c_[inv[:k], inv[k:]].tolist())
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition, weights=surprise.tolist(),
                                    resolution_parameter=resolution, seed=seed)
    memo = memo_for(f, "communities")
    out = []
    index = PairIndex(pairs)  # each community's own pairs without scanning all of them
    for comm in part:
        if not (min_size <= len(comm) <= max_size):
            continue
        members = nodes[np.asarray(comm)]
        inside = index.within(members)
        sync = log10_poisson_sf(float(inside.days.sum()), float(inside.expected.sum()))
        kept = memo.get("patient", members, space="leiden") if memo else None
        if kept is not None:
            found = [memo.decode(d) for d in kept]
            for c in found:
                c.synchrony = sync
        else:
            found = _community(f, members, sync)
        if memo:
            memo.put("patient", members, [memo.encode(c) for c in found], described=kept is None, space="leiden")
        out += found
    return out


def _community(f, members: np.ndarray, sync: float) -> list[Candidate]:
    meet = _meetings(f, members)
    if len(meet) == 0:
        return []
    days = int(len(np.unique(f.day[meet])))
    fund = float(f.fund[meet].sum())
    ev = [evidence(f, f"{len(members)} 名参保人在 {days} 天里反复同时就诊(同一机构、同一医师、同一时段),远超随机",
                   f"{len(members)} insured people repeatedly seen together (same institution, doctor and hours) on {days} days, far beyond chance",
                   meet, "synchrony"),
          evidence(f, f"统筹基金支付合计 {money(fund)} 元", f"fund paid {money(fund)} yuan in all", meet, "amount")]
    return [Candidate.from_rows(f, "community", "leiden", meet, evidence=ev, strength=0.3, synchrony=sync, repeats=days)]


def _meetings(f, members: np.ndarray, window: int = 240) -> np.ndarray:
    """Rows where at least two members were at one institution within ``window`` minutes.

    >>> import pandas as pd
    >>> from graph.detect.frame import ClaimFrame
    >>> c = pd.DataFrame({"claim_id": list("abcd"), "patient_id": ["P1", "P2", "P1", "P3"], "institution_id": ["H1", "H1", "H1", "H2"],
    ...                   "settled_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 10:00", "2024-01-02 09:00", "2024-01-01 09:00"]),
    ...                   "total_amount": 1.0})
    >>> f = ClaimFrame(c)
    >>> sorted(f.claim_ids(_meetings(f, np.arange(3))))
    ['a', 'b']
    """
    rows = f.rows_of("patient", members)
    if len(rows) == 0:
        return rows
    # one int64 key per (institution, window) and a sort, not a pandas groupby-transform per
    # community (a daily increment describes thousands of them: 1.0 s at 5M claims)
    i, w = f.institution[rows].astype(np.int64), f.minute[rows].astype(np.int64) // window
    i0, w0 = int(i.min()), int(w.min())
    key = (i - i0) * (int(w.max()) - w0 + 1) + (w - w0)
    keys, people = distinct_counts(key, f.patient[rows])
    return rows[people[np.searchsorted(keys, key)] >= 2]


def _distinct(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int64 array.

    >>> _distinct(np.array([5, 1, 5, 3])).tolist()
    [1, 3, 5]
    """
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected component of each of ``n`` nodes joined by edges (a, b), numbered in the order
    of each component's smallest node (the numbering igraph's ``connected_components`` gives).

    scipy's sparse graph does this without a Python object per edge: building an igraph
    ``Graph`` from a city's phone, address and card links took 1.2 s of a 1M-claim increment.

    >>> _components(6, np.array([4, 0]), np.array([5, 2])).tolist()
    [0, 1, 0, 2, 3, 3]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g = coo_matrix((np.ones(len(a), dtype=np.int8), (np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))),
                   shape=(n, n))
    k, label = connected_components(g, directed=False)
    # renumbered by smallest node, so the order does not rest on scipy's labelling
    first = np.full(k, n, dtype=np.int64)
    np.minimum.at(first, label, np.arange(n, dtype=np.int64))
    rank = np.empty(k, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(k)
    return rank[label]


def shared_identifiers(f, min_shared: int = 6) -> list[Candidate]:
    """Weakly connected components of patients linked by a shared phone, address or card."""
    m = len(f.p_phone)
    if m == 0:
        return []
    # card shared: patients whose claims used the same card; distinct (patient, card) by one
    # integer key (a pandas drop_duplicates and groupby over every claim cost twice as much)
    n_card = int(f.card.max(initial=-1)) + 2
    pair = _distinct((f.patient.astype(np.int64) + 1) * n_card + (f.card.astype(np.int64) + 1))
    pc_p, pc_c = pair // n_card - 1, pair % n_card - 1
    pc_many = np.bincount(pc_c + 1, minlength=n_card)[pc_c + 1] > 1
    pc_p, pc_c = pc_p[pc_many], pc_c[pc_many]
    # links as arrays: patient, node and kind, the kind coded by its name's rank (address 0,
    # card 1, phone 2) so that an integer key sorts as the (kind name, id) pairs do
    ADDRESS, CARD, PHONE = 0, 1, 2
    lp, lnode, lkind = [], [], []
    for kind, codes in ((PHONE, f.p_phone), (ADDRESS, f.p_address)):
        ok = np.flatnonzero(codes >= 0)
        lp.append(ok.astype(np.int64))
        lnode.append(codes[ok].astype(np.int64))
        lkind.append(np.full(len(ok), kind, dtype=np.int64))
    lp.append(pc_p)
    lnode.append(pc_c)
    lkind.append(np.full(len(pc_p), CARD, dtype=np.int64))
    lp, lnode, lkind = np.concatenate(lp), np.concatenate(lnode), np.concatenate(lkind)
    if len(lp) == 0:
        return []
    key = np.unique(lkind * (int(lnode.max()) + 1) + lnode, return_inverse=True)[1].astype(np.int64) + m
    comp = _components(m + int(key.max()) + 1, lp, key)
    people_per = np.bincount(comp[:m], minlength=comp.max() + 1)
    with_card = np.zeros(len(people_per), dtype=bool)
    with_card[comp[lp[lkind == CARD]]] = True
    # only groups too big for a household, or joined through a card, are worth a look
    chosen = np.flatnonzero((people_per >= 2) & ((people_per >= min_shared) | with_card))
    # each component's people and links as slices of one stable sort by component (looking
    # them up with a scan per component grows with the square of the city)
    people_order = np.argsort(comp[:m], kind="stable")
    people_start = np.searchsorted(comp[:m][people_order], np.arange(len(people_per) + 1))
    lcomp = comp[lp]
    by = np.argsort(lcomp, kind="stable")
    lp, lnode, lkind = lp[by], lnode[by], lkind[by]
    link_start = np.searchsorted(lcomp[by], np.arange(len(people_per) + 1))
    out = []
    for c in chosen:
        people = people_order[people_start[c]:people_start[c + 1]]
        lo, hi = link_start[c], link_start[c + 1]
        mp, mnode, mkind = lp[lo:hi], lnode[lo:hi], lkind[lo:hi]
        card_nodes = mnode[mkind == CARD]
        rows = f.rows_of("patient", people)
        ev = []
        for kind, zh, en in ((PHONE, "联系电话", "phone number"), (ADDRESS, "住址", "address")):
            sel = mkind == kind
            if not sel.any():
                continue
            part_node, part_p = mnode[sel], mp[sel]
            node, n = most_common(part_node)
            if n < 2:
                continue
            label = f.p_phone_label[node] if kind == PHONE else f.p_address_label[node]
            who = part_p[part_node == node]
            ev.append(evidence(f, f"{n} 名参保人登记了同一{zh} {label}", f"{n} insured people registered with the same {en} {label}",
                               rows[np.isin(f.patient[rows], who)], "identity"))
        if len(card_nodes):
            cards = np.unique(card_nodes)
            r = rows[np.isin(f.card[rows], cards)]
            ev.append(evidence(f, f"{len(cards)} 张医保卡被多名参保人使用", f"{len(cards)} cards used under several insured people's ids", r, "identity"))
        strength = 0.35 + 0.25 * bool(len(card_nodes))
        out.append(Candidate.from_rows(f, "community", "shared_identifiers", rows, patients=people, evidence=ev,
                                       strength=strength, synchrony=0.0, repeats=int(len(np.unique(f.day[rows])))))
    return out

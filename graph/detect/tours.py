"""Tours: a set of people (or cards) who turn up together at several institutions.

Shared by :mod:`graph.detect.drug_reselling` (chronic patients touring pharmacies behind a
broker) and :mod:`graph.detect.impersonation` (a broker moving borrowed cards). Pairs are
counted over (institution, ``window``-minute) groups on two staggered grids; a pair must share
``min_places`` different institutions, which a family or a nursing home that always goes to
the same clinic does not, and (``min_tour_days``) be seen at two or more of them on one day:
neighbours who happen to use the same few local pharmacies meet at one at a time.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> rows = [(f"t{d}{k}", f"P{k}", f"Y{d}", f"2024-05-0{1 + d // 2} {9 + d % 2:02d}:1{k}", 300.0)
...         for d in range(4) for k in range(4)]   # 4 people, 4 pharmacies, 2 days
>>> rows += [("x1", "Q1", "Y0", "2024-05-01 09:12", 20.0), ("x2", "Q2", "Y9", "2024-05-03 12:00", 20.0)]
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "settled_at", "total_amount"])
>>> claims["settled_at"] = pd.to_datetime(claims["settled_at"])
>>> [t] = tours(ClaimFrame(claims), entity="patient")
>>> len(t.members), len(t.rows), t.places, t.days
(4, 16, 4, 2)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.detect.frame import log10_poisson_sf
from graph.detect.local_pairs import staggered
from graph.detect.memo import memo_for
from graph.detect.projections import PairIndex, clusters, cooccurrence

__all__ = ["Tour", "tours"]


@dataclass
class Tour:
    members: np.ndarray  # entity codes
    rows: np.ndarray  # claims at the shared stops
    stops: pd.DataFrame  # one row per (institution, day) stop: members, first, last
    places: int
    days: int
    synchrony: float


def tours(f, entity: str = "patient", rows_mask: np.ndarray | None = None, window: int = 120,
          min_places: int = 3, min_size: int = 3, max_group: int = 60, min_days: int = 1,
          min_tour_days: int = 0, memo: str | None = None) -> list[Tour]:
    """Groups of ``entity`` codes that visit ``min_places`` or more institutions together.

    ``memo`` names the detector's :class:`~graph.detect.memo.Memo` (daily increments), if the
    run handed one over."""
    if f.n == 0:
        return []
    ent = getattr(f, entity).copy()
    if rows_mask is not None:
        ent = np.where(rows_mask, ent, -1)
    groups = staggered(f, [f.institution], window)

    def count(focus_rows=None):
        pairs = cooccurrence(groups, ent, [f.day, f.day], [f.institution, f.institution], max_group=max_group,
                             focus_rows=focus_rows)
        return pairs[(pairs.places >= min_places) & (pairs.days >= min_days) & (pairs.tour_days >= min_tour_days)]

    m = memo_for(f, memo) if memo else None
    pairs = m.pairs(entity, count) if m else count()
    out = []
    index = PairIndex(pairs)
    for top in clusters(pairs, min_size=min_size, max_size=150, weight="weight"):
        top = np.asarray(top)
        kept = digest = None
        if m:
            # a cluster without a tour is cut by its pairs' weights: changed weights, new cut
            digest = m.inside_digest(entity, top)
            kept = m.get(entity, top, check=lambda item: item["pairs"] == digest)
        if kept is not None:
            found = [_decode(f, entity, d, m) for d in kept["tours"]]
        else:
            found = _tours_of(f, entity, ent, index, top, window, min_places, min_size)
        if m:
            m.put(entity, top, {"pairs": digest, "tours": [_encode(f, entity, t) for t in found]}, described=kept is None)
        out += found
    return out


def _tours_of(f, entity, ent, pairs, top, window, min_places, min_size) -> list[Tour]:
    """The tours in one cluster of the pair graph (``pairs``: a PairIndex of it)."""
    out = []
    todo = [top]
    while todo:
        members = todo.pop(0)
        tour = _tour(f, entity, ent, pairs, members, window, min_places)
        if tour is not None:
            out.append(tour)
            continue
        # no stop gathers enough of the group: a few chance pairs may have chained a tight
        # group to unrelated ones, so the component is split by Leiden and each part tried
        inside = pairs.within(members)
        parts = [np.asarray(m) for m in clusters(inside, min_size=min_size, max_size=len(members) - 1, weight="weight")]
        if len(parts) > 1 or (parts and len(parts[0]) < len(members)):
            todo = parts + todo
    return out


def _encode(f, entity: str, t: Tour) -> dict:
    st = t.stops.reset_index()
    rows = np.unique(t.rows)
    return {"members": f.ids(entity, t.members), "rows": f.claim_ids(rows), "t": f.minute[rows].tolist(),
            "places": t.places, "days": t.days,
            "stops": {"i": [str(x) for x in f.labels["institution"][st.i.to_numpy()]],
                      **{c: st[c].astype(int).tolist() for c in ("day", "members", "first", "last")}}}


def _decode(f, entity: str, d: dict, m) -> Tour:
    """A kept tour on this frame; its chance is recomputed (it is city-wide)."""
    members = m.codes(entity, d["members"])
    rows = m.rows(d["rows"], d["t"])
    s = d["stops"]
    inst = m.positions("institution", s["i"])
    stops = pd.DataFrame({"i": inst, "day": np.asarray(s["day"], dtype=np.int64), "members": np.asarray(s["members"], dtype=np.int64),
                          "first": np.asarray(s["first"], dtype=np.int64), "last": np.asarray(s["last"], dtype=np.int64)})
    stops = stops.set_index(["i", "day"])
    return Tour(members, rows, stops, int(d["places"]), int(d["days"]), m.inside_sync(entity, members))


def _tour(f, entity, ent, pairs, members, window, min_places) -> Tour | None:
    """The tour of one group, or None when its stops do not gather enough of it."""
    rows = f.rows_of(entity, members)
    rows = rows[ent[rows] >= 0]  # rows outside the mask were set to -1
    d = pd.DataFrame({"row": rows, "i": f.institution[rows], "day": f.day[rows], "t": f.minute[rows], "e": ent[rows]})
    stops = d.groupby(["i", "day"], sort=True).agg(members=("e", "nunique"), first=("t", "min"), last=("t", "max"))
    need = max(2, int(np.ceil(0.3 * len(members))))
    stops = stops[(stops.members >= need) & (stops["last"] - stops["first"] <= window * 2)]
    if stops.empty:
        return None
    key = pd.MultiIndex.from_frame(d[["i", "day"]])
    trows = d.row.to_numpy()[key.isin(stops.index)]
    places = int(stops.index.get_level_values(0).nunique())
    if places < min_places:
        return None
    inside = pairs.within(members)
    sync = log10_poisson_sf(float(inside.days.sum()), float(inside.expected.sum()))
    return Tour(members, trows, stops, places, int(stops.index.get_level_values(1).nunique()), sync)

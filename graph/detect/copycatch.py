"""CopyCatch (Beutel, Xu, Guruswami, Palow, Faloutsos, WWW 2013): lockstep behaviour.

The paper looks for a set of users U and pages P with a centre time c_p per page such that every
user in U acted on at least ρ·|P| of the pages within Δt of their centres. It climbs to a local
optimum from seeds, alternating between (1) centre times given the users and (2) users given
the centres. Here a *page* is an (institution, day): a place on a date, so acting in lockstep
means settling at the same places on the same dates at about the same hour, again and again.
Seeds are groups of patients that met at one institution on several days (the co-occurrence
projection of :mod:`graph.detect.communities`); the climb adds people the seed missed and drops
those who were not really in step.

>>> import numpy as np, pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> rows = [(f"s{d}{k}", f"P{k}", f"Y{d % 3}", f"2024-04-{d + 1:02d} {10 + k % 2}:{5 * k:02d}") for d in range(6) for k in range(5)]
>>> rows += [(f"o{d}", "Q", "Y0", f"2024-04-{d + 1:02d} 18:00") for d in range(6)]     # same place, other hours
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "settled_at"])
>>> claims["settled_at"] = pd.to_datetime(claims["settled_at"]); claims["total_amount"] = 60.0
>>> f = ClaimFrame(claims)
>>> users, pages = climb(f, np.array([0, 1, 2]))
>>> f.ids("patient", users), len(pages)
(['P0', 'P1', 'P2', 'P3', 'P4'], 6)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.groups import distinct_counts
from graph.detect.memo import memo_for

__all__ = ["climb", "detect"]


def climb(f, seed: np.ndarray, delta: int = 120, rho: float = 0.5, min_page: int = 3, iters: int = 10):
    """Local search from ``seed`` patient codes: (users, pages DataFrame[key, i, day, centre])."""
    users, keys, centres = _climb(f, seed, delta, rho, min_page, iters)
    out = pd.DataFrame({"k": keys, "centre": centres})
    span = f.place_day_span()
    out["i"], out["day"] = out.k // span, out.k % span
    return users, out


def _climb(f, seed: np.ndarray, delta: int = 120, rho: float = 0.5, min_page: int = 3, iters: int = 10):
    """:func:`climb` as arrays: (users, sorted page keys, their centre minutes). A daily increment
    climbs thousands of seeds again; a DataFrame per climb was a tenth of it."""
    users = np.unique(seed)
    key = f.place_day()
    rows = f.rows_of("patient", users)
    need = max(min_page, int(np.ceil(0.3 * len(users))))
    keys, centres = _pages(key[rows], f.minute[rows], f.patient[rows], need)
    for _ in range(iters):
        if len(keys) == 0:
            break
        # (1) users given centres: everyone acting on these pages within delta of the centre
        on = f.rows_at(keys)
        k, t, u = key[on], f.minute[on], f.patient[on]
        near = np.abs(t - centres[np.searchsorted(keys, k)]) <= delta
        k, t, u = k[near], t[near], u[near]
        who, pages_each = distinct_counts(u, k)
        new_users = who[pages_each >= rho * len(keys)]
        # (2) centres given users, and the pages enough of them kept to
        mine = np.isin(u, new_users)
        new_keys, new_centres = _pages(k[mine], t[mine], u[mine], max(min_page, int(np.ceil(0.3 * max(len(new_users), 1)))))
        if np.array_equal(new_users, users) and np.array_equal(new_keys, keys):
            break
        users, keys, centres = new_users, new_keys, new_centres
    return users, keys, centres


def _pages(k: np.ndarray, t: np.ndarray, u: np.ndarray, need: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted page keys with at least ``need`` distinct users, each page's median minute): what
    ``groupby(k).agg(nunique(u), median(t))`` gives, without pandas' per-call overhead (this runs
    twice per climb step, for every seed; :mod:`.groups`). The median of an even count is the mean of the two
    middle minutes, as pandas and numpy take it.

    >>> _pages(np.array([7, 7, 7, 3, 3]), np.array([10, 30, 20, 5, 6]), np.array([1, 2, 2, 1, 1]), 2)
    (array([7]), array([20.]))
    """
    if len(k) == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=np.float64)
    o = np.lexsort((t, k))
    ks, ts = k[o], t[o].astype(np.float64)
    start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    count = np.diff(np.r_[start, len(ks)])
    centre = (ts[start + (count - 1) // 2] + ts[start + count // 2]) / 2
    keys, users = distinct_counts(k, u)  # the same sorted keys as ks[start]
    keep = users >= need
    return keys[keep].astype(np.int64), centre[keep]


def detect(f, min_days: int = 3, min_size: int = 4, max_size: int = 150, delta: int = 120) -> list:
    """Lockstep groups grown from co-occurrence seeds, as community candidates.

    A seed's climb reads the seed's claims and every claim at the places and dates they were
    settled, so in a daily increment (:mod:`graph.detect.memo`) a seed is climbed again only
    when one of its people has a new claim or a new claim was settled at one of those
    institution-days."""
    from graph.detect.communities import PROJECTION_MIN_DAYS, projection, shared_projection
    from graph.detect.projections import clusters

    if f.n == 0:
        return []
    if min_days >= PROJECTION_MIN_DAYS:
        pairs = shared_projection(f)
    else:
        pairs = f.cache.get("projection_all")
        if pairs is None:
            pairs = f.cache["projection_all"] = projection(f)
    seeds = clusters(pairs[pairs.days >= min_days], min_size=min_size, max_size=max_size, weight="weight")
    memo = memo_for(f, "communities")
    new_place = None  # per place-day key: was a new claim settled there (a lookup, not an isin per seed)
    if memo and memo.new_rows is not None:
        key = f.place_day()
        k0 = int(key.min()) if len(key) else 0  # a claim without an institution has a negative key
        new_place = np.zeros(int(key.max()) - k0 + 1 if len(key) else 1, dtype=bool)
        new_place[key[memo.new_rows] - k0] = True
    out = []
    for seed in seeds:
        seed = np.asarray(seed)
        kept = None
        if memo:
            touched = new_place is not None and bool(new_place[f.place_day()[f.rows_of("patient", seed)] - k0].any())
            kept = memo.get("patient", seed, extra=touched, space="copycatch")
        if kept is not None:
            found = [memo.decode(d) for d in kept]
        else:
            found = _lockstep(f, seed, min_days, min_size, max_size, delta)
        if memo:
            memo.put("patient", seed, [memo.encode(c) for c in found], described=kept is None, space="copycatch")
        out += found
    return out


def _lockstep(f, seed, min_days, min_size, max_size, delta) -> list:
    users, keys, centres = _climb(f, seed, delta=delta)
    if len(users) < min_size or len(users) > max_size or len(keys) < min_days:
        return []
    on = f.rows_at(keys)
    on = on[np.isin(f.patient[on], users)]
    centre = centres[np.searchsorted(keys, f.place_day()[on])]  # every row of ``on`` is at one of the pages
    rows = on[np.abs(f.minute[on] - centre) <= delta]
    span = f.place_day_span()
    days = len(np.unique(keys % span))
    places = len(np.unique(keys // span))
    fund = float(f.fund[rows].sum())
    ev = [evidence(f, f"步调一致(CopyCatch):{len(users)} 人在 {len(keys)} 个机构-日期中至少一半同时出现(±{delta // 60} 小时),涉及 {places} 家机构、{days} 天",
                   f"lockstep (CopyCatch): {len(users)} people each present at ≥ half of {len(keys)} institution-days within ±{delta // 60} h of the group, {places} institutions, {days} days",
                   rows, "synchrony"),
          evidence(f, f"统筹基金支付合计 {money(fund)} 元", f"fund paid {money(fund)} yuan in all", rows, "amount")]
    return [Candidate.from_rows(f, "community", "copycatch", rows, evidence=ev, strength=0.3, repeats=days)]

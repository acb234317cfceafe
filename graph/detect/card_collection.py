"""集中收卡、串刷套刷: many people's cards swiped in bursts by one operator at one institution.

Cards that keep turning up in the same (institution, operator, ``window``-minute) window on
``min_days`` different days are clustered. In each cluster, every counter (institution,
operator) is examined: a *burst* is a chain of the cluster's cards swiped there with no pause
longer than 30 minutes, at least ``min_burst`` cards, within ``max_span`` minutes; the *core*
is the cards found in bursts on two or more days (regulars linked in by chance drop out); a
ring needs ``min_cards`` core cards in bursts on ``min_days`` days. A customer base does not
arrive at the counter together evening after evening; a drawer of collected cards does.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> rows = []
>>> for d in range(4):                      # 6 cards swiped minutes apart, 4 evenings
...     for k in range(6):
...         rows.append((f"b{d}{k}", f"P{k}", "Y1", "OP9", f"2024-03-0{d+1} 21:{10+2*k}", 98.0))
>>> for d in range(4):                      # ordinary customers, one visit each
...     rows.append((f"n{d}", f"Q{d}", "Y1", "OP9", f"2024-03-0{d+1} 10:00", 40.0))
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "operator_id", "settled_at", "total_amount"])
>>> claims["settled_at"] = pd.to_datetime(claims["settled_at"])
>>> [c] = detect(ClaimFrame(claims))
>>> c.pattern, len(c.cards), c.repeats, len(c.rows)
('card_collection', 6, 4, 24)
>>> print(c.evidence[0].text_en)
6 cards swiped by operator OP9 at Y1 on 4 days, each time within 10 minutes (2024-03-01 to 2024-03-04)
"""

from __future__ import annotations

import numpy as np

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.frame import log10_poisson_sf
from graph.detect.groups import distinct_counts, group_sums
from graph.detect.local_pairs import staggered
from graph.detect.memo import memo_for
from graph.detect.projections import PairIndex, clusters, cooccurrence

__all__ = ["detect"]

AFTER_HOURS = (7 * 60, 19 * 60)  # before 07:00 or from 19:00


def detect(f, min_days: int = 3, min_cards: int = 6, window: int = 60, max_span: int = 240, min_burst: int = 3) -> list[Candidate]:
    """Candidate card-collection rings (see the module docstring)."""
    if f.n == 0:
        return []
    op = f.operator if (f.operator >= 0).any() else np.zeros(f.n, dtype=np.int32)
    parts = [f.institution, op]
    groups = staggered(f, parts, window)

    def count(focus_rows=None):
        pairs = cooccurrence(groups, f.card, [f.day, f.day], [f.institution, f.institution], max_group=60,
                             focus_rows=focus_rows)
        return pairs[pairs.days >= min_days]

    # a daily increment (graph.detect.memo) recounts only the pairs and clusters new claims touch
    memo = memo_for(f, "card_bursts")
    pairs = memo.pairs("card", count) if memo else count()
    out = []
    index = PairIndex(pairs)
    for members in clusters(pairs, min_size=min_cards, max_size=300, weight="weight"):
        members = np.asarray(members)
        kept = memo.get("card", members) if memo else None
        if kept is not None:
            found = [_refresh(memo, memo.decode(d)) for d in kept]
        else:
            found = _bursts(f, members, op, index, max_span, min_burst, min_days, min_cards)
        if memo:
            memo.put("card", members, [memo.encode(c) for c in found], described=kept is None)
        out += found
    return out


def _refresh(memo, c: Candidate) -> Candidate:
    # the chance of the cards' pairs is city-wide: it moves with every day's claims
    c.synchrony = memo.inside_sync("card", c.cards)
    return c


def _where(d: dict, keep: np.ndarray) -> dict:
    """The rows of a column dict (``_chains``, ``_chain_stats``) where ``keep`` holds."""
    return {k: v[keep] for k, v in d.items()}


def _chains(f, rows, op, gap) -> dict:
    """Split rows (sorted by counter and time) into chains: same institution and operator, no
    pause longer than ``gap`` minutes. Returns columns (row, i, o, t, card, chain, day), one
    entry per claim: numpy arrays, not a DataFrame (built per cluster and per counter, pandas'
    construction and filtering were most of card bursts' describing)."""
    rows = np.asarray(rows)
    i, o, t = f.institution[rows], op[rows], f.minute[rows]
    order = np.lexsort((rows, t, o, i))  # by counter, time, row (rows are distinct: a total order)
    rows, i, o, t = rows[order], i[order], o[order], t[order]
    new = np.r_[True, (i[1:] != i[:-1]) | (o[1:] != o[:-1]) | (t[1:] - t[:-1] > gap)] if len(rows) else np.zeros(0, bool)
    return {"row": rows, "i": i, "o": o, "t": t, "card": f.card[rows], "chain": np.cumsum(new), "day": f.day[rows]}


def _chain_stats(d: dict) -> dict:
    """Per chain (``chain``, ascending): its counter (i, o), first day, distinct cards, first
    and last minute. A chain is a run of ``d`` (sorted by counter and time), so these are read
    off the run bounds instead of a groupby per cluster."""
    chain = d["chain"]
    if len(chain) == 0:
        return {"chain": chain, "i": d["i"], "o": d["o"], "day": d["day"], "cards": np.zeros(0, dtype=np.int64),
                "first": d["t"], "last": d["t"]}
    start = np.flatnonzero(np.r_[True, chain[1:] != chain[:-1]])
    end = np.r_[start[1:], len(chain)] - 1
    by = np.lexsort((d["card"], chain))
    cc, ck = chain[by], d["card"][by]
    distinct = np.r_[True, (cc[1:] != cc[:-1]) | (ck[1:] != ck[:-1])]
    t = d["t"]
    return {"chain": chain[start], "i": d["i"][start], "o": d["o"][start], "day": d["day"][start],
            "cards": np.bincount(np.cumsum(np.r_[True, cc[1:] != cc[:-1]]) - 1, weights=distinct).astype(np.int64),
            "first": t[start], "last": t[end]}


def _bursts(f, cards, op, pairs, max_span, min_burst, min_days, min_cards, gap: int = 30):
    # bursts: chains of the cluster's cards at one counter with no pause over ``gap`` minutes
    # (a customer who came in the morning of a burst day is not part of the evening's burst)
    d = _chains(f, f.rows_of("card", cards), op, gap)
    stats = _chain_stats(d)
    stats = _where(stats, (stats["cards"] >= min_burst) & (stats["last"] - stats["first"] <= max_span))
    if not len(stats["chain"]):
        return []
    # every counter (institution, operator) with bursts on enough days is examined on its own:
    # one cluster of cards can hold two schemes, or a scheme and a nursing home's round
    # counters (one int64 key for (i, o), ordered as (i, o) are) with bursts on min_days days,
    # most cards first; ties in (i, o) order (a stable sort, as pandas' mergesort descending)
    o = stats["o"].astype(np.int64)
    width = int(o.max()) + 2  # operator codes are >= -1
    counter = stats["i"].astype(np.int64) * width + (o + 1)
    keys, days = distinct_counts(counter, stats["day"])
    _, cards = group_sums(counter, stats["cards"])
    keys, cards = keys[days >= min_days], cards[days >= min_days]
    out = []
    for key in keys[np.lexsort((keys, -cards))]:
        inst, oper = int(key // width), int(key % width) - 1
        c = _counter(f, d, stats, inst, oper, op, pairs, max_span, min_burst, min_days, min_cards, gap)
        if c is not None:
            out.append(c)
    return out


def _counter(f, d, stats, inst, oper, op, pairs, max_span, min_burst, min_days, min_cards, gap):
    at = stats["chain"][(stats["i"] == inst) & (stats["o"] == oper)]
    # the core: cards swiped in bursts there on at least two days; regulars linked in by chance drop out
    mine = np.isin(d["chain"], at)
    cards, days = distinct_counts(d["card"][mine], d["day"][mine])
    core = cards[days >= 2]
    if len(core) < min_cards:
        return None
    d = _chains(f, f.rows_of("card", core), op, gap)
    d = _where(d, (d["i"] == inst) & (d["o"] == oper))
    stats = _chain_stats(d)
    need = max(min_burst, int(np.ceil(0.3 * len(core))))
    b = _where(stats, (stats["cards"] >= need) & (stats["last"] - stats["first"] <= max_span))
    n_days = len(np.unique(b["day"]))
    if n_days < min_days:
        return None
    brows = np.sort(d["row"][np.isin(d["chain"], b["chain"])])
    used = np.unique(f.card[brows])
    if len(used) < 3:
        return None
    minute_of_day = f.minute[brows] % 1440
    after = (minute_of_day < AFTER_HOURS[0]) | (minute_of_day >= AFTER_HOURS[1])
    amounts = f.fund[brows]
    cv = float(np.std(amounts) / np.mean(amounts)) if np.mean(amounts) > 0 else 1.0
    span = int((b["last"] - b["first"]).max())
    first, last = f.date(b["day"].min()), f.date(b["day"].max())
    op_label = f.labels["operator"][oper] if op is f.operator else "?"  # op: zeros when no claim names one
    inst_label = f.labels["institution"][inst]
    ev = [evidence(
        f,
        f"{len(used)} 张医保卡由操作员 {op_label} 在 {inst_label} 集中刷卡,共 {n_days} 天,每次在 {span} 分钟内完成({first} 至 {last})",
        f"{len(used)} cards swiped by operator {op_label} at {inst_label} on {n_days} days, each time within {span} minutes ({first} to {last})",
        brows, "burst")]
    if after.mean() >= 0.5:
        ev.append(evidence(f, f"{int(after.sum())} 笔结算发生在非营业时间(19:00 后或 7:00 前)",
                           f"{int(after.sum())} settlements after hours (after 19:00 or before 07:00)", brows[after], "timing"))
    if cv <= 0.15:
        ev.append(evidence(f, f"金额高度一致:平均 {money(float(np.mean(amounts)))} 元,变异系数 {cv:.2f}",
                           f"near-identical amounts: mean {money(float(np.mean(amounts)))} yuan, coefficient of variation {cv:.2f}",
                           brows, "amount"))
    ev.append(evidence(f, f"统筹基金支付合计 {money(float(amounts.sum()))} 元", f"fund paid {money(float(amounts.sum()))} yuan in all",
                       brows, "amount"))
    inside = pairs.within(used)  # a PairIndex
    sync = log10_poisson_sf(float(inside.days.sum()), float(inside.expected.sum()))
    strength = min(1.0, 0.5 + 0.2 * (after.mean() >= 0.5) + 0.2 * (cv <= 0.15) + 0.1 * min(1.0, n_days / 6))
    roles = {f"operator:{op_label}": "organiser", f"institution:{inst_label}": "organiser"}
    roles.update({f"card:{c}": "instrument" for c in f.labels["card"][used]})
    return Candidate.from_rows(f, "card_collection", "card_bursts", brows, evidence=ev, strength=strength,
                               synchrony=sync, repeats=n_days, roles=roles)

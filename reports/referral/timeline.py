"""The ring's timeline: its claims by day (or by month over long spans) and the case's history.

>>> import pandas as pd
>>> claims = pd.DataFrame({"settled_at": pd.to_datetime(["2024-03-01 18:05", "2024-03-01 19:40",
...     "2024-03-09 09:00"]), "patient_id": ["p1", "p2", "p1"], "institution_id": ["H1"] * 3,
...     "fund_fen": [1000, 2000, 50]})
>>> [(r.period, r.claims, r.patients, r.fund_fen, r.span) for r in claim_timeline(claims)]
[('2024-03-01', 2, 2, 3000, '18:05–19:40'), ('2024-03-09', 1, 1, 50, '09:00–09:00')]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["TimelineRow", "claim_timeline", "MAX_DAY_ROWS"]

# More distinct days than this and the timeline is given by month, to stay a page or two.
MAX_DAY_ROWS = 40


@dataclass
class TimelineRow:
    period: str  # YYYY-MM-DD or YYYY-MM
    claims: int
    patients: int
    fund_fen: int
    span: str  # first–last time of day (by day) or first–last date (by month)
    institutions: str  # the institutions involved, ids, up to three


def claim_timeline(claims: pd.DataFrame, max_day_rows: int = MAX_DAY_ROWS) -> list[TimelineRow]:
    """Rows in time order; by day while there are at most ``max_day_rows`` days."""
    when = pd.to_datetime(claims["settled_at"], errors="coerce")
    df = claims.assign(_when=when).dropna(subset=["_when"])
    if df.empty:
        return []
    by_day = df["_when"].dt.strftime("%Y-%m-%d")
    daily = by_day.nunique() <= max_day_rows
    key = by_day if daily else df["_when"].dt.strftime("%Y-%m")
    rows = []
    for period, g in df.groupby(key, sort=True):
        lo, hi = g["_when"].min(), g["_when"].max()
        span = f"{lo:%H:%M}–{hi:%H:%M}" if daily else f"{lo:%m-%d}–{hi:%m-%d}"
        # the busiest institutions of the period first
        inst = list(g["institution_id"].dropna().astype(str).value_counts().index) if "institution_id" in g else []
        shown = "、".join(inst[:3]) + (f" 等{len(inst)}家" if len(inst) > 3 else "")
        rows.append(TimelineRow(str(period), len(g), int(g["patient_id"].nunique()),
                                int(g["fund_fen"].sum()), span, shown))
    return rows

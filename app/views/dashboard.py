"""The leaders' dashboard from ``reports.brief.data.summary`` (no personal data).

The summary keeps money in integer fen (``*_fen``); the dashboard shows yuan. Known sections
(totals, by_status, by_pattern, by_district, top_institutions, top_doctors, referrals, trend)
get named headlines, charts and tables; a key the REPORTS module adds later still appears,
as a plain table, through :func:`extra_sections`.

>>> s = {"totals": {"rings": 3, "claims": 40, "fund_at_stake_fen": 123456},
...      "by_pattern": [{"pattern": "card_collection", "label_zh": "集中收卡", "rings": 2, "fund_fen": 100000}]}
>>> headline(s["totals"], "en")[:2]
[('Rings', '3'), ('Claims in rings', '40')]
>>> headline(s["totals"], "zh")[-1]
('涉案基金(未排除)', '¥1,235')
>>> table(s["by_pattern"], "by_pattern", "en").columns.tolist()
['Pattern', 'Rings', 'Fund amount (yuan)']
"""

from __future__ import annotations

import numbers

import pandas as pd

from app.i18n import label, tr

__all__ = ["KNOWN", "headline", "table", "extra_sections", "yuan"]

# The sections laid out by name, in page order.
KNOWN: tuple[str, ...] = (
    "totals", "by_status", "by_pattern", "by_district", "trend", "top_institutions", "top_doctors", "referrals",
)

_TOTALS = (
    ("rings", "dash.rings"),
    ("claims", "dash.claims"),
    ("patients", "dash.patients"),
    ("doctors", "dash.doctors"),
    ("institutions", "dash.institutions"),
    ("fund_confirmed_fen", "dash.fund_confirmed"),
    ("fund_referred_fen", "dash.fund_referred"),
    ("fund_dismissed_fen", "dash.fund_dismissed"),
    ("fund_at_stake_fen", "dash.fund_at_stake"),
)

# Columns shown per section (others, such as label_en, are dropped), and their header keys.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "by_status": ("status", "rings", "fund_fen"),
    "by_pattern": ("pattern", "rings", "fund_fen"),
    "by_district": ("district", "rings", "fund_fen"),
    "top_institutions": ("institution_id", "name", "district", "rings", "claims", "fund_fen"),
    "top_doctors": ("doctor_id", "institution_id", "rings", "claims", "fund_fen"),
    "referrals": ("ring_id", "case_no", "date", "pattern", "fund_fen"),
    "trend": ("month", "rings_started", "claims", "fund_fen"),
}


def yuan(fen, cents: bool = True) -> str:
    """Integer fen as a yuan amount for display (headlines drop the cents so they fit).

    >>> yuan(123456789), yuan(123456789, cents=False)
    ('¥1,234,567.89', '¥1,234,568')
    """
    return f"¥{int(fen) / 100:,.2f}" if cents else f"¥{round(int(fen) / 100):,}"


def headline(totals: dict, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) for the headline figures present in ``totals``."""
    out = []
    for key, text in _TOTALS:
        if key in totals and isinstance(totals[key], numbers.Number):
            value = yuan(totals[key], cents=False) if key.endswith("_fen") else f"{int(totals[key]):,}"
            out.append((tr(text, lang), value))
    return out


def table(rows: list[dict], section: str, lang: str = "zh") -> pd.DataFrame:
    """A section's records as a display table: yuan instead of fen, names instead of codes."""
    df = pd.DataFrame(rows)
    cols = [c for c in _COLUMNS.get(section, tuple(df.columns)) if c in df.columns]
    df = df[cols].copy()
    if "fund_fen" in df:
        df["fund_fen"] = (df["fund_fen"].astype("float64") / 100).round(2)
    if "pattern" in df:
        df["pattern"] = df["pattern"].map(lambda p: label("pattern", p, lang))
    if "status" in df:
        df["status"] = df["status"].map(lambda s: label("status", s, lang))
    return df.rename(columns={c: tr(f"dash.col.{c}", lang) for c in df.columns})


def extra_sections(summary: dict) -> list[tuple[str, object]]:
    """Keys the dashboard does not lay out by name, with their values (shown as tables)."""
    return [(k, v) for k, v in summary.items() if k not in KNOWN and k != "generated_at" and v not in (None, [], {})]

"""Lay out the leaders' summary (``reports.brief.data.summary``) without knowing every key.

The REPORTS module owns what the summary holds; the dashboard shows whatever it returns by
shape: numbers as headline figures, mappings of name → number as bar charts with their table,
lists of records as tables. A new key therefore appears on the dashboard without app changes.

>>> s = {"rings": 12, "fund_amount": 3.5e5, "by_pattern": {"card_collection": 7, "community": 5},
...      "top_institutions": [{"institution_id": "H1", "rings": 3}], "generated_at": "2026-11-22"}
>>> [(kind, key) for kind, key, _ in sections(s)]
[('metric', 'rings'), ('metric', 'fund_amount'), ('bars', 'by_pattern'), ('table', 'top_institutions'), ('text', 'generated_at')]
"""

from __future__ import annotations

import numbers

import pandas as pd

__all__ = ["sections", "mapping_frame"]


def _is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def sections(summary: dict) -> list[tuple[str, str, object]]:
    """(kind, key, value) in display order: metrics first, then charts, tables and text."""
    metrics, bars, tables, texts = [], [], [], []
    for key, value in summary.items():
        if _is_number(value):
            metrics.append(("metric", key, value))
        elif isinstance(value, dict) and value and all(_is_number(v) for v in value.values()):
            bars.append(("bars", key, value))
        elif isinstance(value, dict) and value:
            # A mapping of name -> record: one row per name.
            if all(isinstance(v, dict) for v in value.values()):
                tables.append(("table", key, [{"": k, **v} for k, v in value.items()]))
            else:
                texts.append(("text", key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(("table", key, value))
        elif value not in (None, "", [], {}):
            texts.append(("text", key, value))
    return metrics + bars + tables + texts


def mapping_frame(mapping: dict, name: str = "name", value: str = "value") -> pd.DataFrame:
    """A {name: number} mapping as a two-column frame, largest first.

    >>> mapping_frame({"a": 1, "b": 3})["name"].tolist()
    ['b', 'a']
    """
    df = pd.DataFrame({name: [str(k) for k in mapping], value: list(mapping.values())})
    return df.sort_values(value, ascending=False, kind="stable").reset_index(drop=True)

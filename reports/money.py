"""Money as integer fen, so a PDF and a spreadsheet written from the same claims agree exactly.

Claims carry yuan as floats; summing floats and rounding at the end can differ by a fen
from summing the rounded amounts a reader sees row by row. Every amount is therefore
rounded once, half up, to fen, and all sums are integer sums.

>>> to_fen(0.285), to_fen("12.3"), to_fen(None), to_fen(float("nan"))
(29, 1230, 0, 0)
>>> yuan(123456789)
'1,234,567.89'
>>> yuan(-5)
'-0.05'
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["to_fen", "fen_list", "yuan", "fen_to_decimal"]

_CENT = Decimal("0.01")


def to_fen(value) -> int:
    """Yuan (float, str, Decimal; None/NaN read as 0) to integer fen, rounded half up."""
    if value is None:
        return 0
    if isinstance(value, float) and math.isnan(value):
        return 0
    try:
        import pandas as pd

        if pd.isna(value):
            return 0
    except (TypeError, ValueError):
        pass
    # str() of a float is its shortest round-trip form: 0.285 stays 0.285, not 0.28499...
    d = Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return int(d * 100)


def fen_list(values) -> list[int]:
    """:func:`to_fen` over an iterable (a pandas Series, a list)."""
    return [to_fen(v) for v in values]


def fen_to_decimal(fen: int) -> Decimal:
    """Exact yuan for a fen count (for spreadsheets and JSON)."""
    return (Decimal(int(fen)) / 100).quantize(_CENT)


def yuan(fen: int) -> str:
    """Fen as yuan with thousands separators and two decimals."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"

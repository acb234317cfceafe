"""Which fraud band an amount falls in. Bounds are inclusive lower bounds, compared in fen.

>>> from reports.config import Thresholds
>>> t = Thresholds()
>>> [band(f, t) for f in (299999, 300000, 2999999, 3000000, 49999999, 50000000)]
['below', 'large', 'large', 'huge', 'huge', 'especially_huge']
>>> BAND_ZH["huge"]
'数额巨大'
"""

from __future__ import annotations

from reports.config import Thresholds

__all__ = ["BANDS", "BAND_ZH", "band", "band_label", "threshold_rows"]

BANDS: tuple[str, ...] = ("below", "large", "huge", "especially_huge")
BAND_ZH: dict[str, str] = {
    "below": "未达数额较大",
    "large": "数额较大",
    "huge": "数额巨大",
    "especially_huge": "数额特别巨大",
}


def band(fen: int, t: Thresholds) -> str:
    """The band of an amount: the highest whose lower bound it reaches."""
    if fen >= t.especially_huge_fen:
        return "especially_huge"
    if fen >= t.huge_fen:
        return "huge"
    if fen >= t.large_fen:
        return "large"
    return "below"


def band_label(fen: int, t: Thresholds) -> str:
    return BAND_ZH[band(fen, t)]


def threshold_rows(t: Thresholds) -> list[tuple[str, int, int | None]]:
    """(label, lower bound fen, upper bound fen exclusive or None) for the PDF's table."""
    return [
        (BAND_ZH["large"], t.large_fen, t.huge_fen),
        (BAND_ZH["huge"], t.huge_fen, t.especially_huge_fen),
        (BAND_ZH["especially_huge"], t.especially_huge_fen, None),
    ]

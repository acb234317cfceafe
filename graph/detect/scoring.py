"""The order an investigator should work in: money at stake, synchrony beyond chance, how
scattered the members' homes are, how often it repeats, how sure the detector is of its
pattern, less what makes the group look innocent.

``score = strength × (0.30 + 0.25·money + 0.20·synchrony + 0.10·scatter + 0.15·repetition) × (1 − legit)``

each part in 0..1: money = log10(1 + fund)/6 (a million yuan scores 1), synchrony = −log10 of
the chance of the group's togetherness / 20, scatter = distinct home regions over members
(capped by the number of regions), repetition = distinct days or waves / 8.

>>> parts = score_parts(strength=0.9, fund=48210.5, synchrony=12.0, scatter=0.8, repeats=9, legit=0.0)
>>> round(parts["score"], 3), round(parts["money"], 3)
(0.761, 0.78)
>>> score_parts(strength=0.9, fund=48210.5, synchrony=12.0, scatter=0.8, repeats=9, legit=0.7)["score"] < 0.25
True
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["score_parts", "scatter"]


def score_parts(strength: float, fund: float, synchrony: float, scatter: float, repeats: int, legit: float) -> dict[str, float]:
    strength, fund, synchrony, scatter, legit = (float(x) for x in (strength, fund, synchrony, scatter, legit))
    money = min(1.0, math.log10(1.0 + max(fund, 0.0)) / 6.0)
    sync = min(1.0, max(synchrony, 0.0) / 20.0)
    rep = min(1.0, max(repeats, 0) / 8.0)
    base = 0.30 + 0.25 * money + 0.20 * sync + 0.10 * scatter + 0.15 * rep
    score = max(0.0, min(1.0, strength * base * (1.0 - legit)))
    return {"score": round(score, 6), "strength": round(strength, 4), "money": round(money, 4), "synchrony": round(sync, 4),
            "scatter": round(scatter, 4), "repetition": round(rep, 4), "legit": round(legit, 4)}


def scatter(f, patients: np.ndarray) -> float:
    """Distinct home regions among the patients, over the most there could be (0 when unknown)."""
    regions = f.p_region[patients] if len(patients) else np.array([], dtype=np.int32)
    regions = regions[regions >= 0]
    if len(regions) < 2:
        return 0.0
    possible = min(len(regions), max(len(f.p_region_label), 1))
    return float((len(np.unique(regions)) - 1) / max(possible - 1, 1))

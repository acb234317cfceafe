"""What a detector returns before merging: a candidate ring over claim rows and entity codes.

Candidates hold codes and row numbers of a :class:`~graph.detect.frame.ClaimFrame`; only
:mod:`graph.detect.merge` turns them into contract :class:`~graph.detect.ring.Ring` objects.

>>> import numpy as np
>>> c = Candidate("card_collection", "card_bursts", rows=np.array([3, 1, 3]), patients=np.array([2, 1]))
>>> c.rows.tolist(), c.patients.tolist(), c.cards.tolist()
([1, 3], [1, 2], [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graph.detect.ring import Evidence

__all__ = ["Candidate", "KINDS", "money", "evidence"]

KINDS = ("patients", "cards", "doctors", "institutions", "operators")


def _codes(x) -> np.ndarray:
    a = np.unique(np.asarray(x if x is not None else [], dtype=np.int64))
    return a[a >= 0]


@dataclass
class Candidate:
    """A candidate ring.

    ``strength`` (0..1) is the detector's confidence that the named pattern holds;
    ``synchrony`` is -log10 of the chance of the observed togetherness; ``repeats`` is how many
    distinct days (or waves) the behaviour recurs on; ``legit`` holds mitigating findings.
    """

    pattern: str
    detector: str
    rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    patients: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    cards: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    doctors: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    institutions: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    operators: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    evidence: list[Evidence] = field(default_factory=list)
    strength: float = 0.5
    synchrony: float = 0.0
    repeats: int = 1
    legit: list[Evidence] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    detectors: list[str] = field(default_factory=list)  # set by merge: every detector that saw it

    def __post_init__(self) -> None:
        for k in ("rows",) + KINDS:
            setattr(self, k, _codes(getattr(self, k)))

    @classmethod
    def from_rows(cls, f, pattern: str, detector: str, rows, **kw) -> "Candidate":
        """Members taken from the claims themselves (patients, cards, doctors, institutions, operators)."""
        rows = _codes(rows)
        members = {
            "patients": f.patient[rows], "cards": f.card[rows], "doctors": f.doctor[rows],
            "institutions": f.institution[rows], "operators": f.operator[rows],
        }
        members.update({k: v for k, v in kw.items() if k in KINDS})
        rest = {k: v for k, v in kw.items() if k not in KINDS}
        return cls(pattern, detector, rows=rows, **members, **rest)


def money(x: float) -> str:
    """Yuan with thousands separators.

    >>> money(48210.456)
    '48,210.46'
    """
    return f"{x:,.2f}"


def evidence(f, zh: str, en: str, rows, kind: str = "fact") -> Evidence:
    """An Evidence sentence with the claim ids of ``rows``."""
    return Evidence(zh, en, f.claim_ids(rows), kind)

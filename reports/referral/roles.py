"""Suspects of a ring, their roles and the fund amount attributable to each.

A suspect's amount is the fund paid on the ring's claims that suspect took part in
(as patient, doctor, institution or operator). Amounts of different suspects overlap
(every claim has a patient and an institution), so they are not added across kinds;
the patients' amounts do add up to the ring's total, since each claim has one patient.

The organiser is the one the detector named (``Ring.roles``); failing that, the
institution, doctor or operator at the centre: the one on the most of the ring's claims
(ties are all organisers). Everyone else is a participant; cards are instruments.

>>> import pandas as pd
>>> from graph.detect.ring import Ring
>>> claims = pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "patient_id": ["p1", "p2", "p2"],
...     "institution_id": ["H1", "H1", "H1"], "doctor_id": ["D1", "D1", "D2"],
...     "operator_id": [None, None, None], "fund_fen": [100, 250, 5]})
>>> ring = Ring("R1", 0.9, "doctor_patient_collusion", {"patients": ["p1", "p2"],
...     "doctors": ["D1", "D2"], "institutions": ["H1"]}, ["c1", "c2", "c3"], 3.55, "", "")
>>> [(s.kind, s.id, s.role, s.claims, s.fund_fen) for s in suspects(ring, claims)]
... # doctest: +NORMALIZE_WHITESPACE
[('institutions', 'H1', 'organiser', 3, 355), ('doctors', 'D1', 'participant', 2, 350),
 ('doctors', 'D2', 'participant', 1, 5), ('patients', 'p2', 'participant', 2, 255),
 ('patients', 'p1', 'participant', 1, 100)]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from graph.detect.ring import Ring

__all__ = ["Suspect", "SUSPECT_KINDS", "KIND_COLUMN", "suspects", "organisers_from_claims"]

# the member kinds that are people or bodies who can be held responsible, in report order
SUSPECT_KINDS: tuple[str, ...] = ("institutions", "doctors", "operators", "patients")
KIND_COLUMN: dict[str, str] = {
    "patients": "patient_id",
    "cards": "card_id",
    "doctors": "doctor_id",
    "institutions": "institution_id",
    "operators": "operator_id",
}
_SINGULAR = {"patient": "patients", "card": "cards", "doctor": "doctors",
             "institution": "institutions", "operator": "operators"}


@dataclass
class Suspect:
    kind: str  # one of SUSPECT_KINDS
    id: str
    role: str  # organiser | participant
    claims: int = 0
    fund_fen: int = 0
    total_fen: int = 0
    name: str = ""
    note: str = ""  # institution's district, doctor's institution, patient's cards


def _detector_roles(ring: Ring) -> dict[tuple[str, str], str]:
    out = {}
    for key, role in (ring.roles or {}).items():
        kind, _, ident = str(key).partition(":")
        kind = _SINGULAR.get(kind, kind)
        if ident:
            out[(kind, ident)] = role
    return out


def organisers_from_claims(ring: Ring, claims: pd.DataFrame) -> set[tuple[str, str]]:
    """The institution(s), doctor(s) or operator(s) on the most of the ring's claims."""
    counts: dict[tuple[str, str], int] = {}
    for kind in ("institutions", "doctors", "operators"):
        col = KIND_COLUMN[kind]
        members = set(ring.members.get(kind) or [])
        if not members or col not in claims:
            continue
        vc = claims[col].dropna().astype(str).value_counts()
        for ident in members:
            counts[(kind, ident)] = int(vc.get(ident, 0))
    if not counts:
        return set()
    top = max(counts.values())
    return {k for k, v in counts.items() if v == top and v > 0}


def suspects(ring: Ring, claims: pd.DataFrame) -> list[Suspect]:
    """One :class:`Suspect` per member of the ring (cards excluded), organisers first.

    ``claims`` holds the ring's claims with integer ``fund_fen`` (and optionally
    ``total_fen``) columns.
    """
    named = _detector_roles(ring)
    if any(role == "organiser" for role in named.values()):
        organisers = {k for k, role in named.items() if role == "organiser"}
    else:
        organisers = organisers_from_claims(ring, claims)
    out: list[Suspect] = []
    for kind in SUSPECT_KINDS:
        col = KIND_COLUMN[kind]
        ids = list(dict.fromkeys(str(i) for i in ring.members.get(kind) or []))
        if not ids:
            continue
        if col in claims and len(claims):
            keyed = claims.assign(_k=claims[col].astype("string"))
            grouped = keyed.groupby("_k", dropna=True)
            n = grouped.size()
            fund = grouped["fund_fen"].sum()
            total = grouped["total_fen"].sum() if "total_fen" in claims else fund * 0
        else:
            n = fund = total = pd.Series(dtype="int64")
        for ident in ids:
            role = "organiser" if (kind, ident) in organisers else "participant"
            out.append(Suspect(kind, ident, role, int(n.get(ident, 0)), int(fund.get(ident, 0)),
                               int(total.get(ident, 0))))
    rank = {k: i for i, k in enumerate(SUSPECT_KINDS)}
    out.sort(key=lambda s: (s.role != "organiser", rank[s.kind], -s.fund_fen, s.id))
    return out

"""Claims as a struct of numpy arrays, and the vectorised pieces every generator shares:
time of day, amounts, fund share, doctor and cashier choice.

Times are seconds since the epoch in naive local time; stay dates are day numbers since the epoch.
``tag`` says where a claim came from: -1 normal life, ``r >= 0`` planted ring r, ``-2 - g`` legit
group g.

>>> c = Claims.empty()
>>> len(Claims.concat([c, c]))
0
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ingest.synth.city import CLINIC, L1, L2, L3, PHARMACY, PRIVATE, City, SHIFT_DAY, shift_of_hour

__all__ = ["Claims", "OUTPATIENT", "INPATIENT", "PHARMACY_VISIT", "VISIT_NAMES", "DAY", "amounts",
           "pick_doctor", "pick_operator", "NORMAL", "legit_tag"]

OUTPATIENT, INPATIENT, PHARMACY_VISIT = 0, 1, 2
VISIT_NAMES = ("outpatient", "inpatient", "pharmacy")
DAY = 86_400
NORMAL = -1


def legit_tag(g: int) -> int:
    return -2 - g


@dataclass
class Claims:
    patient: np.ndarray   # int32 index into People (the card used is that person's card)
    inst: np.ndarray      # int32 index into City institutions
    doctor: np.ndarray    # int32 index into City doctors, -1 none
    visit: np.ndarray     # int8 OUTPATIENT / INPATIENT / PHARMACY_VISIT
    t: np.ndarray         # int64 settlement time, seconds since epoch (local)
    adm: np.ndarray       # int32 admission day since epoch, -1 none
    dis: np.ndarray       # int32 discharge day since epoch, -1 none
    total: np.ndarray     # float64 yuan
    fund: np.ndarray      # float64 yuan, <= total
    diag: np.ndarray      # int16 index into diagnoses.CODES
    op: np.ndarray        # int32 index into City operators
    tag: np.ndarray       # int32, see module doc

    _DTYPES = dict(patient=np.int32, inst=np.int32, doctor=np.int32, visit=np.int8, t=np.int64, adm=np.int32,
                   dis=np.int32, total=np.float64, fund=np.float64, diag=np.int16, op=np.int32, tag=np.int32)

    def __len__(self) -> int:
        return len(self.patient)

    @classmethod
    def empty(cls) -> "Claims":
        return cls(**{f.name: np.zeros(0, dtype=cls._DTYPES[f.name]) for f in fields(cls)})

    @classmethod
    def make(cls, **cols) -> "Claims":
        n = len(cols["patient"])
        cols.setdefault("adm", np.full(n, -1))
        cols.setdefault("dis", np.full(n, -1))
        out = {}
        for f in fields(cls):
            v = np.asarray(cols[f.name])
            if v.ndim == 0:
                v = np.full(n, v)
            out[f.name] = v.astype(cls._DTYPES[f.name], copy=False)
        return cls(**out)

    @classmethod
    def concat(cls, parts: list["Claims"]) -> "Claims":
        parts = [p for p in parts if len(p)] or [cls.empty()]
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    def take(self, idx: np.ndarray) -> "Claims":
        return Claims(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})


# median total (yuan) and lognormal sigma per (visit, institution category)
_MEDIAN = {
    OUTPATIENT: {L3: 380, L2: 240, L1: 130, PRIVATE: 260, CLINIC: 85, PHARMACY: 95},
    PHARMACY_VISIT: {c: 95 for c in range(6)},
    INPATIENT: {L3: 16000, L2: 7500, L1: 3200, PRIVATE: 8500, CLINIC: 2500, PHARMACY: 2500},
}
_SIGMA = {OUTPATIENT: 0.75, PHARMACY_VISIT: 0.8, INPATIENT: 0.6}
# share of the total the pooled fund pays: higher at lower-level institutions (policy steers
# patients to primary care), higher for stays than for outpatient visits
_SHARE = {
    OUTPATIENT: {L3: 0.50, L2: 0.55, L1: 0.65, PRIVATE: 0.50, CLINIC: 0.70, PHARMACY: 0.50},
    PHARMACY_VISIT: {c: 0.50 for c in range(6)},
    INPATIENT: {L3: 0.68, L2: 0.75, L1: 0.85, PRIVATE: 0.70, CLINIC: 0.80, PHARMACY: 0.80},
}


def _lookup(table: dict, visit: np.ndarray, cat: np.ndarray) -> np.ndarray:
    grid = np.array([[table[v][c] for c in range(6)] for v in range(3)], dtype=float)
    return grid[visit, cat]


def amounts(rng: np.random.Generator, visit: np.ndarray, cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lognormal totals by visit type and institution level, and the fund's part of each."""
    n = len(visit)
    sigma = np.array([_SIGMA[v] for v in range(3)])[visit]
    total = np.round(_lookup(_MEDIAN, visit, cat) * np.exp(rng.normal(0, 1, n) * sigma), 2)
    total = np.maximum(total, 1.0)
    share = np.clip(_lookup(_SHARE, visit, cat) + rng.normal(0, 0.05, n), 0, 0.95)
    # many pharmacy purchases are paid from the personal account alone: the fund pays nothing
    share = np.where((visit == PHARMACY_VISIT) & (rng.random(n) < 0.3), 0.0, share)
    fund = np.minimum(np.round(total * share, 2), total)
    return total, fund


def pick_doctor(rng: np.random.Generator, city: City, inst: np.ndarray, key: np.ndarray | None = None) -> np.ndarray:
    """A doctor of each claim's institution (-1 at pharmacies). With ``key`` (e.g. the patient),
    the same key always meets the same doctor there: people keep their family doctor."""
    count = city.doc_count[inst]
    if key is None:
        k = np.floor(rng.random(len(inst)) * np.maximum(count, 1)).astype(np.int64)
    else:
        k = (np.asarray(key, dtype=np.int64) * 7919 + inst) % np.maximum(count, 1)
    return np.where(count > 0, city.doc_start[inst] + k, -1)


def pick_operator(rng: np.random.Generator, city: City, inst: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The cashier on shift at that hour; if nobody is rostered then, the day-shift cashier."""
    hour = (t % DAY) // 3600
    shift = shift_of_hour(hour)
    count = city.op_count[inst, shift]
    shift = np.where(count > 0, shift, SHIFT_DAY)
    count = city.op_count[inst, shift]
    # an institution with a single cashier rosters them on the day shift
    missing = count == 0
    if missing.any():
        shift = np.where(missing, np.argmax(city.op_count[inst] > 0, axis=1), shift)
        count = city.op_count[inst, shift]
    k = np.floor(rng.random(len(inst)) * count).astype(np.int64)
    return city.op_start[inst, shift] + k

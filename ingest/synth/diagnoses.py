"""ICD-10 diagnoses that fit a patient's age and sex, per visit type; and the ones that do not.

>>> bool(fits(np.array(["O80"]), np.array([30]), np.array([False]))[0])
True
>>> bool(fits(np.array(["O80"]), np.array([30]), np.array([True]))[0])
False
>>> bool(fits(np.array(["N40"]), np.array([70]), np.array([True]))[0])
True
>>> bool(fits(np.array(["P07.3"]), np.array([70]), np.array([False]))[0])
False
>>> bool(fits(np.array(["Z34.9"]), np.array([62]), np.array([False]))[0])
False
"""

from __future__ import annotations

import numpy as np

__all__ = ["CODES", "CHRONIC_CODES", "CHRONIC_WEIGHTS", "EXPENSIVE_DRUG_CODES", "demographic_group",
           "draw", "draw_misfit", "fits", "code_index"]

OUTPATIENT, INPATIENT, PHARMACY = 0, 1, 2
CHILD, MALE, FEMALE_FERTILE, FEMALE, ELDER_MALE, ELDER_FEMALE = range(6)

# (code, weight) per visit class and demographic group
_TABLE: dict[tuple[int, int], list[tuple[str, float]]] = {
    (OUTPATIENT, CHILD): [("J06.9", 5), ("J20.9", 2), ("A09.9", 1.5), ("H66.9", 1), ("L20.9", 1), ("R50.9", 1.5), ("J45.9", 0.5)],
    (OUTPATIENT, MALE): [("J06.9", 4), ("K29.7", 2), ("M54.5", 2), ("I10", 1.5), ("E11.9", 1), ("K21.0", 1), ("S93.4", 0.5), ("R51", 1)],
    (OUTPATIENT, FEMALE_FERTILE): [("J06.9", 4), ("K29.7", 2), ("N76.0", 1.5), ("Z34.9", 1.5), ("O21.0", 0.5), ("N39.0", 1), ("M54.5", 1), ("R51", 1)],
    (OUTPATIENT, FEMALE): [("J06.9", 4), ("K29.7", 2), ("N39.0", 1), ("M54.5", 1.5), ("I10", 1.5), ("E11.9", 1), ("N95.1", 0.8)],
    (OUTPATIENT, ELDER_MALE): [("I10", 4), ("E11.9", 3), ("I25.1", 2), ("J44.9", 1.5), ("N40", 1.5), ("M17.9", 1), ("E78.5", 1.5), ("J06.9", 1.5)],
    (OUTPATIENT, ELDER_FEMALE): [("I10", 4), ("E11.9", 3), ("I25.1", 1.5), ("M17.9", 2), ("M81.0", 1.5), ("E78.5", 1.5), ("J06.9", 1.5)],
    (INPATIENT, CHILD): [("J18.9", 4), ("A09.9", 2), ("K35.8", 1), ("J21.9", 2)],
    (INPATIENT, MALE): [("K35.8", 2), ("K80.2", 1.5), ("S82.2", 1), ("J18.9", 1.5), ("I21.9", 0.8), ("K40.9", 1)],
    (INPATIENT, FEMALE_FERTILE): [("O80", 4), ("O82", 2), ("K35.8", 1), ("K80.2", 1), ("D25.9", 1), ("J18.9", 1)],
    (INPATIENT, FEMALE): [("K80.2", 1.5), ("D25.9", 1), ("J18.9", 1.5), ("M51.2", 1), ("I63.9", 0.8)],
    (INPATIENT, ELDER_MALE): [("I63.9", 3), ("J18.9", 2), ("I25.1", 2), ("J44.1", 2), ("C34.9", 1), ("N40", 1), ("I50.9", 1)],
    (INPATIENT, ELDER_FEMALE): [("I63.9", 3), ("J18.9", 2), ("S72.0", 1.5), ("I25.1", 1.5), ("J44.1", 1.5), ("M17.9", 1), ("I50.9", 1)],
}
for g in range(6):  # pharmacy purchases: minor complaints for everyone
    _TABLE[(PHARMACY, g)] = [("J06.9", 4), ("K29.7", 2), ("R51", 1), ("L30.9", 1), ("M54.5", 1)]

CHRONIC_CODES = np.array(["I10", "E11.9", "E78.5", "J44.9", "I25.1", "N18.9"])
CHRONIC_WEIGHTS = np.array([0.38, 0.25, 0.14, 0.09, 0.09, 0.05])
# conditions whose drugs are dear enough to resell (insulin analogues, DPP-4, anticoagulants, ...)
EXPENSIVE_DRUG_CODES = np.array(["E11.9", "I25.1", "J44.9", "N18.9"])

CODES = np.array(sorted({c for rows in _TABLE.values() for c, _ in rows}
                        | set(CHRONIC_CODES) | {"Z00.0", "Z00.1", "N46", "O26.9", "P07.3"}))
_CODE_POS = {c: i for i, c in enumerate(CODES)}


def code_index(codes) -> np.ndarray:
    return np.array([_CODE_POS[c] for c in np.atleast_1d(codes)], dtype=np.int16)


def demographic_group(age: np.ndarray, male: np.ndarray) -> np.ndarray:
    return np.select(
        [age < 14, (age >= 60) & male, age >= 60, male, (age >= 18) & (age <= 44)],
        [CHILD, ELDER_MALE, ELDER_FEMALE, MALE, FEMALE_FERTILE],
        FEMALE,
    )


def draw(rng: np.random.Generator, visit_class: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Indices into CODES, one per claim, drawn from the table for (visit class, group)."""
    out = np.zeros(len(group), dtype=np.int16)
    key = visit_class.astype(np.int64) * 6 + group
    for (vc, g), rows in _TABLE.items():
        sel = np.flatnonzero(key == vc * 6 + g)
        if len(sel) == 0:
            continue
        codes = code_index([c for c, _ in rows])
        w = np.array([w for _, w in rows], dtype=float)
        out[sel] = codes[rng.choice(len(rows), len(sel), p=w / w.sum())]
    return out


# codes that cannot belong to a person: pregnancy on men, the elderly or children; prostate on
# women; neonatal codes on adults; pediatric-only on the old
_MISFIT_MALE = code_index(["O80", "O21.0", "Z34.9", "N76.0", "O26.9"])
_MISFIT_FEMALE = code_index(["N40", "N46"])
_MISFIT_CHILD = code_index(["I25.1", "N40", "I63.9", "M17.9"])
_MISFIT_ELDER_FEMALE = code_index(["O80", "O21.0", "Z34.9", "P07.3"])


def draw_misfit(rng: np.random.Generator, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    """A diagnosis that does not fit each person's age and sex."""
    n = len(age)
    out = np.where(
        age < 14, _MISFIT_CHILD[rng.integers(0, len(_MISFIT_CHILD), n)],
        np.where(male, _MISFIT_MALE[rng.integers(0, len(_MISFIT_MALE), n)],
                 np.where(age >= 55, _MISFIT_ELDER_FEMALE[rng.integers(0, len(_MISFIT_ELDER_FEMALE), n)],
                          _MISFIT_FEMALE[rng.integers(0, len(_MISFIT_FEMALE), n)])))
    return out.astype(np.int16)


def fits(codes: np.ndarray, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    """False where a code cannot belong to a person of that age and sex."""
    codes = np.asarray(codes).astype(str)
    pregnancy = np.char.startswith(codes, "O") | np.char.startswith(codes, "Z34")
    female_only = pregnancy | np.isin(codes, ["N76.0", "N95.1", "D25.9"])
    male_only = np.isin(codes, ["N40", "N46"])
    neonatal = np.char.startswith(codes, "P")
    adult_only = np.isin(codes, ["I25.1", "I63.9", "N40", "M17.9", "I10", "E78.5", "C34.9"])
    bad = (female_only & male) | (male_only & ~male) | (pregnancy & ((age < 14) | (age > 50)))
    bad |= neonatal & (age > 1) | (adult_only & (age < 14))
    return ~bad

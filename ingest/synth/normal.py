"""Everyday claims: how often people of each age see a doctor, where (mostly near home, often the
same family clinic and pharmacy), when (mostly daytime, fewer at weekends), for how much, and
their hospital stays. Everything is drawn for all claims at once; loops run over categories only.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import CLINIC, L1, L2, L3, PHARMACY, PRIVATE, City
from ingest.synth.claims import (DAY, INPATIENT, NORMAL, OUTPATIENT, PHARMACY_VISIT, Claims, amounts,
                                 pick_doctor, pick_operator)
from ingest.synth.people import People

__all__ = ["Calendar", "HOUR_PROFILES", "seconds_of_day", "InstitutionPicker", "normal_claims", "expected_claims",
           "intensity_for"]

# relative weight of each hour 0-23 by kind of desk
HOUR_PROFILES = {
    "hospital": np.array([.3, .2, .2, .2, .2, .3, .5, 1.5, 6, 8, 8, 6, 3, 2, 6, 7, 6, 4, 2, 1.5, 1.2, 1, .6, .4]),
    "clinic": np.array([0] * 7 + [.5, 5, 7, 6, 4, 2, 1.5, 4, 5, 4, 2.5, 1.2, .8, .5] + [0] * 3, dtype=float),
    "pharmacy": np.array([0] * 8 + [3, 5, 6, 5, 4, 4, 4, 5, 5, 5, 4, 3, 2, 1] + [0] * 2, dtype=float),
    "discharge": np.array([0] * 8 + [2, 6, 8, 7, 4, 3, 4, 3, 2, 1] + [0] * 6, dtype=float),
}


_READMIT_GAP = np.r_[np.full(3, 0.5), np.full(11, 1.5), np.full(16, 0.8)]
_READMIT_GAP = _READMIT_GAP / _READMIT_GAP.sum()


class Calendar:
    """Day numbers of the simulated year and the weights of ordinary days."""

    def __init__(self, year: int):
        self.year = year
        self.first = int((np.datetime64(f"{year}-01-01") - np.datetime64("1970-01-01")).astype(int))
        self.ndays = int((np.datetime64(f"{year + 1}-01-01") - np.datetime64(f"{year}-01-01")).astype(int))
        dow = (self.first + np.arange(self.ndays) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        w = np.where(dow >= 5, 0.55, 1.0)
        self.day_p = w / w.sum()

    def days(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.first + rng.choice(self.ndays, n, p=self.day_p)


def seconds_of_day(rng: np.random.Generator, profile: str | np.ndarray, n: int) -> np.ndarray:
    w = HOUR_PROFILES[profile] if isinstance(profile, str) else profile
    hour = rng.choice(24, n, p=w / w.sum())
    return hour * 3600 + rng.integers(0, 3600, n)


class InstitutionPicker:
    """Draw an institution of a category, in a district where possible, else anywhere in the city."""

    def __init__(self, city: City, n_districts: int):
        self.city = city
        key = city.category * n_districts + city.district
        self.local_order = np.argsort(key, kind="stable")
        self.local_count = np.bincount(key, minlength=6 * n_districts).reshape(6, n_districts)
        self.local_start = np.r_[0, np.cumsum(self.local_count.ravel())[:-1]].reshape(6, n_districts)
        self.city_order = np.argsort(city.category, kind="stable")
        self.city_count = np.bincount(city.category, minlength=6)
        self.city_start = np.r_[0, np.cumsum(self.city_count)[:-1]]

    def pick(self, rng: np.random.Generator, cat: np.ndarray, district: np.ndarray, p_local: float | np.ndarray) -> np.ndarray:
        n = len(cat)
        u = rng.random(n)
        lc = self.local_count[cat, district]
        local = (rng.random(n) < p_local) & (lc > 0)
        li = self.local_order[np.minimum(self.local_start[cat, district] + (u * lc).astype(np.int64),
                                         len(self.local_order) - 1)]
        ci = self.city_order[self.city_start[cat] + (u * self.city_count[cat]).astype(np.int64)]
        return np.where(local, li, ci)


def _visit_rates(people: People) -> tuple[np.ndarray, np.ndarray]:
    """Expected outpatient+pharmacy visits and hospital stays per person-year."""
    age = people.age
    base = np.select([age < 7, age < 18, age < 45, age < 60, age < 75], [17, 9, 13, 20, 29], 36).astype(float)
    base += np.where(people.chronic >= 0, 10.0, 0.0)  # monthly refills and check-ups
    stays = np.select([age < 7, age < 18, age < 45, age < 60, age < 75], [0.10, 0.04, 0.07, 0.14, 0.26], 0.45)
    stays = stays + np.where((~people.male) & (age >= 20) & (age <= 40), 0.05, 0.0)  # births
    return base, stays


# E[sqrt(F)] for the frailty F ~ Gamma(shape 2, scale 0.5) drawn below: sqrt(0.5) * Γ(2.5) / Γ(2)
_MEAN_SQRT_FRAILTY = 0.9400159
_READMIT_SHARE = 0.08  # matches ``again`` below


def expected_claims(people: People) -> float:
    """Expected number of everyday claims at intensity 1 (visits, purchases and stays, readmissions
    included; the few readmissions that spill past the year's end are counted too).

    >>> from ingest.synth.people import build_people
    >>> p = build_people(np.random.default_rng(0), 2000, 2024)
    >>> 15 < expected_claims(p) / 2000 < 30
    True
    """
    base, stays = _visit_rates(people)
    return float(base.sum() + stays.sum() * _MEAN_SQRT_FRAILTY * (1 + _READMIT_SHARE))


def intensity_for(people: People, claims_per_patient: float) -> float:
    """The factor on every visit rate that makes everyday claims average ``claims_per_patient`` a
    person-year. Scaling all rates by one factor keeps who claims often (the old, the chronically
    ill, the frail) and who seldom, so a city of 5 a person has many people with none or one claim
    and a few chronic patients with dozens."""
    return float(claims_per_patient) * len(people) / expected_claims(people)


def normal_claims(rng: np.random.Generator, people: People, city: City, cal: Calendar,
                  picker: InstitutionPicker, intensity: float = 1.0) -> Claims:
    n = len(people)
    base, stays = _visit_rates(people)
    frailty = rng.gamma(2.0, 0.5, n)  # some people are seldom ill, some often
    k_out = rng.poisson(base * frailty * intensity)
    k_in = rng.poisson(stays * np.sqrt(frailty) * intensity)
    fav_clinic = picker.pick(rng, np.full(n, CLINIC), people.district, 1.0)
    fav_pharmacy = picker.pick(rng, np.full(n, PHARMACY), people.district, 1.0)

    # --- outpatient visits and pharmacy purchases ------------------------------------------
    who = np.repeat(np.arange(n, dtype=np.int64), k_out)
    m = len(who)
    age = people.age[who]
    p_pharm = np.where(age < 14, 0.15, np.where(people.chronic[who] >= 0, 0.45, 0.35))
    visit = np.where(rng.random(m) < p_pharm, PHARMACY_VISIT, OUTPATIENT).astype(np.int8)
    out_cat = rng.choice([CLINIC, L1, L2, L3, PRIVATE], m, p=[0.52, 0.12, 0.16, 0.14, 0.06])
    cat = np.where(visit == PHARMACY_VISIT, PHARMACY, out_cat)
    # the big public hospitals draw patients from the whole city; the rest mostly from nearby
    p_local = np.where(cat == L3, 0.45, 0.85)
    inst = picker.pick(rng, cat, people.district[who], p_local)
    fav = rng.random(m)
    inst = np.where((visit == OUTPATIENT) & (cat == CLINIC) & (fav < 0.65), fav_clinic[who], inst)
    inst = np.where((visit == PHARMACY_VISIT) & (fav < 0.6), fav_pharmacy[who], inst)
    cat = city.category[inst]

    day = cal.days(rng, m)
    profile_sec = np.where(cat == PHARMACY, seconds_of_day(rng, "pharmacy", m),
                           np.where(cat == CLINIC, seconds_of_day(rng, "clinic", m), seconds_of_day(rng, "hospital", m)))
    # 24-hour pharmacies sell through the night too
    night = city.open24[inst] & (rng.random(m) < 0.12)
    profile_sec = np.where(night, (22 * 3600 + rng.integers(0, 9 * 3600, m)) % DAY, profile_sec)
    t = day.astype(np.int64) * DAY + profile_sec
    doctor = np.where(cat == CLINIC, pick_doctor(rng, city, inst, key=who), pick_doctor(rng, city, inst))
    group = dx.demographic_group(age, people.male[who])
    diag = dx.draw(rng, np.where(visit == PHARMACY_VISIT, dx.PHARMACY, dx.OUTPATIENT), group)
    chronic = people.chronic[who]
    use_chronic = (chronic >= 0) & (rng.random(m) < 0.6)
    chronic_idx = dx.code_index(dx.CHRONIC_CODES)
    diag = np.where(use_chronic, chronic_idx[np.maximum(chronic, 0)], diag)
    total, fund = amounts(rng, visit, cat)
    op = pick_operator(rng, city, inst, t)
    out = Claims.make(patient=who, inst=inst, doctor=doctor, visit=visit, t=t, total=total, fund=fund,
                      diag=diag, op=op, tag=NORMAL)

    # --- hospital stays, settled on the day of discharge -----------------------------------
    who = np.repeat(np.arange(n, dtype=np.int64), k_in)
    m = len(who)
    cat = rng.choice([L3, L2, L1, PRIVATE], m, p=[0.38, 0.37, 0.17, 0.08])
    inst = picker.pick(rng, cat, people.district[who], np.where(cat == L3, 0.4, 0.85))
    cat = city.category[inst]
    los_median = np.select([cat == L3, cat == L2, cat == PRIVATE], [9.0, 7.0, 8.0], 6.0)
    los = np.maximum(1, np.round(los_median * np.exp(rng.normal(0, 0.45, m)))).astype(np.int64)
    dis = cal.days(rng, m)
    adm = dis - los
    diag = dx.draw(rng, np.full(m, dx.INPATIENT), dx.demographic_group(people.age[who], people.male[who]))
    # genuine readmissions (complications, the next chemotherapy cycle) happen after about one stay
    # in twelve, at the same hospital, mostly one to four weeks later: the background that split
    # hospitalisation must stand out from
    again = rng.random(m) < 0.08
    k = int(again.sum())
    gap = rng.choice(np.arange(1, 31), k, p=_READMIT_GAP)
    los2 = np.maximum(1, np.round(los_median[again] * np.exp(rng.normal(0, 0.45, k)))).astype(np.int64)
    who, inst, cat, diag = (np.r_[x, x[again]] for x in (who, inst, cat, diag))
    adm = np.r_[adm, dis[again] + gap]
    dis = np.r_[dis, dis[again] + gap + los2]
    keep = dis < cal.first + cal.ndays
    who, inst, cat, diag, adm, dis = (x[keep] for x in (who, inst, cat, diag, adm, dis))
    m = len(who)
    t = dis.astype(np.int64) * DAY + seconds_of_day(rng, "discharge", m)
    total, fund = amounts(rng, np.full(m, INPATIENT), cat)
    stays_c = Claims.make(patient=who, inst=inst, doctor=pick_doctor(rng, city, inst), visit=INPATIENT, t=t,
                          adm=adm, dis=dis, total=total, fund=fund, diag=diag,
                          op=pick_operator(rng, city, inst, t), tag=NORMAL)
    return Claims.concat([out, stays_c])

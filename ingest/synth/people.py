"""The insured population: households sharing an address and a phone, nursing homes, one card each.

>>> p = build_people(np.random.default_rng(3), 500, year=2024)
>>> len(p.pid) == 500 == len(np.unique(p.pid)) == len(np.unique(p.card))
True
>>> bool(np.intersect1d(p.pid, p.card).size == 0)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.synth import geo
from ingest.synth.diagnoses import CHRONIC_CODES, CHRONIC_WEIGHTS
from ingest.synth.idcard import make_ids
from ingest.synth.names import person_names, phones, pick

__all__ = ["People", "build_people"]

_HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5])
_HOUSEHOLD_P = np.array([0.18, 0.30, 0.30, 0.14, 0.08])


@dataclass
class People:
    pid: np.ndarray          # 18-character 身份证号
    card: np.ndarray         # 医保卡号, distinct from pid
    name: np.ndarray
    male: np.ndarray
    birth: np.ndarray        # datetime64[D]
    age: np.ndarray          # whole years at the start of the simulated year
    district: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    phone: np.ndarray
    address: np.ndarray
    household: np.ndarray
    nursing_home: np.ndarray  # index of the nursing home the person lives in, -1 if none
    chronic: np.ndarray       # index into CHRONIC_CODES, -1 if none

    def __len__(self) -> int:
        return len(self.pid)


def build_people(rng: np.random.Generator, n: int, year: int) -> People:
    # Nursing homes: about one per 10,000 insured, each 15-40 residents aged 75+.
    n_homes = max(1, n // 10_000) if n >= 2_000 else 0
    home_sizes = rng.integers(15, 41, n_homes)
    n_home = int(home_sizes.sum())
    sizes = rng.choice(_HOUSEHOLD_SIZES, size=n // 2 + 10, p=_HOUSEHOLD_P)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n - n_home) + 1]
    sizes[-1] -= sizes.sum() - (n - n_home)
    sizes = sizes[sizes > 0]
    n_hh = len(sizes)
    household = np.concatenate([np.repeat(np.arange(n_hh), sizes), np.repeat(n_hh + np.arange(n_homes), home_sizes)])
    member = np.arange(n) - np.repeat(np.concatenate([[0], np.cumsum(np.r_[sizes, home_sizes])[:-1]]),
                                      np.r_[sizes, home_sizes])
    n_groups = n_hh + n_homes
    nursing_home = np.where(household >= n_hh, household - n_hh, -1)

    head_age = np.clip(rng.normal(50, 16, n_groups), 22, 92)
    head_male = rng.random(n_groups) < 0.5
    ha = head_age[household]
    age = np.select(
        [member == 0, member == 1, member <= 3],
        [ha, ha + rng.normal(0, 3, n), ha - rng.uniform(22, 36, n)],
        ha + rng.uniform(24, 32, n),
    )
    male = np.where(member == 1, ~head_male[household], np.where(member == 0, head_male[household], rng.random(n) < 0.5))
    in_home = nursing_home >= 0
    age = np.where(in_home, rng.uniform(75, 97, n), age)
    male = np.where(in_home, rng.random(n) < 0.4, male)
    age = np.clip(age, 0, 99)
    age = np.where(age < 0.5, rng.uniform(0, 6, n), age).astype(int)

    birth = (np.datetime64(f"{year}-01-01") - (age * 365.25).astype("timedelta64[D]")
             - rng.integers(1, 365, n).astype("timedelta64[D]"))
    age = ((np.datetime64(f"{year}-01-01") - birth).astype(int) // 365.25).astype(int)

    district_of_group = rng.choice(len(geo.DISTRICTS), n_groups, p=geo.DISTRICT_WEIGHT)
    district = district_of_group[household]
    lat = geo.DISTRICT_LAT[district] + rng.normal(0, 0.02, n_groups)[household]
    lon = geo.DISTRICT_LON[district] + rng.normal(0, 0.025, n_groups)[household]

    # Adults born elsewhere keep their birth region code; children born here carry the district's.
    migrant = (rng.random(n) < 0.15) & (age >= 18)
    region = np.where(migrant, pick(rng, geo.OUTSIDE_ID_PREFIXES, n), geo.DISTRICT_CODES[district])
    pid = make_ids(rng, region, birth, male)

    a = 48271  # odd and not a multiple of 5: a bijection modulo 10**8, so cards are unique
    offset = int(rng.integers(0, 10**8))
    card = np.char.add("A", np.char.zfill(((rng.permutation(n).astype(np.int64) * a + offset) % 10**8).astype("U8"), 8))

    group_phone = phones(rng, n_groups)
    # many old couples list a grown child's mobile: two households, one phone, nothing amiss
    old_pair = (head_age >= 70) & (np.bincount(household, minlength=n_groups) <= 2) & ~(np.arange(n_groups) >= n_hh)
    lend = np.flatnonzero(old_pair & (rng.random(n_groups) < 0.3))
    group_phone[lend] = group_phone[rng.integers(0, n_hh, len(lend))]
    phone = group_phone[household]
    street = pick(rng, geo.STREETS, n_groups)
    no = rng.integers(1, 400, n_groups).astype("U3")
    bld = rng.integers(1, 30, n_groups).astype("U2")
    room = (rng.integers(1, 30, n_groups) * 100 + rng.integers(1, 5, n_groups)).astype("U4")
    addr = np.char.add(np.char.add(geo.CITY, geo.DISTRICT_NAMES[district_of_group]), street)
    addr = np.char.add(np.char.add(addr, no), "号")
    flat = np.char.add(np.char.add(np.char.add(bld, "幢"), room), "室")
    is_home_group = np.arange(n_groups) >= n_hh
    addr = np.char.add(addr, np.where(is_home_group, "颐养院", flat))
    address = addr[household]

    chronic_p = np.select([age < 18, age < 40, age < 60], [0.0, 0.02, 0.15], 0.35)
    chronic = np.where(rng.random(n) < chronic_p,
                       rng.choice(len(CHRONIC_CODES), n, p=CHRONIC_WEIGHTS), -1)
    name = person_names(rng, male)
    return People(pid, card, name, male, birth, age, district, lat, lon, phone, address, household,
                  nursing_home, chronic)

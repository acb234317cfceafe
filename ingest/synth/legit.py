"""Legitimate dense groups that a naive density detector would flag, and a good one must not:
families visiting their clinic together, nursing-home rounds, a company's annual health check,
chronic patients who all see one specialist.

Each builder registers its group and returns the group's extra claims (the members keep their
everyday claims as well). Loops run over groups and events, never over claims.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import CLINIC, L1, L2, L3, City
from ingest.synth.claims import DAY, OUTPATIENT, Claims, amounts, pick_doctor, pick_operator
from ingest.synth.normal import Calendar, InstitutionPicker
from ingest.synth.people import People
from ingest.synth.registry import Registry

__all__ = ["families", "nursing_homes", "health_checks", "specialist_panels", "legit_groups"]


def families(rng, people: People, city: City, cal: Calendar, picker: InstitutionPicker, reg: Registry) -> list[Claims]:
    """Parents bring the children; several members seen by one family doctor within half an hour."""
    n_groups = max(4, len(people) // 2500)
    size = np.bincount(people.household)
    has_child = np.bincount(people.household, weights=people.age < 14) > 0
    homes = np.isin(np.arange(len(size)), people.household[people.nursing_home >= 0])
    cand = np.flatnonzero((size >= 3) & has_child & ~homes)
    out = []
    for hh in rng.permutation(cand)[: n_groups * 3]:
        members = np.flatnonzero(people.household == hh)
        if reg.used[members].any():
            continue
        if len(reg.legit) and sum(g.kind == "family" for g in reg.legit) >= n_groups:
            break
        d = people.district[members[0]]
        inst = picker.pick(rng, np.array([CLINIC]), np.array([d]), 1.0)[0]
        doctor = pick_doctor(rng, city, np.array([inst]))[0]
        tag = reg.add("family", False, members, [doctor], [inst])
        for day in cal.days(rng, int(rng.integers(4, 8))):
            who = members[rng.random(len(members)) < 0.8]
            if len(who) < 2:
                who = members[:2]
            start = day * DAY + int(rng.integers(8 * 3600, 17 * 3600))
            t = start + np.sort(rng.integers(0, 1800, len(who)))
            m = len(who)
            inst_a = np.full(m, inst)
            diag = dx.draw(rng, np.full(m, dx.OUTPATIENT), dx.demographic_group(people.age[who], people.male[who]))
            total, fund = amounts(rng, np.full(m, OUTPATIENT), city.category[inst_a])
            out.append(Claims.make(patient=who, inst=inst_a, doctor=doctor, visit=OUTPATIENT, t=t, total=total,
                                   fund=fund, diag=diag, op=pick_operator(rng, city, inst_a, t), tag=tag))
    return out


def nursing_homes(rng, people: People, city: City, cal: Calendar, picker: InstitutionPicker, reg: Registry) -> list[Claims]:
    """A doctor from the nearby health centre sees most residents on a fortnightly round."""
    out = []
    chronic_idx = dx.code_index(dx.CHRONIC_CODES)
    for home in np.unique(people.nursing_home[people.nursing_home >= 0]):
        residents = np.flatnonzero(people.nursing_home == home)
        d = people.district[residents[0]]
        inst = picker.pick(rng, np.array([rng.choice([CLINIC, L1])]), np.array([d]), 1.0)[0]
        doctor = pick_doctor(rng, city, np.array([inst]))[0]
        tag = reg.add("nursing_home", False, residents, [doctor], [inst])
        first = cal.first + int(rng.integers(0, 14))
        for day in range(first, cal.first + cal.ndays, 14):
            who = residents[rng.random(len(residents)) < rng.uniform(0.6, 0.95)]
            m = len(who)
            if m == 0:
                continue
            start = day * DAY + int(rng.integers(8 * 3600, 10 * 3600))
            t = start + np.cumsum(rng.integers(180, 600, m))  # one resident after another
            inst_a = np.full(m, inst)
            chronic = people.chronic[who]
            diag = np.where(chronic >= 0, chronic_idx[np.maximum(chronic, 0)],
                            dx.draw(rng, np.full(m, dx.OUTPATIENT), dx.demographic_group(people.age[who], people.male[who])))
            total, fund = amounts(rng, np.full(m, OUTPATIENT), city.category[inst_a])
            out.append(Claims.make(patient=who, inst=inst_a, doctor=doctor, visit=OUTPATIENT, t=t, total=total,
                                   fund=fund, diag=diag, op=pick_operator(rng, city, inst_a, t), tag=tag))
    return out


def health_checks(rng, people: People, city: City, cal: Calendar, picker: InstitutionPicker, reg: Registry) -> list[Claims]:
    """A company's staff, living all over the city, checked at one hospital on one or two mornings;
    the employer pays, so the fund pays nothing."""
    out = []
    adults = np.flatnonzero((people.age >= 22) & (people.age <= 58) & (people.nursing_home < 0))
    hospitals = np.flatnonzero(np.isin(city.category, (L2, L3)))
    for _ in range(max(2, len(people) // 8000)):
        staff = reg.free(rng, int(rng.integers(40, 200 if len(people) >= 10_000 else 80)), adults)
        if len(staff) < 10:
            break
        inst = rng.choice(hospitals)
        doctors = pick_doctor(rng, city, np.full(3, inst))
        tag = reg.add("health_check", False, staff, doctors, [inst])
        days = cal.days(rng, 1)[0] + np.array([0, 1])
        m = len(staff)
        day = days[rng.integers(0, 2, m)]
        t = day * DAY + rng.integers(int(7.5 * 3600), 11 * 3600, m)
        inst_a = np.full(m, inst)
        package = rng.choice([380.0, 560.0, 880.0], m, p=[0.6, 0.3, 0.1])
        total = np.round(package * rng.uniform(0.97, 1.03, m), 2)
        out.append(Claims.make(patient=staff, inst=inst_a, doctor=doctors[rng.integers(0, 3, m)], visit=OUTPATIENT,
                               t=t, total=total, fund=0.0, diag=dx.code_index(["Z00.0"])[0],
                               op=pick_operator(rng, city, inst_a, t), tag=tag))
    return out


def specialist_panels(rng, people: People, city: City, cal: Calendar, picker: InstitutionPicker, reg: Registry) -> list[Claims]:
    """Diabetic or hypertensive patients who all see one specialist, each on their own monthly day."""
    out = []
    hospitals = np.flatnonzero(np.isin(city.category, (L2, L3)))
    for _ in range(max(2, len(people) // 8000)):
        code = rng.choice(np.array([0, 1]))  # I10 or E11.9
        cand = np.flatnonzero((people.chronic == code) & (people.nursing_home < 0))
        panel = reg.free(rng, int(rng.integers(25, 70)), cand)
        if len(panel) < 8:
            break
        inst = rng.choice(hospitals)
        doctor = pick_doctor(rng, city, np.array([inst]))[0]
        tag = reg.add("specialist_panel", False, panel, [doctor], [inst])
        k = len(panel)
        offset = rng.integers(0, 28, k)
        months = np.arange(12)
        who = np.repeat(panel, 12)
        mstart = np.array([int((np.datetime64(f"{cal.year}-{m + 1:02d}-01") - np.datetime64("1970-01-01")).astype(int))
                           for m in months])
        day = np.tile(mstart, k) + np.repeat(offset, 12) + rng.integers(-3, 4, k * 12)
        keep = rng.random(k * 12) < 0.85
        who, day = who[keep], np.clip(day[keep], cal.first, cal.first + cal.ndays - 1)
        m = len(who)
        t = day.astype(np.int64) * DAY + rng.integers(8 * 3600, 16 * 3600, m)
        inst_a = np.full(m, inst)
        total, fund = amounts(rng, np.full(m, OUTPATIENT), city.category[inst_a])
        out.append(Claims.make(patient=who, inst=inst_a, doctor=doctor, visit=OUTPATIENT, t=t, total=total,
                               fund=fund, diag=dx.code_index(dx.CHRONIC_CODES)[code],
                               op=pick_operator(rng, city, inst_a, t), tag=tag))
    return out


def legit_groups(rng, people, city, cal, picker, reg) -> list[Claims]:
    out = []
    for build in (nursing_homes, families, health_checks, specialist_panels):
        out += build(rng, people, city, cal, picker, reg)
    return out

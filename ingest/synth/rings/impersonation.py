"""冒名就医: a broker moves a set of borrowed cards through the same institutions together, far from
the holders' homes, for complaints that often do not fit the holder's age or sex. Now and then
the real holder uses the card at home the same hour: impossible travel on one card.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import CLINIC, L2, PHARMACY, PRIVATE
from ingest.synth.claims import DAY, NORMAL, OUTPATIENT, PHARMACY_VISIT, Claims, amounts, pick_doctor, pick_operator
from ingest.synth.geo import DISTRICT_LAT, DISTRICT_LON, haversine_km
from ingest.synth.rings.common import round_cents

__all__ = ["plant"]

_PENDING = -1000  # the ring's tag is known only once its venues are


def plant(rng, people, city, cal, picker, reg) -> list[Claims]:
    out = []
    for _ in range(int(rng.integers(3, 6)) + len(people) // 150_000):
        # the lenders know each other: they come from one district
        home = int(rng.integers(0, len(DISTRICT_LAT)))
        cand = np.flatnonzero((people.district == home) & (people.nursing_home < 0))
        holders = reg.free(rng, int(rng.integers(4, 12)), cand)
        if len(holders) < 3:
            continue
        dist = haversine_km(DISTRICT_LAT[home], DISTRICT_LON[home], city.lat, city.lon)
        far = np.flatnonzero((dist > 30) & np.isin(city.category, (CLINIC, L2, PRIVATE, PHARMACY)))
        if len(far) < 2:
            far = np.flatnonzero(city.district != home)
        venues = rng.choice(far, size=min(len(far), int(rng.integers(2, 5))), replace=False)
        misfit_p = rng.uniform(0.3, 0.7)
        n_trips = int(rng.integers(6, 14))
        days = np.sort(cal.days(rng, n_trips))
        used = []
        for day in days:
            inst = int(rng.choice(venues))
            used.append(inst)
            who = holders[rng.random(len(holders)) < rng.uniform(0.6, 1.0)]
            m = len(who)
            if m < 2:
                continue
            t = day * DAY + int(rng.integers(9 * 3600, 16 * 3600)) + np.cumsum(rng.integers(120, 1500, m))
            inst_a = np.full(m, inst)
            cat = city.category[inst_a]
            visit = np.where(cat == PHARMACY, PHARMACY_VISIT, OUTPATIENT)
            # the borrowers' own complaints: adults of working age, whatever the holder is
            borrower = dx.demographic_group(rng.integers(25, 55, m), rng.random(m) < 0.6)
            diag = dx.draw(rng, np.where(visit == PHARMACY_VISIT, dx.PHARMACY, dx.OUTPATIENT), borrower)
            misfit = rng.random(m) < misfit_p
            diag = np.where(misfit, dx.draw_misfit(rng, people.age[who], people.male[who]), diag)
            total, fund = amounts(rng, visit, cat)
            total = round_cents(total * 1.4)  # borrowers spend more than the holders would
            fund = np.minimum(round_cents(fund * 1.4), total)
            out.append(Claims.make(patient=who, inst=inst_a, doctor=pick_doctor(rng, city, inst_a), visit=visit, t=t,
                                   total=total, fund=fund, diag=diag, op=pick_operator(rng, city, inst_a, t),
                                   tag=_PENDING))
            # impossible travel: the real holder buys medicine at home within twenty minutes
            if rng.random() < 0.4:
                j = int(rng.integers(0, m))
                p = who[j]
                near = picker.pick(rng, np.array([PHARMACY]), np.array([people.district[p]]), 1.0)
                t_home = t[j] + int(rng.choice([-1, 1]) * rng.integers(5 * 60, 20 * 60))  # 30+ km: 90+ km/h
                tot, fu = amounts(rng, np.array([PHARMACY_VISIT]), np.array([PHARMACY]))
                out.append(Claims.make(patient=[p], inst=near, doctor=-1, visit=PHARMACY_VISIT, t=[t_home], total=tot,
                                       fund=fu, diag=dx.code_index(["J06.9"])[0],
                                       op=pick_operator(rng, city, near, np.array([t_home])), tag=NORMAL))
        tag = reg.add("impersonation", True, holders, [], np.unique(used))
        for c in out:
            c.tag[c.tag == _PENDING] = tag
    return out


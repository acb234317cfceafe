"""倒卖药品, 重复开药: chronic patients behind a broker tour several pharmacies and clinics together on
the same days, each buying the same expensive drug, far more than anyone needs.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import CLINIC, PHARMACY
from ingest.synth.claims import DAY, OUTPATIENT, PHARMACY_VISIT, Claims, pick_doctor, pick_operator
from ingest.synth.rings.common import round_cents

__all__ = ["plant"]


def plant(rng, people, city, cal, picker, reg) -> list[Claims]:
    out = []
    venues_all = np.flatnonzero(np.isin(city.category, (PHARMACY, CLINIC)))
    for _ in range(int(rng.integers(3, 6)) + len(people) // 150_000):
        size = int(rng.integers(6, 18))
        drug = dx.EXPENSIVE_DRUG_CODES[rng.integers(0, len(dx.EXPENSIVE_DRUG_CODES))]
        code = dx.code_index([drug])[0]
        # 门诊特病 patients with the condition the drug treats; other chronic patients fill up
        ill = (people.age >= 40) & (people.nursing_home < 0)
        members = reg.free(rng, size, np.flatnonzero(ill & (people.chronic == np.flatnonzero(dx.CHRONIC_CODES == drug)[0])))
        for extra in (ill & (people.chronic >= 0), ill):
            if len(members) < size:
                members = np.concatenate([members, reg.free(rng, size - len(members), np.flatnonzero(extra), members)])
        price = rng.uniform(600, 1500)
        share = rng.uniform(0.6, 0.75)
        circuit = rng.choice(venues_all, size=min(len(venues_all), int(rng.integers(6, 12))), replace=False)
        n_tours = int(rng.integers(8, 18))
        days = np.sort(rng.choice(cal.ndays, n_tours, replace=False)) + cal.first
        used = []
        parts = []
        for day in days:
            who = members[rng.random(len(members)) < rng.uniform(0.6, 1.0)]
            if len(who) < 3:
                who = members[:3]
            stops = rng.choice(circuit, size=int(rng.integers(3, 6)), replace=False)
            used.extend(stops.tolist())
            clock = day * DAY + int(rng.integers(8 * 3600, 10 * 3600))
            for inst in stops:
                m = len(who)
                t = clock + np.sort(rng.integers(0, 20 * 60, m))
                clock = int(t.max()) + int(rng.integers(30 * 60, 80 * 60))
                inst_a = np.full(m, inst)
                cat = city.category[inst]
                total = round_cents(price * rng.choice([1, 1, 2], m) * rng.uniform(0.97, 1.03, m))
                fund = np.minimum(round_cents(total * share), total)
                parts.append(Claims.make(
                    patient=who, inst=inst_a, doctor=pick_doctor(rng, city, inst_a) if cat == CLINIC else -1,
                    visit=PHARMACY_VISIT if cat == PHARMACY else OUTPATIENT, t=t, total=total, fund=fund, diag=code,
                    op=pick_operator(rng, city, inst_a, t), tag=0))
        tag = reg.add("drug_reselling", True, members, [], np.unique(used))
        for c in parts:
            c.tag[:] = tag
        out += parts
    return out

"""医患合谋, 诱导住院, 挂床住院: a private hospital's few doctors admit recruited patients, mostly
elderly and from other districts, in waves; the stays overlap, the diagnoses are alike, the fund
pays a lot, and the same people are back months later.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import L1, PRIVATE
from ingest.synth.claims import DAY, INPATIENT, Claims, pick_operator
from ingest.synth.rings.common import doctors_of, round_cents

__all__ = ["plant"]

_FAKE_DX = ["I63.9", "J44.1", "I25.1", "M51.2", "I50.9", "M17.9"]


def plant(rng, people, city, cal, picker, reg) -> list[Claims]:
    out = []
    hospitals = list(np.flatnonzero(city.category == PRIVATE))
    for _ in range(int(rng.integers(3, 6)) + len(people) // 150_000):
        if not hospitals:  # a small city: a township hospital plays the part
            hospitals = list(np.flatnonzero(city.category == L1))
        inst = int(hospitals.pop(int(rng.integers(0, len(hospitals)))))
        docs = doctors_of(city, inst)
        ring_docs = rng.choice(docs, size=min(len(docs), int(rng.integers(2, 4))), replace=False)
        home = city.district[inst]
        size = int(rng.integers(10, 32))
        far = np.flatnonzero((people.district != home) & (people.age >= 60) & (people.nursing_home < 0))
        # camouflage: a share of recruits are younger or local
        n_far = int(round(size * rng.uniform(0.55, 0.85)))
        elderly_far = reg.free(rng, n_far, far)
        recruits = np.concatenate([elderly_far, reg.free(rng, size - n_far, np.flatnonzero(
            (people.age >= 35) & (people.nursing_home < 0)), elderly_far)])
        tag = reg.add("doctor_patient_collusion", True, recruits, ring_docs, [inst])
        codes = dx.code_index(rng.choice(_FAKE_DX, size=int(rng.integers(2, 4)), replace=False))
        median = rng.uniform(9000, 16000)
        share = rng.uniform(0.82, 0.9)
        n_waves = int(rng.integers(2, 5))
        spread = int(rng.integers(3, 10))  # days over which a wave is admitted
        los_lo = int(rng.integers(6, 10))
        first = cal.first + int(rng.integers(0, 60))
        wave_days = first + np.cumsum(np.r_[0, rng.integers(55, 110, n_waves - 1)])
        for wd in wave_days:
            who = recruits[rng.random(len(recruits)) < rng.uniform(0.6, 0.95)]
            m = len(who)
            if m < 3:
                continue
            adm = wd + rng.integers(0, spread, m)
            los = rng.integers(los_lo, los_lo + 8, m)
            dis = adm + los
            keep = dis < cal.first + cal.ndays
            who, adm, dis, m = who[keep], adm[keep], dis[keep], int(keep.sum())
            if m == 0:
                continue
            t = dis.astype(np.int64) * DAY + rng.integers(9 * 3600, 16 * 3600, m)
            total = round_cents(median * np.exp(rng.normal(0, 0.25, m)))
            fund = np.minimum(round_cents(total * share), total)
            out.append(Claims.make(patient=who, inst=inst, doctor=rng.choice(ring_docs, m), visit=INPATIENT, t=t,
                                   adm=adm, dis=dis, total=total, fund=fund, diag=rng.choice(codes, m),
                                   op=pick_operator(rng, city, np.full(m, inst), t), tag=tag))
    return out


"""分解住院: a hospital cuts one stay into several to pass the per-stay limit: discharge and
readmission at the same hospital within days, each piece just under the limit. It is the
institution's scheme, spread over many of its patients and over the whole year.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import L1, PRIVATE
from ingest.synth.claims import DAY, INPATIENT, Claims, pick_operator
from ingest.synth.rings.common import doctors_of, round_cents

__all__ = ["plant"]


def plant(rng, people, city, cal, picker, reg) -> list[Claims]:
    out = []
    pool = list(np.flatnonzero(np.isin(city.category, (L1, PRIVATE))))
    for _ in range(int(rng.integers(3, 5)) + len(people) // 200_000):
        if not pool:
            break
        inst = int(pool.pop(int(rng.integers(0, len(pool)))))
        docs = doctors_of(city, inst)
        ring_docs = rng.choice(docs, size=min(len(docs), int(rng.integers(1, 4))), replace=False)
        local = np.flatnonzero((people.district == city.district[inst]) & (people.age >= 18) & (people.nursing_home < 0))
        patients = reg.free(rng, int(rng.integers(15, 45)), local)
        if len(patients) < 5:
            continue
        tag = reg.add("split_hospitalization", True, patients, ring_docs, [inst])
        limit = 5000.0 if city.category[inst] == L1 else 8000.0
        # episodes: one or two per patient, each cut into 2-4 stays
        n_ep = rng.integers(1, 3, len(patients))
        who_ep = np.repeat(patients, n_ep)
        e = len(who_ep)
        seg = rng.integers(2, 5, e)
        start = cal.first + rng.integers(0, cal.ndays - 40, e)
        ep_diag = dx.draw(rng, np.full(e, dx.INPATIENT), dx.demographic_group(people.age[who_ep], people.male[who_ep]))
        ep_of = np.repeat(np.arange(e), seg)
        m = len(ep_of)
        los = rng.integers(3, 9, m)
        gap = rng.choice([0, 1, 1, 2, 2, 3, 4, 5], m)  # readmitted the same day up to five days later
        step = los + gap
        # a segment is admitted at its episode's start plus the earlier segments' stays and gaps
        csum = np.cumsum(step)
        ep_first = np.r_[0, csum[:-1]][np.r_[0, np.cumsum(seg)[:-1]]]
        adm = start[ep_of] + (np.r_[0, csum[:-1]] - np.repeat(ep_first, seg))
        dis = adm + los
        keep = dis < cal.first + cal.ndays
        ep_of, adm, dis, los = ep_of[keep], adm[keep], dis[keep], los[keep]
        m = len(ep_of)
        who = who_ep[ep_of]
        t = dis.astype(np.int64) * DAY + rng.integers(9 * 3600, 16 * 3600, m)
        total = round_cents(limit * rng.uniform(0.75, 0.98, m))
        fund = np.minimum(round_cents(total * rng.uniform(0.8, 0.88, m)), total)
        inst_a = np.full(m, inst)
        out.append(Claims.make(patient=who, inst=inst_a, doctor=rng.choice(ring_docs, m), visit=INPATIENT, t=t,
                               adm=adm, dis=dis, total=total, fund=fund, diag=ep_diag[ep_of],
                               op=pick_operator(rng, city, inst_a, t), tag=tag))
    return out

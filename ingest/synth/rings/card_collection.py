"""集中收卡、串刷套刷: a pharmacy or clinic holds many people's cards and one cashier account swipes
them in bursts, minutes apart, often after hours, for near-identical amounts, week after week.
The card holders have nothing else in common: they live all over the city.
"""

from __future__ import annotations

import numpy as np

from ingest.synth import diagnoses as dx
from ingest.synth.city import CLINIC, PHARMACY
from ingest.synth.claims import DAY, OUTPATIENT, PHARMACY_VISIT, Claims
from ingest.synth.rings.common import doctors_of, operators_of, round_cents

__all__ = ["plant"]


def plant(rng, people, city, cal, picker, reg) -> list[Claims]:
    out = []
    taken_inst: set[int] = set()
    for _ in range(int(rng.integers(3, 6)) + len(people) // 150_000):
        cat = PHARMACY if rng.random() < 0.7 else CLINIC
        pool = [i for i in np.flatnonzero(city.category == cat) if i not in taken_inst]
        if not pool:
            continue
        inst = int(rng.choice(pool))
        taken_inst.add(inst)
        op = int(rng.choice(operators_of(city, inst)))
        doctor = int(rng.choice(doctors_of(city, inst))) if cat == CLINIC else -1
        holders = reg.free(rng, int(rng.integers(12, 45)), np.flatnonzero(people.age >= 16))
        tag = reg.add("card_collection", True, holders, [doctor] if doctor >= 0 else [], [inst], [op])

        after_hours_p = rng.uniform(0.5, 0.95)  # camouflage: some rings swipe in opening hours
        base = rng.uniform(120, 380)
        jitter = rng.uniform(0.005, 0.04)  # how carefully the amounts are varied to look natural
        max_gap = int(rng.integers(150, 420))  # seconds between swipes
        share = rng.uniform(0.75, 0.9)
        code = dx.code_index(dx.CHRONIC_CODES[:3])[rng.integers(0, 3)]
        first = cal.first + int(rng.integers(0, cal.ndays // 2))
        n_sessions = int(rng.integers(6, 16))
        gaps = rng.integers(5, 15, n_sessions)
        days = first + np.cumsum(gaps) - gaps[0]
        days = days[days < cal.first + cal.ndays]
        for day in days:
            who = holders[rng.random(len(holders)) < rng.uniform(0.5, 1.0)]
            m = len(who)
            if m < 3:
                continue
            if rng.random() < after_hours_p:
                start = int(rng.integers(19 * 3600, int(22.5 * 3600)))
            else:
                start = int(rng.integers(9 * 3600, 16 * 3600))
            t = day * DAY + start + np.cumsum(rng.integers(30, max_gap, m))
            total = round_cents(base * rng.uniform(1 - jitter, 1 + jitter, m))
            fund = np.minimum(round_cents(total * share), total)
            visit = PHARMACY_VISIT if cat == PHARMACY else OUTPATIENT
            out.append(Claims.make(patient=rng.permutation(who), inst=inst, doctor=doctor, visit=visit, t=t,
                                   total=total, fund=fund, diag=code, op=op, tag=tag))
    return out

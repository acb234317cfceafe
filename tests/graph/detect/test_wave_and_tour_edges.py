"""Edge cases found on held-out cities: a collusion wave that calendar weeks cut in two, and a
tight group of cards chained to unrelated ones by a few chance pairs."""

from __future__ import annotations

import pandas as pd

from graph.detect import collusion, tours
from graph.detect.frame import ClaimFrame


def _waves_straddling_weeks() -> pd.DataFrame:
    """Two waves at H7 by two doctors, each spread over 7 days so that no calendar week (on
    either grid) holds four of one doctor's admissions, and no recruit comes back twice on the
    same grid week as another; plus a steady trickle of ordinary admissions."""
    rows = []
    waves = {"2024-02-26": ("D1", [0, 1, 4, 6, 6]), "2024-05-26": ("D2", [0, 0, 6, 6, 3])}
    k = 0
    for start, (doc, offsets) in waves.items():
        for off in offsets:
            a = pd.Timestamp(start) + pd.Timedelta(days=off)
            rows.append((f"w{k}", f"P{k}", "H7", doc, a, a + pd.Timedelta(days=10), "J44.1"))
            k += 1
    for j in range(60):  # ordinary admissions, about one a week per doctor
        a = pd.Timestamp("2024-01-03") + pd.Timedelta(days=6 * j)
        rows.append((f"n{j}", f"Q{j}", "H7", ("D1", "D2", "D3")[j % 3], a, a + pd.Timedelta(days=4), "J18.9"))
    claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "doctor_id", "admitted_on",
                                         "discharged_on", "diagnosis"])
    claims["settled_at"] = claims["discharged_on"]
    claims["total_amount"] = 9000.0
    claims["visit_type"] = "inpatient"
    return claims


def test_doctor_waves_are_seen_whatever_the_calendar_week():
    f = ClaimFrame(_waves_straddling_weeks())
    s = collusion.stays(f)
    found = collusion._doctor_waves(s[s.start], min_wave=4, lift=3.0)
    assert len(found) == 1
    recruits = {f"P{k}" for k in range(10)}
    assert recruits <= set(f.ids("patient", found[0]))
    # only ordinary admissions by the wave's doctor inside the wave's seven days come along
    assert len(set(f.ids("patient", found[0])) & {f"Q{j}" for j in range(60)}) <= 2


def test_tight_group_chained_to_others_is_split_out():
    rows = []
    # the ring: 6 cards together at two institutions on 6 days
    for d in range(6):
        for k in range(6):
            rows.append((f"r{d}{k}", f"C{k}", f"Y{d % 2}", pd.Timestamp("2024-03-01 10:00") + pd.Timedelta(days=7 * d, minutes=3 * k)))
    # a loose chain: each of 30 other cards meets the next one on two days at two places, and
    # card C0 meets the chain's first card likewise, joining the ring to the chain
    chain = ["C0"] + [f"X{j}" for j in range(30)]
    for j in range(len(chain) - 1):
        for d, inst in ((0, "Z1"), (1, "Z2")):
            t = pd.Timestamp("2024-08-01 15:00") + pd.Timedelta(days=3 * j + d)
            rows += [(f"c{j}{d}a", chain[j], inst, t), (f"c{j}{d}b", chain[j + 1], inst, t + pd.Timedelta(minutes=5))]
    claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "settled_at"])
    claims["total_amount"] = 100.0
    f = ClaimFrame(claims)
    found = tours.tours(f, entity="card", window=240, min_places=2, min_days=2, min_size=3)
    ring = {f"C{k}" for k in range(6)}
    assert any(ring <= set(f.ids("card", t.members)) and len(t.members) <= 8 for t in found)

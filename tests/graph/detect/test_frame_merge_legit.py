"""The claim frame's coding, the merge rules and the legit reasons, on hand-made cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate
from graph.detect.frame import ClaimFrame
from graph.detect.legit import assess
from graph.detect.merge import merge, to_rings


def claims_of(n, **cols):
    base = {"claim_id": [f"c{k}" for k in range(n)], "patient_id": [f"P{k}" for k in range(n)],
            "institution_id": "H1", "settled_at": pd.Timestamp("2024-02-01 10:00"), "total_amount": 100.0}
    base.update(cols)
    return pd.DataFrame(base)


def test_frame_codes_do_not_depend_on_row_order():
    c = claims_of(5, settled_at=pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-01", "2024-01-05"]))
    a, b = ClaimFrame(c), ClaimFrame(c.iloc[::-1])
    assert a.claim_ids(range(a.n)) == b.claim_ids(range(b.n)) == ["c1", "c3", "c2", "c0", "c4"]
    assert (a.patient == b.patient).all() and (a.day == b.day).all()


def test_frame_reference_places_homes_at_their_region_centre():
    inst = pd.DataFrame({"institution_id": ["H1", "H2", "H3"], "region": ["A", "A", "B"],
                         "lat": [30.0, 30.2, 29.0], "lon": [120.0, 120.2, 119.0], "kind": ["Pharmacy", "clinic", "hospital"]})
    pats = pd.DataFrame({"patient_id": ["P0", "P1"], "region": ["A", "B"], "sex": ["女", "M"], "birth_year": [1950, 2000]})
    f = ClaimFrame(claims_of(2), institutions=inst, patients=pats)
    assert f.p_lat.tolist() == [30.1, 29.0] and f.p_sex.tolist() == [2, 1]
    assert f.i_kind.tolist() == ["pharmacy"]  # only institutions in the claims; kinds lower-cased
    assert round(float(f.home_distance_km(np.array([1]))[0])) > 100


def test_fund_falls_back_to_total_and_card_to_patient():
    f = ClaimFrame(claims_of(2, fund_amount=[None, 30.0]))
    assert f.fund.tolist() == [100.0, 30.0]
    assert f.labels["card"].tolist() == ["P0", "P1"]


def test_named_patterns_do_not_swallow_each_other():
    f = ClaimFrame(claims_of(8))
    a = Candidate.from_rows(f, "card_collection", "x", [0, 1, 2, 3], strength=0.9)
    b = Candidate.from_rows(f, "drug_reselling", "y", [2, 3, 4, 5], strength=0.8)  # half shared
    c = Candidate.from_rows(f, "impersonation", "z", [0, 1, 2, 3], strength=0.5)  # same people
    merged = merge([b, c, a])
    assert [m.pattern for m in merged] == ["card_collection", "drug_reselling"]
    assert merged[0].detectors == ["x", "z"]


def test_a_folded_in_part_of_another_pattern_names_no_organiser():
    f = ClaimFrame(claims_of(8))
    tour = Candidate.from_rows(f, "drug_reselling", "tours", [0, 1, 2, 3], strength=0.9,
                               roles={"patient:P0": "organiser"})
    burst = Candidate.from_rows(f, "card_collection", "card_bursts", [0, 1, 2, 3], strength=0.5,
                                roles={"institution:H1": "organiser", "operator:OP1": "organiser"})
    (merged,) = merge([tour, burst])
    assert merged.pattern == "drug_reselling"
    assert merged.roles == {"patient:P0": "organiser", "institution:H1": "participant",
                            "operator:OP1": "participant"}


def test_a_much_bigger_community_lends_no_evidence():
    f = ClaimFrame(claims_of(12))
    ring = Candidate.from_rows(f, "card_collection", "x", [0, 1, 2], strength=0.9)
    crowd = Candidate.from_rows(f, "community", "leiden", list(range(12)), strength=0.3)
    rings = to_rings(f, [ring, crowd])
    assert [r.pattern for r in rings] == ["card_collection", "community"]


def test_household_and_health_check_reasons():
    pats = pd.DataFrame({"patient_id": [f"P{k}" for k in range(4)], "address": ["同一地址"] * 4,
                         "phone": ["1"] * 4, "birth_year": [1960, 1962, 1990, 2015]})
    f = ClaimFrame(claims_of(4), patients=pats)
    penalty, reasons = assess(f, np.arange(4), np.arange(4))
    assert penalty >= 0.5 and reasons[0].kind == "legit" and "household" in reasons[0].text_en
    f = ClaimFrame(claims_of(40, fund_amount=0.0, diagnosis="Z00.0"))
    penalty, reasons = assess(f, np.arange(40), np.arange(40))
    assert penalty >= 0.8 and any("health check" in r.text_en for r in reasons)
    f = ClaimFrame(claims_of(10, fund_amount=90.0))
    assert assess(f, np.arange(10), np.arange(10)) == (0.0, [])


def test_a_residence_that_makes_most_of_the_claims_is_a_reason_even_when_few_of_the_people():
    # 10 old residents of one home with 6 claims each, 12 other people with one claim each
    pats = pd.DataFrame({"patient_id": [f"R{k}" for k in range(10)] + [f"O{k}" for k in range(12)],
                         "address": ["颐养院"] * 10 + [f"路{k}号" for k in range(12)],
                         "birth_year": [1945] * 10 + [1980] * 12})
    ids = [f"R{k}" for k in range(10) for _ in range(6)] + [f"O{k}" for k in range(12)]
    claims = pd.DataFrame({"claim_id": [str(i) for i in range(len(ids))], "patient_id": ids, "institution_id": "H1",
                           "settled_at": pd.Timestamp("2024-01-01 09:00"), "total_amount": 50.0})
    f = ClaimFrame(claims, patients=pats)
    penalty, reasons = assess(f, np.arange(22), np.arange(f.n))
    assert penalty == 0.75
    assert "nursing home" in reasons[0].text_en and "83% of the claims" in reasons[0].text_en
    # the same people with one claim each: most people live elsewhere, so no reason
    one_each = np.unique(f.patient, return_index=True)[1]
    assert assess(f, np.arange(22), one_each) == (0.0, [])


def test_holders_of_an_address_or_phone_are_every_patient_with_it(small_city):
    import numpy as np

    from graph.detect.legit import _holders

    f = ClaimFrame(small_city["claims"], **small_city["refs"])
    for attr in ("p_address", "p_phone"):
        col = getattr(f, attr)
        assert (col >= 0).any()
        for code in [-1, 0, 1, int(col.max()), int(col.max()) + 1, *np.unique(col)[:30].tolist()]:
            assert np.array_equal(_holders(f, attr, code), np.flatnonzero(col == code)), (attr, code)

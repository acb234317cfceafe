"""Ring.to_dict is built field by field (for speed): it must give exactly what the generic
dataclasses.asdict gives, with every field, and share no list with the ring."""

from __future__ import annotations

import dataclasses

from graph.detect.ring import Evidence, Ring


def _ring() -> Ring:
    return Ring(ring_id="R0007", score=0.71, pattern="community",
                members={"patients": ["P1", "P2"], "cards": ["K1"], "doctors": [], "institutions": ["H1"], "operators": []},
                claim_ids=["c1", "c2"], fund_amount=120.5, first_seen="2024-01-02", last_seen="2024-02-03",
                evidence=[Evidence("两人同日就诊", "two people on the same day", ["c1"], "synchrony")],
                roles={"patient:P1": "participant"}, districts=["D1"], detectors=["leiden"], score_parts={"money": 0.2})


def test_to_dict_equals_asdict_with_every_field():
    r = _ring()
    want = dataclasses.asdict(r)
    want["evidence"] = [e.text_en for e in r.evidence]
    want["evidence_detail"] = [dataclasses.asdict(e) for e in r.evidence]
    got = r.to_dict()
    assert got == want and list(got) == list(want)
    assert [f.name for f in dataclasses.fields(Ring)] == list(got)[:-1]
    assert Ring.from_dict(got) == r


def test_to_dict_shares_no_list_with_the_ring():
    r = _ring()
    d = r.to_dict()
    d["members"]["patients"].append("P9")
    d["claim_ids"].append("c9")
    d["evidence_detail"][0]["claim_ids"].append("c9")
    assert r.members["patients"] == ["P1", "P2"] and r.claim_ids == ["c1", "c2"] and r.evidence[0].claim_ids == ["c1"]

"""Each pattern detector, on its own, finds the rings of its pattern planted in a small city,
and nothing it reports with confidence is a legitimate group."""

from __future__ import annotations

import pytest

from graph.detect import card_collection, collusion, drug_reselling, impersonation, split_hospitalization
from graph.detect.frame import ClaimFrame

DETECTORS = {
    "card_collection": card_collection.detect,
    "doctor_patient_collusion": collusion.detect,
    "impersonation": impersonation.detect,
    "drug_reselling": drug_reselling.detect,
    "split_hospitalization": split_hospitalization.detect,
}


@pytest.fixture(scope="module")
def frame(small_city):
    return ClaimFrame(small_city["claims"], **small_city["refs"])


def holds_half(found_ids: set, group: dict) -> bool:
    people = set(group["members"]["patients"])
    return len(people & found_ids) * 2 >= len(people)


@pytest.mark.parametrize("pattern", list(DETECTORS))
def test_detector_finds_its_planted_rings(pattern, frame, small_city):
    planted = [r for r in small_city["truth"]["rings"] if r["pattern"] == pattern]
    assert planted, "the synthetic city plants every pattern"
    cands = [c for c in DETECTORS[pattern](frame) if c.pattern == pattern]
    found = [set(frame.ids("patient", c.patients)) for c in cands]
    hit = sum(any(holds_half(ids, r) for ids in found) for r in planted)
    assert hit / len(planted) >= 0.75, (pattern, hit, len(planted))
    for c in cands:  # every candidate explains itself with checkable claims
        assert c.evidence and all(e.claim_ids for e in c.evidence)
        assert set(c.evidence[0].claim_ids) <= set(frame.claim_ids(c.rows))


@pytest.mark.parametrize("pattern", list(DETECTORS))
def test_confident_candidates_are_not_legit_groups(pattern, frame, small_city):
    legit = small_city["truth"]["legit_groups"]
    for c in DETECTORS[pattern](frame):
        if c.strength < 0.8:
            continue
        ids = set(frame.ids("patient", c.patients))
        assert not any(holds_half(ids, g) for g in legit), (pattern, c.evidence[0].text_en)


def test_impersonation_flags_fit_the_rules(frame):
    from graph.detect.impersonation import flags

    fl = flags(frame)
    assert len(fl) == frame.n
    # the synthetic city gives some misfit diagnoses, trips and far claims, but not most claims
    assert 0 < fl.misfit.mean() < 0.05
    assert 0 < fl.far.mean() < 0.5

"""detect(): quality on a small city, determinism, explanations, legit groups ranked low."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from graph.detect.evaluate import evaluate
from graph.detect.pipeline import detect
from graph.detect.ring import PATTERNS, read_rings_json, write_rings_json


def test_small_city_recall_and_precision(small_city, small_rings):
    result = evaluate(small_rings, small_city["truth"])
    assert result["overall"]["recall"] >= 0.9
    assert result["overall"]["precision_at_n"] >= 0.8


def test_every_ring_explains_itself(small_rings):
    assert small_rings
    for r in small_rings:
        assert r.pattern in PATTERNS
        assert r.evidence, r.ring_id
        claims = set(r.claim_ids)
        for e in r.evidence:
            assert e.text_zh and e.text_en and e.claim_ids
            assert set(e.claim_ids) <= claims
        assert 0.0 <= r.score <= 1.0
        assert r.first_seen <= r.last_seen


def test_rings_are_sorted_and_numbered(small_rings):
    scores = [r.score for r in small_rings]
    assert scores == sorted(scores, reverse=True)
    assert [r.ring_id for r in small_rings] == [f"R{k:04d}" for k in range(1, len(small_rings) + 1)]


def test_same_input_in_any_order_gives_the_same_rings(small_city, small_rings):
    shuffled = small_city["claims"].sample(frac=1.0, random_state=5).reset_index(drop=True)
    again = detect(shuffled, **small_city["refs"])
    assert [r.to_dict() for r in again] == [r.to_dict() for r in small_rings]


def test_legit_groups_rank_below_every_planted_ring(small_city, small_rings):
    result = evaluate(small_rings, small_city["truth"])
    n = len(small_city["truth"]["rings"])
    for g in result["legit_groups"]:
        assert g["rank"] is None or g["rank"] > n, g


def test_legit_reasons_are_shown(small_rings):
    legit = [e for r in small_rings for e in r.evidence if e.kind == "legit"]
    assert legit, "the nursing homes and families in the city come with a stated reason"
    assert all(e.text_zh and e.text_en for e in legit)


def test_json_round_trip(tmp_path, small_rings):
    path = tmp_path / "rings.json"
    write_rings_json(small_rings, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["rings"][0]["ring_id"] == "R0001" and isinstance(doc["rings"][0]["evidence"][0], str)
    assert read_rings_json(path) == small_rings
    # one ring a line (json's C encoder), the whole document still one JSON value
    assert path.read_text(encoding="utf-8").count("\n") == len(small_rings) + 3
    # the alert list's reading: everything but the evidence
    bare = read_rings_json(path, evidence=False)
    assert all(r.evidence for r in small_rings) and not any(r.evidence for r in bare)
    assert [dataclasses.replace(r, evidence=[]) for r in small_rings] == bare


def test_empty_and_tiny_inputs():
    assert detect(pd.DataFrame(columns=["claim_id", "patient_id", "institution_id", "settled_at", "total_amount"])) == []
    one = pd.DataFrame({"claim_id": ["c1"], "patient_id": ["P1"], "institution_id": ["H1"],
                        "settled_at": [pd.Timestamp("2024-01-01")], "total_amount": [10.0]})
    assert detect(one) == []

import json

import pytest

from graph.detect.evaluate import evaluate, format_report
from graph.detect.ring import Ring, write_rings_json
from ringtrace.cli import main


def _truth():
    return {
        "seed": 1,
        "patients": 100,
        "rings": [
            {"ring_id": "P001", "pattern": "card_collection",
             "members": {"patients": ["a1", "a2", "a3", "a4"], "cards": ["ca1", "ca2", "ca3", "ca4"]}},
            {"ring_id": "P002", "pattern": "card_collection",
             "members": {"patients": ["b1", "b2"], "cards": ["cb1", "cb2"]}},
            {"ring_id": "P003", "pattern": "split_hospitalization",
             "members": {"patients": ["s1", "s2", "s3", "s4", "s5", "s6"]}},
            # a ring known only by its cards
            {"ring_id": "P004", "pattern": "impersonation", "members": {"patients": [], "cards": ["k1", "k2", "k3"]}},
        ],
        "legit_groups": [
            {"group_id": "L001", "kind": "family", "members": {"patients": ["f1", "f2", "f3"]}},
            {"group_id": "L002", "kind": "health_check", "members": {"patients": ["h1", "h2"]}},
        ],
    }


def _ring(rid, score, pattern, patients=(), cards=()):
    return Ring(rid, score, pattern, {"patients": list(patients), "cards": list(cards), "doctors": [],
                                       "institutions": []}, [], 0.0, "2024-01-01", "2024-01-02")


def _perfect():
    return [
        _ring("R1", 0.9, "card_collection", ["a1", "a2", "a3", "a4"]),
        _ring("R2", 0.8, "card_collection", ["b1", "b2"]),
        _ring("R3", 0.7, "split_hospitalization", ["s1", "s2", "s3", "s4", "s5", "s6"]),
        _ring("R4", 0.6, "impersonation", cards=["k1", "k2", "k3"]),
        _ring("R5", 0.1, "community", ["f1", "f2"]),
    ]


def test_perfect_detection():
    r = evaluate(_perfect(), _truth())
    assert r["overall"] == {"planted": 4, "reported": 5, "found": 4, "recall": 1.0, "precision_at_n": 1.0,
                            "average_precision": 1.0}
    for m in r["per_pattern"].values():
        assert m["recall"] == m["precision_at_n"] == m["average_precision"] == 1.0
    assert [g["rank"] for g in r["legit_groups"]] == [5, None]
    assert r["legit_groups"][0]["ring_id"] == "R5"
    assert all(x["found"] for x in r["rings"])


def test_input_order_does_not_matter():
    assert evaluate(list(reversed(_perfect())), _truth()) == evaluate(_perfect(), _truth())


def test_empty_detection():
    r = evaluate([], _truth())
    assert r["overall"]["recall"] == r["overall"]["precision_at_n"] == r["overall"]["average_precision"] == 0.0
    assert r["overall"]["found"] == 0
    assert all(g["rank"] is None for g in r["legit_groups"])
    assert "missed: P001" in format_report(r)


def test_partial_detection():
    rings = [
        _ring("X1", 0.99, "community", ["f1", "f2", "f3"]),             # a family ranked first: a false positive
        _ring("X2", 0.95, "card_collection", ["a1", "a2", "zz", "yy"]),  # exactly half of P001: found
        _ring("X3", 0.90, "card_collection", ["s1", "s2"]),              # a third of P003 only: not found
        _ring("X4", 0.50, "impersonation", cards=["k1"]),                # a third of P004: not found
        _ring("X5", 0.40, "split_hospitalization", ["s1", "s2", "s3"]),  # half of P003, rank 5 <= 2N = 8
    ]
    r = evaluate(rings, _truth())
    o = r["overall"]
    assert o["found"] == 2 and o["recall"] == 0.5
    # top N = 4: X2 matches; X1, X3, X4 do not
    assert o["precision_at_n"] == 0.25
    # found at ranks 2 and 5: (1/2 + 2/5) / 4
    assert o["average_precision"] == pytest.approx((1 / 2 + 2 / 5) / 4, abs=1e-4)
    cc = r["per_pattern"]["card_collection"]
    assert cc["found"] == 1 and cc["recall"] == 0.5 and cc["reported"] == 2
    # labelled card_collection: X2 (matches P001), X3 (matches no card_collection ring)
    assert cc["precision_at_n"] == 0.5
    assert cc["average_precision"] == 0.5
    assert r["per_pattern"]["split_hospitalization"]["recall"] == 1.0
    assert r["per_pattern"]["impersonation"]["recall"] == 0.0
    assert r["legit_groups"][0]["rank"] == 1
    by_id = {x["ring_id"]: x for x in r["rings"]}
    assert by_id["P001"]["rank"] == 2 and by_id["P001"]["matched_ring_id"] == "X2"
    assert by_id["P003"]["rank"] == 5


def test_only_the_top_2n_count():
    noise = [_ring(f"N{i}", 1.0 - i / 100, "community", [f"n{i}"]) for i in range(8)]
    late = _ring("LATE", 0.01, "card_collection", ["a1", "a2", "a3", "a4"])
    r = evaluate(noise + [late], _truth())
    assert r["overall"]["found"] == 0  # rank 9 > 2N = 8
    assert r["overall"]["precision_at_n"] == 0.0


def test_one_ring_cannot_find_two_planted_rings_twice_in_ap():
    big = _ring("BIG", 0.9, "card_collection", ["a1", "a2", "a3", "a4", "b1", "b2"])
    r = evaluate([big], _truth())
    assert r["overall"]["found"] == 2  # recall is generous: both are half-covered by a top ring
    assert r["overall"]["average_precision"] == pytest.approx(1 / 4)  # but one ring earns one hit


def test_command_prints_table_and_json(tmp_path, capsys):
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps(_truth()), encoding="utf-8")
    rings = tmp_path / "rings.json"
    write_rings_json(_perfect(), rings)
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth), "--rings", str(rings)]) == 0
    out = capsys.readouterr().out
    assert "card_collection" in out and "overall" in out and "L001" in out and "rank 5" in out
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth), "--rings", str(rings), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["overall"]["recall"] == 1.0
    # default rings file: HOME/rings.json
    write_rings_json(_perfect()[:1], tmp_path / "ws" / "rings.json")
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["found"] == 1


def test_command_errors_are_clear(tmp_path, capsys):
    truth = tmp_path / "truth.json"
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth)]) == 2
    assert "ringtrace synth" in capsys.readouterr().err
    truth.write_text(json.dumps(_truth()), encoding="utf-8")
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth)]) == 2
    assert "ringtrace detect" in capsys.readouterr().err
    truth.write_text(json.dumps({"rings": [{"ring_id": "P1", "members": {}}]}), encoding="utf-8")
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth)]) == 2
    assert 'rings[0] has no "pattern"' in capsys.readouterr().err
    truth.write_text("{not json", encoding="utf-8")
    assert main(["--home", str(tmp_path / "ws"), "evaluate", "--truth", str(truth)]) == 2
    assert "not valid" in capsys.readouterr().err

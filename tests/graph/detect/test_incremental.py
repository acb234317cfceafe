"""Daily increments: a city ingested day by day gives, after every day, exactly the rings of a
full recomputation; the run really was an increment; the alert list names the ring a day's
claims grew and the ring that only the new day completes; any doubt falls back to a full run;
a failure in the middle leaves the previous state usable.

Two workspaces receive the same batches: ``inc`` runs ``detect`` as an increment, ``full``
recomputes everything (``full=True``); the whole rings JSON of the two is compared.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from graph.detect import pipeline, state
from ringtrace.workspace import Workspace

PLANTED_OPERATOR = "OPPLANT01"


def _rings(rings) -> list[dict]:
    return [r.to_dict() for r in rings]


def _burst(template: pd.DataFrame, who: pd.DataFrame, inst: str, operator: str, day, tag: str) -> pd.DataFrame:
    """One evening's card burst: ``who`` (patient_id, card_id) swiped two minutes apart."""
    rows = template.iloc[[0] * len(who)].copy()
    start = pd.Timestamp(day) + pd.Timedelta(hours=21, minutes=5)
    rows["claim_id"] = [f"PLANT-{tag}-{k:03d}" for k in range(len(who))]
    rows["patient_id"] = who.patient_id.to_numpy()
    rows["card_id"] = who.card_id.to_numpy()
    rows["institution_id"] = inst
    rows["operator_id"] = operator
    rows["doctor_id"] = None
    rows["visit_type"] = "pharmacy"
    rows["settled_at"] = [start + pd.Timedelta(minutes=2 * k) for k in range(len(who))]
    rows["admitted_on"] = None
    rows["discharged_on"] = None
    rows["total_amount"] = 98.0
    rows["fund_amount"] = 80.0
    rows["diagnosis"] = "E11.9"
    return rows


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """Seed-23 city of 1,000 people: all days but the last two as the base (with two evenings
    of a planted card burst), then one day at a time; the last day also completes the planted
    burst's third evening and adds an evening to a ring found in the base."""
    from ingest.api import ingest_paths
    from ingest.synth import generate

    root = tmp_path_factory.mktemp("incr")
    generate(root / "city", patients=1000, seed=23, fmt="parquet")
    inp = root / "city" / "input"
    claims = pd.read_parquet(inp / "claims.parquet")
    day = pd.to_datetime(claims.settled_at).dt.normalize()
    days = sorted(day.unique())
    last = days[-2:]
    insts = pd.read_parquet(inp / "institutions.parquet")
    pharmacy = str(insts.institution_id[insts.kind == "pharmacy"].iloc[0])
    # six people who are in no planted ring: the new ring's cards
    truth = json.loads((root / "city" / "truth.json").read_text(encoding="utf-8"))
    ringed = {p for r in truth.get("rings", []) for p in r.get("members", {}).get("patients", [])}
    people = claims[["patient_id", "card_id"]].drop_duplicates("patient_id")
    fresh = people[~people.patient_id.isin(ringed)].iloc[:6]
    base = root / "base"
    base.mkdir()
    for k in ("institutions", "doctors", "patients"):
        (base / f"{k}.parquet").write_bytes((inp / f"{k}.parquet").read_bytes())
    planted = [_burst(claims, fresh, pharmacy, PLANTED_OPERATOR, days[-12], "a"),
               _burst(claims, fresh, pharmacy, PLANTED_OPERATOR, days[-7], "b")]
    pd.concat([claims[day < last[0]], *planted], ignore_index=True).to_parquet(base / "claims.parquet", index=False)

    inc, full = Workspace(root / "inc").ensure(), Workspace(root / "full").ensure()
    for ws in (inc, full):
        ingest_paths(ws, [base], progress=False)
    first: dict = {}
    base_rings = pipeline.run(inc, stats=first)
    # the ring to grow: a card-collection ring of the base at one counter
    target = next(r for r in base_rings if r.pattern == "card_collection" and len(r.members["operators"]) == 1
                  and len(r.members["institutions"]) == 1)
    target_people = people[people.card_id.isin(target.members["cards"])]
    steps = []
    for k, d in enumerate(last):
        batch = claims[day == d]
        if k == len(last) - 1:
            batch = pd.concat([batch, _burst(claims, fresh, pharmacy, PLANTED_OPERATOR, d, "c"),
                               _burst(claims, target_people, target.members["institutions"][0],
                                      target.members["operators"][0], d, "grow")], ignore_index=True)
        path = root / f"day{k}.parquet"
        batch.to_parquet(path, index=False)
        for ws in (inc, full):
            ingest_paths(ws, [path], progress=False)
        si, sf = {}, {}
        ri = pipeline.run(inc, stats=si)
        rf = pipeline.run(full, full=True, stats=sf)
        steps.append({"inc": ri, "full": rf, "stats": si, "full_stats": sf, "batch": batch})
    return {"root": root, "inc": inc, "full": full, "first": first, "target": target, "fresh": fresh,
            "steps": steps, "claims": claims}


def test_the_first_run_is_full_and_says_why(city):
    assert city["first"]["mode"] == "full"
    assert "first run" in city["first"]["why_full"]


def test_every_increment_gives_the_rings_of_a_full_recomputation(city):
    for step in city["steps"]:
        assert step["stats"]["mode"] == "increment", step["stats"]["why_full"]
        assert step["full_stats"]["mode"] == "full"
        assert _rings(step["inc"]) == _rings(step["full"])
    # and the files on disk say the same (ids, scores, evidence and all)
    a = json.loads(city["inc"].rings_json.read_text(encoding="utf-8"))["rings"]
    b = json.loads(city["full"].rings_json.read_text(encoding="utf-8"))["rings"]
    assert a == b and len(a) > 5


def test_an_increment_re_examines_only_what_the_new_claims_touch(city):
    for step in city["steps"]:
        s = step["stats"]
        assert s["new_claims"] == len(step["batch"])
        assert s["new_claims"] * 50 < s["claims"]
        det = s["detectors"]
        described = sum(d["described"] for d in det.values())
        seen = sum(d["clusters"] for d in det.values())
        assert seen > 0 and described < seen, det
        assert sum(d["reused"] for d in det.values()) == seen - described
        # the pair counting, too, covered only what the day touched
        recounted = sum(d["pairs_recounted"] for d in det.values())
        total = sum(d["pairs"] for d in det.values())
        assert recounted < total / 2, det
        # impersonation's per-claim flags came from the kept state: only the new claims' cards
        # were flagged afresh
        assert s["new_claims"] <= det["impersonation"]["flagged_afresh"] < s["claims"] / 4, det
        # and most rings' legitimate reasons came from the kept state (same people, same claims)
        assert 0 < det["legit"]["rings_reused"] < det["legit"]["rings"], det


def test_alerts_name_the_grown_ring_and_the_ring_the_last_day_completed(city):
    step = city["steps"][-1]
    alerts = step["stats"]["alerts"]
    fresh = set(city["fresh"].patient_id)
    new = [a for a in alerts if a["kind"] == "new" and fresh <= set(a["added"]["members"]["patients"])]
    assert len(new) == 1 and new[0]["pattern"] == "card_collection"
    assert new[0]["claims"] == 18 and new[0]["evidence_en"]
    grew = [a for a in alerts if a["kind"] == "grew"
            and set(city["target"].members["cards"]) <= set(next(r for r in step["inc"] if r.ring_id == a["ring_id"]).members["cards"])]
    assert grew, alerts
    g = grew[0]
    assert g["added"]["claims"] >= len(city["target"].members["cards"]) and g["added"]["fund"] > 0
    # the planted ring was not there the day before: the earlier alert list does not name it
    before = city["steps"][0]["stats"]["alerts"]
    assert not any(fresh & set(a["added"]["members"]["patients"]) for a in before)
    # written for the morning: alerts.json and a dated copy
    doc = json.loads((city["inc"].root / "alerts.json").read_text(encoding="utf-8"))
    assert doc["alerts"] == json.loads(json.dumps(alerts, ensure_ascii=False)) and doc["day"]
    assert (city["inc"].root / "alerts" / f"{doc['day']}.json").exists()


def _extra_batch(city, tag: str) -> pd.DataFrame:
    """A few late claims (copies of real ones settled on the last day, new ids)."""
    c = city["claims"]
    rows = c[pd.to_datetime(c.settled_at).dt.normalize() == pd.to_datetime(c.settled_at).dt.normalize().max()].iloc[:5].copy()
    rows["claim_id"] = [f"LATE-{tag}-{k}" for k in range(len(rows))]
    rows["settled_at"] = pd.to_datetime(rows.settled_at) + pd.Timedelta(minutes=3)
    return rows


def _ingest_both(city, batch: pd.DataFrame, name: str) -> None:
    from ingest.api import ingest_paths

    path = city["root"] / f"{name}.parquet"
    batch.to_parquet(path, index=False)
    for ws in (city["inc"], city["full"]):
        ingest_paths(ws, [path], progress=False)


def test_a_failure_in_the_middle_leaves_the_previous_state_usable(city, monkeypatch):
    inc = city["inc"]
    current = (inc.detect_dir / "CURRENT").read_text()
    _ingest_both(city, _extra_batch(city, "x"), "late-x")

    def broken_store(ws, rings):
        raise RuntimeError("graph store went away")

    monkeypatch.setattr(pipeline, "_store", broken_store)
    with pytest.raises(RuntimeError):
        pipeline.run(inc)
    monkeypatch.undo()
    assert (inc.detect_dir / "CURRENT").read_text() == current
    # the frame the failed run began to keep (on its own thread) is gone with it
    assert sorted(p.name for p in inc.detect_dir.iterdir()) == sorted(["CURRENT", current])

    # a frame that cannot be written fails the run in its own thread, and leaves the state
    from graph.detect import kept_frame

    def broken_frame(f, folder):
        raise OSError("no space left for the frame")

    monkeypatch.setattr(kept_frame, "save", broken_frame)
    with pytest.raises(OSError, match="no space left for the frame"):
        pipeline.run(inc)
    monkeypatch.undo()
    assert sorted(p.name for p in inc.detect_dir.iterdir()) == sorted(["CURRENT", current])

    # a crash while the state itself is written leaves it as it was, and no half folder
    def broken_record(self):
        raise OSError("disk full")

    from graph.detect.memo import Memo

    monkeypatch.setattr(Memo, "record", broken_record)
    with pytest.raises(OSError):
        pipeline.run(inc)
    monkeypatch.undo()
    assert (inc.detect_dir / "CURRENT").read_text() == current
    assert sorted(p.name for p in inc.detect_dir.iterdir()) == sorted(["CURRENT", current])

    si, sf = {}, {}
    ri = pipeline.run(inc, stats=si)
    rf = pipeline.run(city["full"], full=True, stats=sf)
    assert si["mode"] == "increment" and si["new_claims"] == 5
    assert _rings(ri) == _rings(rf)


def test_changed_reference_files_fall_back_to_a_full_run(city):
    inc = city["inc"]
    ref = next(p for p in inc.reference_dir.rglob("*patients*") if p.is_file() and p.suffix == ".parquet")
    pats = pd.read_parquet(ref)
    pats.loc[pats.index[0], "phone"] = "13900000000"
    pats.to_parquet(ref, index=False)
    s: dict = {}
    pipeline.run(inc, stats=s)
    assert s["mode"] == "full" and "reference" in s["why_full"]
    # the state it then keeps fits, so the next run is an increment again
    s2: dict = {}
    pipeline.run(inc, stats=s2)
    assert s2["mode"] == "increment" and s2["new_claims"] == 0


def test_detect_command_full_flag_and_alerts_in_english(city, capsys):
    from ringtrace.cli import main

    assert main(["--home", str(city["inc"].root), "detect", "--full", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "full run: a full run was asked for (--full)" in err
    assert main(["--home", str(city["inc"].root), "detect", "--lang", "en"]) == 0
    cap = capsys.readouterr()
    assert "increment: 0 new claims" in cap.err and "Alerts" in cap.out


def test_state_refuses_removed_or_reordered_batches():
    now = {"code": "c", "reference": "r", "settings": "s"}
    meta = {"version": state.STATE_VERSION, **now, "batches": ["b1", "b2"]}
    assert state.fits(meta, now, ["b1", "b2", "b3"]) == (True, ["b3"], "")
    assert state.fits(meta, now, ["b2", "b3"])[0] is False
    assert state.fits(meta, now, ["b2", "b1"])[0] is False
    assert state.fits({**meta, "version": -1}, now, ["b1", "b2"])[0] is False
    assert state.fits(meta, {**now, "code": "other"}, ["b1", "b2"])[2].startswith("the detection code changed")


def test_a_full_run_with_memos_gives_the_plain_detection(city):
    """The memo path of a full run (recording) changes nothing: the pure ``detect`` agrees."""
    from ingest.analytic import read_claims, read_reference

    ws = city["full"]
    refs = {k: read_reference(ws, k) for k in ("institutions", "doctors", "patients")}
    plain = pipeline.detect(read_claims(ws), **refs)
    assert _rings(plain) == _rings(pipeline.run(ws, full=True))

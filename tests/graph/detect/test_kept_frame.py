"""The kept claim frame: kept rows plus a new batch give, array by array, the frame a full build
of all the claims gives (late claims for old days, claims settled in the same second as kept
ones, new entities of every kind, missing times and cards); a claim id held already is refused;
a workspace run whose kept frame is gone or unreadable falls back to a full run and says why."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pandas as pd
import pytest

from graph.detect import kept_frame, pipeline
from graph.detect.frame import PATIENT_REF, ROWS, ClaimFrame
from graph.detect.memo import StateMismatch


def _claims(n: int, seed: int, prefix: str = "c") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # minutes in steps of 7 over a month: many claims share a settlement time (ties broken by id)
    settled = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 30 * 1440, n) // 7 * 7, unit="min")
    df = pd.DataFrame({
        "claim_id": [f"{prefix}{rng.integers(10**9)}-{k}" for k in range(n)],
        "patient_id": [f"P{x}" for x in rng.integers(0, n // 6 + 1, n)],
        "card_id": [None if x < 4 else f"K{x}" for x in rng.integers(0, n // 6 + 1, n)],
        "institution_id": [f"H{x}" for x in rng.integers(0, 15, n)],
        "doctor_id": [None if x == 0 else f"D{x}" for x in rng.integers(0, 25, n)],
        "operator_id": [f"O{x}" for x in rng.integers(0, 8, n)],
        "diagnosis": [f"X{x}" for x in rng.integers(0, 40, n)],
        "visit_type": rng.choice(["outpatient", "Inpatient", "pharmacy", None], n),
        "settled_at": settled,
        "admitted_on": pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D"),
        "discharged_on": pd.NaT,
        "total_amount": np.round(rng.random(n) * 100, 2),
        "fund_amount": np.where(rng.random(n) < 0.1, np.nan, np.round(rng.random(n) * 80, 2)),
    })
    df.loc[rng.random(n) < 0.02, "settled_at"] = pd.NaT
    return df


def _assert_same_frame(got: ClaimFrame, want: ClaimFrame) -> None:
    assert got.n == want.n
    for name in ROWS:
        a, b = getattr(got, name), getattr(want, name)
        if name == "claim_id":
            # one plain Arrow array in both (frame.one_array): take on a chunked one is slow
            assert isinstance(a, pa.Array) and isinstance(b, pa.Array)
            assert a.to_pylist() == b.to_pylist()
        else:
            assert a.dtype == b.dtype, name
            assert np.array_equal(a, b), name
    for kind, labels in want.labels.items():
        assert got.labels[kind].tolist() == labels.tolist(), kind
    # the reference attributes, kept and extended or made afresh
    for name in PATIENT_REF:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype and a.tolist() == b.tolist() if a.dtype == object else np.array_equal(a, b, equal_nan=True), name
        assert np.array_equal(got.patient_ref[name], want.patient_ref[name], equal_nan=name == "p_birth_year"), name
    for name in ("i_region", "i_region_label", "p_lat", "p_lon", "i_kind"):
        assert np.array_equal(getattr(got, name), getattr(want, name), equal_nan=name in ("p_lat", "p_lon")), name


@pytest.mark.parametrize("slice_runs", [0, 10**6])  # the ids gathered, or joined as slices
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_rows_plus_a_new_batch_equal_a_full_build(seed, slice_runs, monkeypatch):
    monkeypatch.setattr(kept_frame, "_SLICE_RUNS", slice_runs)
    claims = _claims(1500, seed)
    rng = np.random.default_rng(seed + 100)
    # the new batch: the last day's claims and late claims for old days, scattered in time
    last_day = claims.settled_at.max().normalize()
    new = (claims.settled_at >= last_day) | (rng.random(len(claims)) < 0.03)
    batch = claims[new].copy()
    # new entities of every kind, some sorting before every kept id ("A…") and some after
    batch.iloc[:3, batch.columns.get_loc("patient_id")] = ["A-new", "P-new", "Z-new"]
    batch.iloc[:2, batch.columns.get_loc("card_id")] = ["A-card", "Z-card"]
    batch.iloc[:1, batch.columns.get_loc("institution_id")] = "H-new"
    batch.iloc[:1, batch.columns.get_loc("doctor_id")] = "D-new"
    batch.iloc[:1, batch.columns.get_loc("operator_id")] = "A-op"
    batch.iloc[:1, batch.columns.get_loc("diagnosis")] = "Z99"
    # a new claim settled in the same second as a kept one (the claim id decides the order)
    batch.iloc[-1, batch.columns.get_loc("settled_at")] = claims[~new].settled_at.dropna().iloc[0]
    every = pd.concat([claims[~new], batch], ignore_index=True)
    institutions = pd.DataFrame({"institution_id": ["H1", "H-new"], "region": ["R1", "R2"], "lat": [30.0, 31.0],
                                 "lon": [120.0, 121.0]})
    # the reference file: new patients bring a region, a phone and an address no one had; an old
    # patient (P1) holds, by the reference file, a card first used in the new batch; one listed twice
    patients = pd.DataFrame({
        "patient_id": ["P1", "A-new", "Z-new", "P2", "P2", "P3"],
        "region": ["R2", "R1", "R9", "R1", "R3", None],
        "phone": ["139", "138", "100", "139", "137", "139"],
        "address": ["a1", "a0", "z9", None, "a2", "a1"],
        "birth_year": [1950, 1990, None, 1970, 1971, 1980],
        "sex": ["男", "f", "M", "2", "1", None],
        "card_id": ["Z-card", "A-card", "K2", "K3", "K3", "K-none"],
    })

    old = ClaimFrame(claims[~new], institutions=institutions, patients=patients)
    f, new_rows = kept_frame.extend(kept_frame.rows_of(old), old.labels, batch, institutions=institutions,
                                    patients=patients, patient_ref=old.patient_ref)
    full = ClaimFrame(every, institutions=institutions, patients=patients)
    _assert_same_frame(f, full)
    assert sorted(f.claim_ids(np.flatnonzero(new_rows))) == sorted(batch.claim_id)
    # the kept claims keep their relative order (impersonation's kept flags rely on it)
    assert f.claim_id.take(np.flatnonzero(~new_rows)).to_pylist() == old.claim_id.to_pylist()


def test_an_empty_batch_gives_the_kept_frame(tmp_path):
    old = ClaimFrame(_claims(300, 5))
    kept_frame.save(old, tmp_path)
    rows, labels, ref = kept_frame.load(tmp_path)
    f, new_rows = kept_frame.extend(rows, labels, _claims(0, 5), patient_ref=ref)
    _assert_same_frame(f, old)
    assert not new_rows.any()


def test_a_saved_frame_reads_back_and_extends_as_the_frame_itself(tmp_path):
    claims = _claims(800, 7)
    later = _claims(60, 8, prefix="n")
    old = ClaimFrame(claims)
    kept_frame.save(old, tmp_path)
    rows, labels, ref = kept_frame.load(tmp_path)
    _assert_same_frame(ClaimFrame.from_rows(rows, labels, patient_ref=ref), old)
    f, _ = kept_frame.extend(rows, labels, later, patient_ref=ref)
    _assert_same_frame(f, ClaimFrame(pd.concat([claims, later], ignore_index=True)))


@pytest.mark.parametrize("same_time", [True, False])
def test_a_claim_id_held_already_is_refused(same_time):
    claims = _claims(200, 9)
    old = ClaimFrame(claims)
    again = claims.dropna(subset=["settled_at"]).iloc[[5]].copy()
    if not same_time:
        again["settled_at"] = again.settled_at + pd.Timedelta(days=3)
    with pytest.raises(StateMismatch, match="held by the kept frame"):
        kept_frame.extend(kept_frame.rows_of(old), old.labels, again)


def test_a_kept_frame_with_a_missing_array_is_unreadable(tmp_path):
    kept_frame.save(ClaimFrame(_claims(50, 4)), tmp_path)
    (tmp_path / "frame-minute.npy").unlink()
    with pytest.raises(OSError):
        kept_frame.load(tmp_path)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A small synthetic city: its reference files and claims, all days but the last as the base."""
    from ingest.synth import generate

    root = tmp_path_factory.mktemp("kept-frame")
    generate(root / "city", patients=1000, seed=31, fmt="parquet")
    inp = root / "city" / "input"
    claims = pd.read_parquet(inp / "claims.parquet")
    day = pd.to_datetime(claims.settled_at).dt.normalize()
    base = root / "base"
    base.mkdir()
    for k in ("institutions", "doctors", "patients"):
        (base / f"{k}.parquet").write_bytes((inp / f"{k}.parquet").read_bytes())
    claims[day < day.max()].to_parquet(base / "claims.parquet", index=False)
    return base, claims, day


@pytest.fixture
def small_ws(city, tmp_path):
    """A workspace holding the city's base (its last day not yet ingested)."""
    from ingest.api import ingest_paths
    from ringtrace.workspace import Workspace

    base, claims, day = city
    ws = Workspace(tmp_path / "ws").ensure()
    ingest_paths(ws, [base], progress=False)
    return ws, claims, day, tmp_path


def test_a_batch_repeating_a_claim_id_already_seen_still_gives_the_full_rings(small_ws):
    from ingest.api import ingest_paths

    ws, claims, day, tmp = small_ws
    pipeline.run(ws)
    # the new day plus a claim of an old day sent again (ingest holds it once: a duplicate)
    batch = pd.concat([claims[day == day.max()], claims[day < day.max()].iloc[[0]]], ignore_index=True)
    batch.to_parquet(tmp / "day.parquet", index=False)
    ingest_paths(ws, [tmp / "day.parquet"], progress=False)
    si, sf = {}, {}
    inc = pipeline.run(ws, stats=si)
    assert si["mode"] == "increment", si["why_full"]
    assert si["new_claims"] == int((day == day.max()).sum())
    full = pipeline.run(ws, full=True, stats=sf)
    assert [r.to_dict() for r in inc] == [r.to_dict() for r in full]


def test_an_unreadable_kept_frame_falls_back_to_a_full_run(small_ws):
    from graph.detect import state

    ws, claims, day, tmp = small_ws
    pipeline.run(ws)
    current = ws.detect_dir / (ws.detect_dir / "CURRENT").read_text().strip()
    (current / "frame-claim_id.arrow").write_bytes(b"not arrow")
    s: dict = {}
    rings = pipeline.run(ws, stats=s)
    assert s["mode"] == "full" and "claim frame could not be read" in s["why_full"]
    assert [r.to_dict() for r in rings] == [r.to_dict() for r in pipeline.run(ws, full=True)]
    # the state that run kept is whole again: the next run is an increment
    s2: dict = {}
    pipeline.run(ws, stats=s2)
    assert s2["mode"] == "increment", s2["why_full"]
    assert state.STATE_VERSION >= 2

"""An increment's pair counting from the rows the new claims reach equals ``cooccurrence`` in
focus mode over every row (same pairs, counts, weights, degrees, expected; same focus entities)
and keeps the chance constant's sums equal to a full count's, for each projection's settings:
card bursts (institution, operator), the community projection (institution, doctor, per-place
day filter), tours (a masked entity) and a degree filter. New claims include late claims for
old days, new people and a new institution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.detect import kept_frame
from graph.detect.frame import ClaimFrame
from graph.detect.local_pairs import Focus, group_sums, move_days, staggered, usable
from graph.detect.projections import cooccurrence


def _city(seed: int, n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    people = 250
    # a few clubs of people who come together to one counter, so that pairs repeat over days
    club = rng.integers(0, 12, people)
    who = rng.integers(0, people, n)
    day = rng.integers(0, 40, n)
    hour = np.where(rng.random(n) < 0.5, 8 + club[who] % 10, rng.integers(7, 22, n))
    minute = rng.integers(0, 60, n)
    inst = np.where(rng.random(n) < 0.6, club[who] % 6, rng.integers(0, 6, n))
    return pd.DataFrame({
        "claim_id": [f"c{k:05d}" for k in range(n)],
        "patient_id": [f"P{x:03d}" for x in who],
        "card_id": [f"K{x:03d}" if x % 17 else f"K{x + 1:03d}" for x in who],
        "institution_id": [f"H{x}" for x in inst],
        "operator_id": [f"O{x}" for x in rng.integers(0, 3, n)],
        "doctor_id": [None if x == 0 else f"D{x}" for x in rng.integers(0, 4, n)],
        "visit_type": rng.choice(["outpatient", "pharmacy"], n),
        "settled_at": pd.Timestamp("2024-05-01") + pd.to_timedelta(day * 1440 + hour * 60 + minute, unit="min"),
        "total_amount": 10.0,
    })


def _split(claims: pd.DataFrame, seed: int):
    rng = np.random.default_rng(seed)
    t = pd.to_datetime(claims.settled_at)
    new = (t >= t.max().normalize()) | (rng.random(len(claims)) < 0.02)
    batch = claims[new].copy()
    batch.iloc[:4, batch.columns.get_loc("patient_id")] = ["P-new1", "P-new1", "A-new2", "A-new2"]
    batch.iloc[:2, batch.columns.get_loc("card_id")] = "K-new"
    batch.iloc[4:6, batch.columns.get_loc("institution_id")] = "H-new"
    return claims[~new], batch


SETTINGS = {
    "card_bursts": dict(kind="card", parts=lambda f: [f.institution, f.operator], window=60, kw=dict(max_group=60)),
    "communities": dict(kind="patient", window=240, kw=dict(max_group=40, min_place_degree=3),
                        parts=lambda f: [f.institution, np.where(f.doctor >= 0, f.doctor, len(f.labels["doctor"])).astype(np.int32)]),
    "tours": dict(kind="patient", parts=lambda f: [f.institution], window=120, kw=dict(max_group=15), mask=True),
    "degree": dict(kind="card", parts=lambda f: [f.institution], window=60, kw=dict(max_group=30, min_degree=4)),
}


def _count(f, name: str, focus=None):
    s = SETTINGS[name]
    ent = getattr(f, s["kind"])
    if s.get("mask"):
        ent = np.where(f.visit == 2, ent, -1)  # pharmacy claims only, as drug tours count them
    return cooccurrence(staggered(f, s["parts"](f), s["window"]), ent, [f.day, f.day], [f.institution, f.institution],
                        focus_rows=focus, **s["kw"])


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_local_count_equals_the_focus_count_over_every_row(name, seed):
    old_claims, batch = _split(_city(seed), seed)
    old = ClaimFrame(old_claims)
    kept = _count(old, name, Focus(None)).attrs
    f, new_rows = kept_frame.extend(kept_frame.rows_of(old), old.labels, batch)
    kind = SETTINGS[name]["kind"]
    days = move_days(kept["days"], f.cache["code_moves"], kind, len(f.labels[kind]))
    focus = Focus(new_rows, kept["sums"], f, kind, days)
    assert usable(staggered(f, SETTINGS[name]["parts"](f), SETTINGS[name]["window"]), focus)

    local = _count(f, name, focus)
    every_row = _count(f, name, new_rows)  # the plain mask: cooccurrence over every row
    full = _count(f, name, Focus(None))
    assert len(local) > 0
    pd.testing.assert_frame_equal(local, every_row, check_exact=True)
    assert np.array_equal(local.attrs["focus"], every_row.attrs["focus"])
    assert local.attrs["sums"] == full.attrs["sums"] and local.attrs["q"] == full.attrs["q"]
    # the day counts it hands on are a full count's
    got, want = local.attrs["days"], full.attrs["days"]
    assert np.array_equal(got["degree"][:len(want["degree"])], want["degree"])
    assert not got["degree"][len(want["degree"]):].any()
    if "place_e" in want:
        as_set = lambda d: set(zip(d["place_e"].tolist(), d["place_p"].tolist(), d["place_count"].tolist()))
        assert as_set(got) == as_set(want)
    # the focus count's pairs are the full count's rows for the pairs touching a focus entity
    touch = np.isin(full.a, local.attrs["focus"]) | np.isin(full.b, local.attrs["focus"])
    pd.testing.assert_frame_equal(local, full[touch].reset_index(drop=True), check_exact=True)


def test_a_batch_without_claims_changes_nothing():
    claims = _city(5, n=1500)
    f = ClaimFrame(claims)
    kept = _count(f, "card_bursts", Focus(None)).attrs
    out = _count(f, "card_bursts", Focus(np.zeros(f.n, dtype=bool), kept["sums"], f, "card", kept["days"]))
    assert len(out) == 0 and len(out.attrs["focus"]) == 0 and out.attrs["sums"] == kept["sums"]


def test_without_kept_counts_or_with_untimed_claims_the_count_reads_every_row():
    claims = _city(6, n=800)
    f = ClaimFrame(claims)
    grids = staggered(f, [f.institution], 60)
    days = {"degree": np.zeros(len(f.labels["card"]), dtype=np.int64)}
    assert usable(grids, Focus(np.zeros(f.n, dtype=bool), (0, 0), f, "card", days))
    assert not usable(grids, Focus(np.zeros(f.n, dtype=bool), None, f, "card", days))
    assert not usable(grids, Focus(np.zeros(f.n, dtype=bool), (0, 0), f, "card", None))
    assert not usable([grids[1]], Focus(np.zeros(f.n, dtype=bool), (0, 0), f, "card", days))  # every window straddles midnight
    claims.loc[3, "settled_at"] = pd.NaT
    g = ClaimFrame(claims)
    assert not usable(staggered(g, [g.institution], 60), Focus(np.zeros(g.n, dtype=bool), (0, 0), g, "card", days))


def test_day_counts_travel_only_to_a_memo_that_asks():
    f = ClaimFrame(_city(7, n=600))
    assert "days" not in _count(f, "communities").attrs and "sums" in _count(f, "communities").attrs
    assert {"degree", "place_e", "place_p", "place_count"} <= set(_count(f, "communities", Focus(None)).attrs["days"])


def test_group_sums_are_the_chance_constants_parts():
    assert group_sums(np.array([2, 2, 1])) == (2, 3)

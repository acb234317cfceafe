"""The Spark projection equals the pandas projection: integer columns exactly, floats to the bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.detect import engine
from graph.detect.projections import cooccurrence, window_keys
from graph.detect.spark.cooccurrence import cooccurrence as on_spark

pytestmark = pytest.mark.slow


def same(grids, who, when, where, spark, **kw) -> pd.DataFrame:
    want = cooccurrence(grids, who, when, where, **kw)
    got = on_spark(grids, who, when, where, spark=spark, **kw)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # the chance constant (and its sums), and for increments the focus entities, travel in attrs
    assert got.attrs.keys() == want.attrs.keys() and got.attrs["q"] == want.attrs["q"]
    assert got.attrs["sums"] == want.attrs["sums"]
    if "focus" in want.attrs:
        np.testing.assert_array_equal(got.attrs["focus"], want.attrs["focus"])
    return want


def random_city(seed: int, n: int = 500, people: int = 30, places: int = 5, days: int = 6):
    rng = np.random.default_rng(seed)
    place = rng.integers(0, places, n)
    doctor = rng.integers(-1, 4, n)  # -1: a missing part, so the row joins no group of that grid
    day = rng.integers(0, days, n)
    who = rng.integers(0, people, n)
    who[rng.random(n) < 0.05] = -1  # missing ids are ignored
    minute = day * 1440 + rng.integers(0, 900, n)
    grids = [window_keys([place, doctor], minute, 240, 0), window_keys([place], minute, 120, 60)]
    return grids, who, [day, day], [place, place]


@pytest.mark.parametrize("seed,kw", [
    (0, {"max_group": 10**6}),
    (1, {"max_group": 4}),  # many groups over max_group
    (2, {"max_group": 40, "min_place_degree": 2}),
    (3, {"max_group": 40, "min_degree": 3, "min_group": 3}),
])
def test_random_cities(spark, seed, kw):
    city = random_city(seed)
    p = same(*city, spark=spark, **kw)
    assert len(p) > 20 and (p.days >= 2).any() and (p.tour_days >= 1).any()
    # each setting but the first prunes something, so its branch is compared, not skipped
    assert seed == 0 or len(p) < len(cooccurrence(*city, max_group=10**6))


def test_focus_rows_of_a_daily_increment(spark):
    grids, who, when, where = random_city(7)
    focus = when[0] == 5  # the newest day's claims
    p = same(grids, who, when, where, spark, max_group=20, min_place_degree=2, focus_rows=focus)
    full = cooccurrence(grids, who, when, where, max_group=20, min_place_degree=2)
    assert 0 < len(p) < len(full) and len(p.attrs["focus"]) > 0
    # a focus nobody can pair in: an empty answer that still names its focus entities
    lone = np.zeros(len(who), dtype=bool)
    lone[np.flatnonzero(who >= 0)[0]] = True
    same([np.where(lone, grids[0], -1)], who, when[:1], where[:1], spark, focus_rows=lone)


def test_one_grid_without_places(spark):
    grids, who, when, _ = random_city(4)
    p = same(grids[:1], who, when[:1], None, spark, max_group=30)
    assert (p.places == 1).all()


def test_weights_summed_in_the_pandas_order(spark):
    # one pair shares 300 days (over numpy's 128-element summation block) in groups of varying
    # size: a sum in another order would differ in the last bits, and the test would catch it
    rng = np.random.default_rng(5)
    days = np.arange(300)
    sizes = rng.integers(2, 30, len(days))
    group = np.repeat(days, sizes)
    who = np.concatenate([np.r_[0, 1, 2 + rng.choice(500, s - 2, replace=False)] for s in sizes])
    day = group.copy()
    p = same([group], who, [day], [np.zeros_like(day)], spark, max_group=30)
    w = p.loc[(p.a == 0) & (p.b == 1), "weight"].item()
    sequential = 0.0
    for s in sizes:
        sequential += 1.0 / np.log2(1.0 + s)
    assert w != sequential  # the case discriminates: only the pandas path's own order gives w


def test_no_pairs_and_no_memberships(spark):
    # every group a single person: memberships but no pairs
    p = same([np.arange(10)], np.arange(10), [np.zeros(10, dtype=np.int64)], None, spark)
    assert p.empty
    # nothing valid at all: answered before Spark is asked
    missing = np.full(5, -1)
    assert on_spark([missing], missing, [missing], spark=spark).dtypes.equals(cooccurrence([missing], missing, [missing]).dtypes)


def test_dispatch_by_engine(spark, monkeypatch):
    grids, who, when, where = random_city(6)
    want = cooccurrence(grids, who, when, where, max_group=20)
    calls = []
    import graph.detect.spark.cooccurrence as module

    real = module.cooccurrence
    monkeypatch.setattr(module, "cooccurrence", lambda *a, **k: calls.append(k) or real(*a, spark=spark, **k))
    with engine.use("spark"):
        got = cooccurrence(grids, who, when, where, max_group=20)
    assert calls == [{"max_group": 20, "min_group": 2, "min_degree": 1, "min_place_degree": 1, "focus_rows": None}]
    pd.testing.assert_frame_equal(got, want, check_exact=True)

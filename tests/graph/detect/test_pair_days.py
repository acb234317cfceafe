"""pair_counts against a plain-Python count of the same definition, for any slicing budget."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from graph.detect.pair_days import pair_counts


def _memberships(rng, n_groups=300, n_entities=60, n_days=20, n_places=7, max_size=6):
    rows = []
    for grp in range(n_groups):
        size = int(rng.integers(1, max_size + 1))
        members = np.sort(rng.choice(n_entities, size=size, replace=False))
        place = int(rng.integers(n_places))
        base = int(rng.integers(n_days - 1))
        for m in members:
            # a group may straddle midnight: members carry their own day
            rows.append((grp, int(m), base + int(rng.random() < 0.2), place))
    d = pd.DataFrame(rows, columns=["g", "e", "when", "where"])
    d["size"] = d.groupby("g")["e"].transform("size")
    return d


def _reference(d: pd.DataFrame) -> pd.DataFrame:
    """The definition, spelled out: an occurrence is dated and placed by its left member."""
    best: dict = {}
    places: dict = defaultdict(set)
    day_places: dict = defaultdict(set)
    for _, grp in d.groupby("g"):
        m = grp.to_dict("records")
        for i in range(len(m)):
            for j in range(i + 1, len(m)):
                pair, day, where = (m[i]["e"], m[j]["e"]), m[i]["when"], m[i]["where"]
                w = 1.0 / math.log2(1.0 + m[i]["size"])
                best[pair, day] = max(best.get((pair, day), 0.0), w)
                places[pair].add(where)
                day_places[pair, day].add(where)
    out = []
    for pair in sorted(places):
        days = sorted(day for (p, day) in best if p == pair)
        out.append({"a": pair[0], "b": pair[1], "days": len(days), "places": len(places[pair]),
                    "tour_days": sum(len(day_places[pair, x]) >= 2 for x in days),
                    "weight": math.fsum(best[pair, x] for x in days)})
    return pd.DataFrame(out)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pair_counts_match_the_definition_whatever_the_budget(seed):
    d = _memberships(np.random.default_rng(seed))
    args = (d["g"].to_numpy(), d["e"].to_numpy(), d["when"].to_numpy(), d["where"].to_numpy(), d["size"].to_numpy())
    whole = pair_counts(*args, budget=10**9)
    ref = _reference(d)
    assert len(whole) == len(ref) > 100
    for c in ("a", "b", "days", "places", "tour_days"):
        assert whole[c].tolist() == ref[c].tolist(), c
    assert np.allclose(whole.weight, ref.weight, rtol=1e-12)
    assert (whole.tour_days > 0).any()
    for budget in (1, 7, 500):  # one day per slice, a few days, most of them
        assert pair_counts(*args, budget=budget).equals(whole)


def test_codes_of_a_city_year_do_not_overflow():
    # 3 million cards, 6,000 institutions, a year of days: a single (pair, day, place) integer
    # would pass 2^63; here the highest codes must still count their two places
    e = np.array([2_999_998, 2_999_999, 2_999_998, 2_999_999])
    g = np.array([0, 0, 1, 1])
    when = np.array([364, 364, 365, 365])
    where = np.array([5_998, 5_998, 5_999, 5_999])
    out = pair_counts(g, e, when, where, np.array([2, 2, 2, 2]))
    assert out[["a", "b", "days", "places", "tour_days"]].values.tolist() == [[2_999_998, 2_999_999, 2, 2, 0]]


def test_empty_and_lonely_memberships():
    none = pair_counts(np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.int64),
                       np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert none.empty and list(none.columns) == ["a", "b", "days", "places", "tour_days", "weight"]
    alone = pair_counts(np.array([0, 1]), np.array([4, 5]), np.array([0, 0]), np.array([0, 0]), np.array([1, 1]))
    assert alone.empty

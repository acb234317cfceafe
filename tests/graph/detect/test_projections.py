"""The co-occurrence projection against a brute-force count on random data."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
import pytest

from graph.detect.projections import clusters, cooccurrence, window_keys


def brute(groups, who, when, where, max_group):
    members = defaultdict(set)
    info = {}
    for k, g in enumerate(groups):
        for i in range(len(g)):
            if g[i] < 0 or who[i] < 0:
                continue
            members[(k, g[i])].add(who[i])
            info[(k, g[i])] = (when[k][i], where[k][i])
    days, places, stops = defaultdict(set), defaultdict(set), defaultdict(lambda: defaultdict(set))
    for key, ms in members.items():
        if not (2 <= len(ms) <= max_group):
            continue
        d, p = info[key]
        for a, b in combinations(sorted(ms), 2):
            days[(a, b)].add(d)
            places[(a, b)].add(p)
            stops[(a, b)][d].add(p)
    return {pair: (len(days[pair]), len(places[pair]), sum(len(v) >= 2 for v in stops[pair].values())) for pair in days}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cooccurrence_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 400
    place = rng.integers(0, 6, n)
    day = rng.integers(0, 10, n)
    who = rng.integers(0, 40, n)
    who[rng.random(n) < 0.05] = -1  # missing ids are ignored
    minute = day * 1440 + rng.integers(0, 600, n)
    grids = [window_keys([place], minute, 120, 0), window_keys([place], minute, 120, 60)]
    got = cooccurrence(grids, who, [day, day], [place, place], max_group=8)
    want = brute(grids, who, [day, day], [place, place], 8)
    assert {(int(r.a), int(r.b)): (int(r.days), int(r.places), int(r.tour_days)) for r in got.itertuples()} == want
    assert (got.a < got.b).all() and (got.expected >= 0).all()


def test_big_groups_are_skipped():
    group = np.zeros(10, dtype=np.int64)  # one waiting room of ten
    who = np.arange(10)
    assert cooccurrence([group], who, [np.zeros(10)], max_group=5).empty
    assert len(cooccurrence([group], who, [np.zeros(10)], max_group=10)) == 45


def test_window_keys_mark_missing_parts():
    keys = window_keys([np.array([0, 0, -1, 1])], np.array([5, 50, 5, 5]), 30)
    assert keys[2] == -1 and keys[0] != keys[1] and keys[0] != keys[3]


def test_clusters_split_a_giant_component_with_leiden():
    import pandas as pd

    # two cliques of 30 joined by one edge: one component, two communities
    rows = [(a, b) for base in (0, 30) for a in range(base, base + 30) for b in range(a + 1, base + 30)]
    rows.append((0, 30))
    pairs = pd.DataFrame(rows, columns=["a", "b"])
    got = clusters(pairs, min_size=3, max_size=40)
    assert sorted(len(c) for c in got) == [30, 30]
    assert clusters(pairs, min_size=3, max_size=100) == [list(range(60))]


def test_pair_index_equals_two_isin_scans():
    import numpy as np
    import pandas as pd

    from graph.detect.projections import PairIndex

    rng = np.random.default_rng(9)
    a = rng.integers(0, 300, 5000)
    b = a + rng.integers(1, 50, 5000)
    pairs = pd.DataFrame({"a": a, "b": b, "days": rng.integers(1, 9, 5000)}).drop_duplicates(["a", "b"])
    pairs = pairs.sample(frac=1, random_state=2)  # the index must not rely on the table's order
    index = PairIndex(pairs)
    for k in (0, 1, 5, 40, 200):
        members = rng.choice(400, size=k, replace=False) - 20  # unknown and negative codes too
        want = pairs[pairs.a.isin(members) & pairs.b.isin(members)]
        pd.testing.assert_frame_equal(index.within(members), want)
    assert len(index.within(np.arange(400))) == len(pairs)
    assert PairIndex(pairs.iloc[0:0]).within([1, 2]).empty

"""FRAUDAR's greedy peeling keeps the paper's guarantee: at least half the optimum density."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from graph.detect.fraudar import _peel_once, peel


def density(nodes, a, b, w):
    s = set(nodes)
    inside = sum(wi for x, y, wi in zip(a, b, w) if x in s and y in s)
    return inside / len(s) if s else 0.0


@pytest.mark.parametrize("seed", range(6))
def test_greedy_is_a_two_approximation(seed):
    rng = np.random.default_rng(seed)
    nu, no = 5, 4
    edges = {(int(u), int(o)) for u, o in zip(rng.integers(0, nu, 14), rng.integers(0, no, 14))}
    a = np.array([u for u, _ in edges])
    b = np.array([nu + o for _, o in edges])
    w = rng.uniform(0.2, 1.0, len(edges))
    got = _peel_once(a, b, w, nu + no)
    nodes = sorted(set(a) | set(b))
    best = max(density(c, a, b, w) for k in range(1, len(nodes) + 1) for c in combinations(nodes, k))
    assert density(got, a, b, w) >= best / 2 - 1e-9


def test_peel_finds_the_planted_block_despite_camouflage():
    rng = np.random.default_rng(3)
    users, objs = [], []
    for u in range(8):  # the block: 8 users × 5 objects, all linked
        for o in range(5):
            users.append(u)
            objs.append(o)
        users.append(u)  # camouflage: each also links to a popular object
        objs.append(100)
    for u in range(8, 300):  # background: popular object plus a random one
        users += [u, u]
        objs += [100, int(rng.integers(5, 60))]
    (bu, bo, _), = peel(np.array(users), np.array(objs), blocks=1)
    assert sorted(bu.tolist()) == list(range(8))
    assert set(range(5)) <= set(bo.tolist())

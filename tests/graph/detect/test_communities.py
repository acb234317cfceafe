"""Shared-identifier components: scipy's sparse components, numbered as igraph numbers them."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest

from graph.detect.communities import _components


@pytest.mark.parametrize("n,m,seed", [(1, 0, 0), (12, 5, 1), (300, 120, 2), (5000, 4000, 3), (2000, 6000, 4)])
def test_components_equal_igraph_membership(n, m, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    want = ig.Graph(n=n, edges=np.c_[a, b].tolist()).connected_components().membership
    assert _components(n, a, b).tolist() == want


def test_components_of_isolated_nodes_and_self_loops():
    assert _components(4, np.array([2]), np.array([2])).tolist() == [0, 1, 2, 3]
    assert _components(5, np.array([3, 1]), np.array([1, 4])).tolist() == [0, 1, 2, 1, 1]

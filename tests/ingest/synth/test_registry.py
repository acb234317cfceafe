"""Registry.free draws from the same pool the plain set expression gives, so a seed's city is unchanged."""

from __future__ import annotations

import numpy as np

from ingest.synth.registry import Registry


def _reference_pool(reg: Registry, candidates, exclude) -> np.ndarray:
    """The pool as first written: free candidates, then np.setdiff1d with ``exclude``."""
    pool = np.flatnonzero(~reg.used) if candidates is None else candidates[~reg.used[candidates]]
    if exclude is not None and len(exclude):
        pool = np.setdiff1d(pool, exclude)
    return pool


def test_free_draws_what_the_setdiff_pool_gives_in_random_cases():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = int(rng.integers(1, 60))
        reg = Registry(n)
        reg.used[:] = rng.random(n) < 0.3
        candidates = None if rng.random() < 0.3 else rng.integers(0, n, int(rng.integers(0, 40)))  # repeats, unsorted
        exclude = None if rng.random() < 0.2 else rng.integers(-3, n + 3, int(rng.integers(0, 10)))  # out of range too
        pool = _reference_pool(reg, candidates, exclude)
        seed, k = int(rng.integers(1 << 30)), int(rng.integers(1, 10))
        want = np.random.default_rng(seed).choice(pool, size=min(k, len(pool)), replace=False) if len(pool) else pool
        got = reg.free(np.random.default_rng(seed), k, candidates, exclude)
        assert np.array_equal(want, got)


def test_free_never_returns_a_used_or_excluded_person():
    reg = Registry(10)
    reg.used[[1, 2]] = True
    got = reg.free(np.random.default_rng(1), 10, exclude=np.array([3, 4]))
    assert sorted(got.tolist()) == [0, 5, 6, 7, 8, 9]

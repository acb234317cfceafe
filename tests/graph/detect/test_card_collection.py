"""Card bursts: the chain statistics read off run bounds equal a pandas groupby of the chains."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.card_collection import _chain_stats, _chains
from graph.detect.frame import ClaimFrame


def test_chain_stats_equal_a_groupby(small_city):
    f = ClaimFrame(small_city["claims"], **small_city["refs"])
    op = np.where(f.operator >= 0, f.operator, 0).astype(np.int32)
    rows = np.flatnonzero(f.card % 7 == 3)  # a few hundred cards, all their claims
    cols = _chains(f, rows, op, gap=30)
    d = pd.DataFrame(cols)
    assert d.chain.is_monotonic_increasing and (d.groupby("chain").t.apply(lambda t: t.is_monotonic_increasing)).all()
    want = d.groupby("chain").agg(i=("i", "first"), o=("o", "first"), day=("day", "first"), cards=("card", "nunique"),
                                  first=("t", "min"), last=("t", "max"))

    def stats(c):
        return pd.DataFrame(_chain_stats(c)).set_index("chain")

    got = stats(cols)
    pd.testing.assert_frame_equal(got, want)
    assert (got.cards > 1).any()
    # a counter's subset, as _counter takes it: runs stay whole
    first = (cols["i"] == cols["i"][0]) & (cols["o"] == cols["o"][0])
    sub = {k: v[first] for k, v in cols.items()}
    pd.testing.assert_frame_equal(stats(sub), want.loc[np.unique(sub["chain"])])
    assert stats({k: v[:0] for k, v in cols.items()}).empty

"""app.views.data.claims_by_id: a ring's claims read by id from the graph, not a year's table."""

from __future__ import annotations

import shutil

import pandas as pd

from app.views import data
from graph.store.factory import open_store
from ingest.analytic import read_claims
from ringtrace.workspace import Workspace


def test_claims_by_id_equal_the_analytic_rows_in_settlement_order(city_ws):
    every = read_claims(city_ws)
    ids = list(every["claim_id"].sample(60, random_state=1)) + ["no-such-claim"]
    want = every[every["claim_id"].isin(ids)].sort_values(["settled_at", "claim_id"], kind="stable")
    got = data.claims_by_id(city_ws, ids)
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True))
    with open_store(city_ws, read_only=True) as store:  # the caller's store serves as well
        pd.testing.assert_frame_equal(data.claims_by_id(city_ws, ids, store=store), got)
    assert data.claims_by_id(city_ws, []).empty


def test_claims_the_graph_lacks_come_from_the_parquet_copy(city_ws, tmp_path):
    ws = Workspace(tmp_path / "ws")
    shutil.copytree(city_ws.root, ws.root)
    shutil.rmtree(ws.graph_dir)  # a graph load that never happened: the graph is empty
    every = read_claims(ws)
    ids = list(every["claim_id"].iloc[:25])
    got = data.claims_by_id(ws, ids)
    pd.testing.assert_frame_equal(got, every.iloc[:25].sort_values(["settled_at", "claim_id"], kind="stable")
                                  .reset_index(drop=True))

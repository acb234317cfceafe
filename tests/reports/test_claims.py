"""Reading only a ring's claims from a real analytic copy (INGEST's), same rows as read_claims."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.claims import read_claims_by_id

from tests.reports.conftest import card_ring, noise_rows


@pytest.fixture
def ingested(fresh_ws, tmp_path):
    ingest_api = pytest.importorskip("ingest.api")
    rows, ring = card_ring("R0001", 5, 3)
    df = pd.DataFrame(rows + noise_rows(30))
    df["settled_at"] = pd.to_datetime(df["settled_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    inp = tmp_path / "input"
    inp.mkdir()
    df.to_csv(inp / "claims.csv", index=False)
    ingest_api.ingest_paths(fresh_ws, [inp], progress=False)
    return fresh_ws, ring


def test_reads_exactly_the_wanted_claims(ingested):
    from ingest.analytic import read_claims

    ws, ring = ingested
    got = read_claims_by_id(ws, ring.claim_ids + ["NOT-THERE"])
    everything = read_claims(ws)
    expected = everything[everything["claim_id"].isin(ring.claim_ids)]
    assert sorted(got["claim_id"]) == sorted(ring.claim_ids)
    assert dict(got.dtypes) == dict(everything.dtypes)
    key = ["claim_id"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True))


def test_columns_and_empty_cases(ingested):
    ws, ring = ingested
    got = read_claims_by_id(ws, ring.claim_ids[:2], columns=["claim_id", "fund_amount"])
    assert list(got.columns) == ["claim_id", "fund_amount"] and len(got) == 2
    assert read_claims_by_id(ws, []).empty
    assert read_claims_by_id(ws, ["nope"]).empty


def test_summary_reads_a_real_workspace(ingested):
    from graph.detect.ring import write_rings_json
    from reports.brief.data import summary

    ws, ring = ingested
    write_rings_json([ring], ws.rings_json)
    s = summary(ws)
    assert s["totals"]["rings"] == 1 and s["totals"]["claims"] == len(ring.claim_ids)
    assert s["top_institutions"][0]["institution_id"] == "P00012"

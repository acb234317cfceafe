"""The synthetic city is meant to exercise ingest: every format loads whole, nothing rejected."""

import json

import pytest

from ingest.analytic import counts, read_claims
from ingest.api import ingest_paths
from ingest.synth import generate


@pytest.mark.parametrize("fmt", ["csv-gb18030", "parquet"])
def test_every_synthetic_claim_is_ingested_once(tmp_path, fresh_ws, fmt):
    c = generate(tmp_path / "city", patients=1000, seed=9, fmt=fmt)
    ingest_paths(fresh_ws, [tmp_path / "city" / "input"], progress=False)
    n = counts(fresh_ws)
    assert n["claims"] == c["claims"] and n["quarantined"] == 0
    assert n["patients"] == 1000 and n["institutions"] == c["institutions"]
    truth = json.loads((tmp_path / "city" / "truth.json").read_text(encoding="utf-8"))
    claims = read_claims(fresh_ws, columns=["claim_id", "visit_type"])
    planted = {cid for r in truth["rings"] for cid in r["claim_ids"]}
    assert planted <= set(claims["claim_id"])
    assert set(claims["visit_type"]) == {"outpatient", "inpatient", "pharmacy"}

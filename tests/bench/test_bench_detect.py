"""bench_detect reads a synth city from CSV or Parquet into the same claims table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_detect.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_detect", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_csv_and_parquet_cities_load_to_the_same_frame(tmp_path):
    from graph.detect.frame import ClaimFrame
    from ingest.analytic import CLAIM_SCHEMA
    from ingest.synth import generate

    bench = _bench()
    generate(tmp_path / "csv", patients=1000, seed=4, fmt="csv")
    generate(tmp_path / "pq", patients=1000, seed=4, fmt="parquet")
    a, refs_a = bench._load(tmp_path / "csv")
    b, refs_b = bench._load(tmp_path / "pq")
    assert a.schema == CLAIM_SCHEMA and a.num_rows == b.num_rows > 1000
    # empty cells are missing values, as ingest reads them
    assert a["doctor_id"].null_count > 0 and "" not in a["doctor_id"].to_pylist()
    fa, fb = ClaimFrame(a, **refs_a), ClaimFrame(b, **refs_b)
    assert fa.claim_ids(range(fa.n)) == fb.claim_ids(range(fb.n))
    for name in ("patient", "card", "institution", "doctor", "visit", "minute", "admit_day", "fund", "p_region", "i_region"):
        assert np.array_equal(getattr(fa, name), getattr(fb, name), equal_nan=True), name

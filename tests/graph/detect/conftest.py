"""A small synthetic city (a few thousand insured people) shared by the detection tests.

Generated once per session with the SYNTH engineer's generator and loaded the way the analytic
copy reads (canonical columns, nanosecond timestamps). Seed 21: not one of the tuning seeds
(1-3) nor the reporting seeds (11-13).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def small_city(tmp_path_factory):
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("city")
    generate(out, patients=3000, seed=21, fmt="parquet")
    claims = pd.read_parquet(out / "input" / "claims.parquet")
    for col in ("admitted_on", "discharged_on", "settled_at"):
        claims[col] = pd.to_datetime(claims[col]).astype("datetime64[ns]")
    refs = {k: pd.read_parquet(out / "input" / f"{k}.parquet") for k in ("institutions", "doctors", "patients")}
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return {"dir": out, "claims": claims, "refs": refs, "truth": truth}


@pytest.fixture(scope="session")
def small_rings(small_city):
    from graph.detect.pipeline import detect

    return detect(small_city["claims"], **small_city["refs"])

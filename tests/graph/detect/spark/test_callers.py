"""The detectors' own projections, and a whole detection, are the same on Spark as on pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.detect import engine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city_frame(tmp_path_factory):
    from graph.detect.frame import ClaimFrame
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("city2000")
    generate(out, patients=2000, seed=3, fmt="parquet")
    claims = pd.read_parquet(out / "input" / "claims.parquet")
    for col in ("admitted_on", "discharged_on", "settled_at"):
        claims[col] = pd.to_datetime(claims[col]).astype("datetime64[ns]")
    refs = {k: pd.read_parquet(out / "input" / f"{k}.parquet") for k in ("institutions", "doctors", "patients")}
    return ClaimFrame(claims, **refs)


def test_communities_projection(spark, city_frame):
    from graph.detect.communities import projection

    with engine.use("pandas"):
        want = projection(city_frame)
    with engine.use("spark"):
        got = projection(city_frame)
    assert len(want) > 100 and (want.days >= 3).any()
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_drug_tours(spark, city_frame):
    from graph.detect.tours import tours

    with engine.use("pandas"):
        want = tours(city_frame, min_places=2)
    with engine.use("spark"):
        got = tours(city_frame, min_places=2)
    assert want and len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.members, w.members)
        np.testing.assert_array_equal(g.rows, w.rows)
        pd.testing.assert_frame_equal(g.stops, w.stops, check_exact=True)
        assert (g.places, g.days, g.synchrony) == (w.places, w.days, w.synchrony)


def test_whole_detection(spark, small_city, small_rings, monkeypatch):
    """Every detector through the environment variable: the rings, ids and evidence included."""
    from graph.detect.pipeline import detect

    import graph.detect.spark.cooccurrence as on_spark

    calls = []
    real = on_spark.cooccurrence
    monkeypatch.setattr(on_spark, "cooccurrence", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setenv(engine.ENV, "spark")
    assert engine.current().name == "spark"
    rings = detect(small_city["claims"], **small_city["refs"])
    assert len(calls) >= 4  # every projecting detector went through Spark
    assert len(small_rings) > 10 and rings == small_rings

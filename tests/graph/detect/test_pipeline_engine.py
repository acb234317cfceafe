"""``pipeline.run`` projects with the engine the *workspace's own* ringtrace.toml names, even when
RINGTRACE_HOME points at another workspace (``ringtrace --home DIR detect``)."""

import pytest

from graph.detect import engine, pipeline
from graph.detect.projections import cooccurrence as pandas_cooccurrence
from ringtrace.workspace import Workspace


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from ingest.synth import generate

    root = tmp_path_factory.mktemp("engine-city")
    generate(root / "city", patients=1000, seed=5, fmt="parquet")
    return sorted((root / "city" / "input").glob("*.parquet"))


def _workspace(tmp_path, files, engine_name: str | None) -> Workspace:
    from ingest.api import ingest_paths

    ws = Workspace(tmp_path / "ws").ensure()
    if engine_name:
        ws.config_path.write_text(f'[detect]\nprojection_engine = "{engine_name}"\n', encoding="utf-8")
    ingest_paths(ws, files, progress=False)  # takes the workspace lock itself
    return ws


def test_the_workspace_file_not_the_home_chooses_spark(city, tmp_path, monkeypatch):
    calls = []

    def on_spark(*args, **kw):  # stands in for Spark: records the call, answers as pandas does
        calls.append(engine.current().name)
        with engine.use("pandas"):
            return pandas_cooccurrence(*args, **kw)

    import graph.detect.spark.cooccurrence as spark_module

    monkeypatch.setattr(spark_module, "cooccurrence", on_spark)
    monkeypatch.setenv("RINGTRACE_HOME", str(tmp_path / "elsewhere"))  # a home without settings
    monkeypatch.delenv("RINGTRACE_PROJECTION_ENGINE", raising=False)
    ws = _workspace(tmp_path, city, "spark")
    with ws.lock():
        rings = pipeline.run(ws, full=True)
    assert calls and set(calls) == {"spark"}
    assert engine.current().name == "pandas"  # the choice ends with the run

    plain = _workspace(tmp_path / "plain", city, None)
    calls.clear()
    with plain.lock():
        assert pipeline.run(plain, full=True) == rings
    assert calls == []

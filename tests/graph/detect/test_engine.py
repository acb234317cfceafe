"""Choosing the projection engine: ringtrace.toml, the environment, clear errors for bad names."""

from __future__ import annotations

import numpy as np
import pytest

from graph.detect import engine
from graph.detect.projections import cooccurrence
from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv(engine.ENV, raising=False)
    return Workspace(tmp_path / "ws").ensure()


def test_default_is_pandas(ws):
    assert engine.settings(ws) == engine.EngineSettings("pandas")


def test_workspace_file_chooses_spark_with_its_settings(ws):
    ws.config_path.write_text('[detect]\nprojection_engine = "spark"\n[spark]\nmaster = "local[4]"\n', encoding="utf-8")
    s = engine.settings(ws)
    assert s.name == "spark" and s.spark == {"master": "local[4]"}


def test_environment_overrides_the_file(ws, monkeypatch):
    ws.config_path.write_text('[detect]\nprojection_engine = "spark"\n', encoding="utf-8")
    monkeypatch.setenv(engine.ENV, "pandas")
    assert engine.settings(ws).name == "pandas"


def test_bad_engine_name_in_the_file_is_a_clear_error(ws):
    ws.config_path.write_text('[detect]\nprojection_engine = "hadoop"\n', encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        engine.settings(ws)
    msg = str(e.value)
    assert str(ws.config_path) in msg and "'hadoop'" in msg and "'pandas', 'spark'" in msg


def test_bad_engine_name_in_the_environment_names_the_variable(ws, monkeypatch):
    monkeypatch.setenv(engine.ENV, "dask")
    with pytest.raises(WorkspaceError, match=engine.ENV):
        engine.settings(ws)


def test_spark_must_be_a_table(ws):
    ws.config_path.write_text('spark = "local"\n', encoding="utf-8")
    with pytest.raises(WorkspaceError, match="must be tables"):
        engine.settings(ws)


def test_current_reads_the_default_workspace_lazily(ws, monkeypatch):
    monkeypatch.setenv("RINGTRACE_HOME", str(ws.root))
    assert engine.current().name == "pandas"
    ws.config_path.write_text('[detect]\nprojection_engine = "spark"\n', encoding="utf-8")
    assert engine.current().name == "spark"
    with engine.use(engine.settings(config={}, environ={})):
        assert engine.current().name == "pandas"  # a run's own choice wins inside its block
    assert engine.current().name == "spark"


def test_projection_stops_on_a_bad_setting(ws, monkeypatch):
    """A misspelt engine fails the run with the message, never falls back silently."""
    monkeypatch.setenv("RINGTRACE_HOME", str(ws.root))
    ws.config_path.write_text('[detect]\nprojection_engine = "Sparkk"\n', encoding="utf-8")
    with pytest.raises(WorkspaceError, match="Sparkk"):
        cooccurrence([np.array([0, 0])], np.array([1, 2]), [np.array([0, 0])])

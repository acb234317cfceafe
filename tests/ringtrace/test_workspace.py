"""Workspace settings: ringtrace.toml is read as TOML, absent means defaults, broken is an error."""

import pytest

from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace


def test_config_absent_is_empty(tmp_path):
    assert Workspace(tmp_path).config() == {}


def test_config_reads_sections(tmp_path):
    (tmp_path / "ringtrace.toml").write_text('[detect]\nprojection_engine = "spark"\n\n[spark]\nmaster = "local[2]"\n',
                                             encoding="utf-8")
    cfg = Workspace(tmp_path).config()
    assert cfg["detect"]["projection_engine"] == "spark"
    assert cfg["spark"]["master"] == "local[2]"


def test_broken_config_names_the_file(tmp_path):
    (tmp_path / "ringtrace.toml").write_text("[detect\nprojection_engine = 1\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="ringtrace.toml is not valid TOML"):
        Workspace(tmp_path).config()


def test_detect_dir_is_inside_the_workspace(tmp_path):
    ws = Workspace(tmp_path)
    assert ws.detect_dir.parent == tmp_path and ws.config_path.parent == tmp_path

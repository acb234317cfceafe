"""Shared fixtures. Each test folder mirrors a source folder and may add its own conftest."""

from __future__ import annotations

import pytest

from ringtrace.workspace import Workspace


@pytest.fixture
def fresh_ws(tmp_path) -> Workspace:
    """An empty workspace in a temporary folder."""
    return Workspace(tmp_path / "ws").ensure()

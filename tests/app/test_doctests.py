"""The app's doctests (``app/`` is not among pytest's doctest paths, so they run from here)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "app.i18n", "app.netview", "app.launch",
    "app.views.queue", "app.views.ringview", "app.views.storecache", "app.views.export", "app.views.charts", "app.views.dashboard",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no doctest"
    assert result.failed == 0

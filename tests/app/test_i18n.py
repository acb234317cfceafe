"""Every visible string goes through app.i18n, in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.i18n import STRINGS, label, tr

APP = Path(__file__).resolve().parents[2] / "app"


def _keys_used() -> set[tuple[str, str]]:
    """(file, key) for every literal key passed to t() or tr() in the app."""
    used = set()
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("t", "tr") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    used.add((path.name, arg.value))
    return used


def test_every_key_used_exists():
    missing = sorted((f, k) for f, k in _keys_used() if k not in STRINGS)
    assert not missing, missing


def test_both_languages_filled_and_placeholders_agree():
    for key, (zh, en) in STRINGS.items():
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_chinese_is_the_default():
    assert tr("login_button") == "登录"


def test_families_fall_back_and_plain_keys_do_not():
    assert tr("pattern.new_detector", "zh") == "new_detector"
    with pytest.raises(KeyError):
        tr("no_such_key")
    assert label("role", "leader", "zh") == "局领导"
    assert label("status", "referred", "en") == "Referred"


def test_every_pattern_and_status_has_a_name():
    from graph.detect.ring import PATTERNS
    from ringtrace.cases import STATUSES

    for p in PATTERNS:
        assert f"pattern.{p}" in STRINGS
    for s in STATUSES:
        assert label("status", s, "zh") != s


def test_pages_show_no_bare_chinese_literals():
    """Chinese text in a page outside the i18n table would not switch to English."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for path in (APP / "app_pages").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and han.search(node.value):
                pytest.fail(f"{path.name}:{node.lineno} has a Chinese literal {node.value!r}")

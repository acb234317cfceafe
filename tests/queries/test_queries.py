"""queries/: every file is a well-formed named query, every file is used, every name used has a file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from queries import loader
from queries.loader import ENGINES, SCRIPTS, QueryError, _parse, files, load, names

ROOT = Path(loader.QUERY_DIR).parent
# Code that runs queries by name.
SOURCES = sorted((ROOT / "graph").rglob("*.py"))
CALLS = {"_rows", "_frame", "_table", "_write", "_q", "load", "_copy"}


def _used() -> tuple[set[str], set[str]]:
    """(names passed directly to a query-running call, names held in query tables)."""
    direct, tables = set(), set()
    known = names()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if fn in CALLS and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    direct.add(node.args[0].value)
            if isinstance(node, ast.Dict):
                values = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
                # a dict naming at least one query is a query table: all its values must be queries
                if values and any(v in known for v in values):
                    tables.update(values)
    return direct, tables


def test_every_query_file_is_used():
    direct, tables = _used()
    unused = names() - direct - tables
    assert not unused, f"query files no code runs: {sorted(unused)}"


def test_every_used_name_has_a_file():
    direct, tables = _used()
    missing = (direct | tables) - names()
    assert not missing, f"queries run by name with no file: {sorted(missing)}"


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_every_file_loads_with_a_doc_and_parameters_only(path):
    stem = path.name[: -len(".cypher")]
    base, _, engine = stem.rpartition(".")
    engines = [engine] if engine in ENGINES else list(ENGINES)
    for e in engines:
        q = load(base if engine in ENGINES else stem, e)
        assert q.doc and q.text and q.statements
        # a one-statement query must not hide a second statement behind a ';'
        assert len(q.statements) == 1 or q.name in SCRIPTS


def test_engine_variants_win_over_the_shared_file():
    assert load("schema", "ladybug").path.name == "schema.ladybug.cypher"
    assert load("schema", "bolt").path.name == "schema.bolt.cypher"
    assert load("counts", "bolt").path.name == "counts.cypher"
    with pytest.raises(QueryError, match="copy_claim"):
        load("copy_claim", "bolt")


@pytest.mark.parametrize("text, fault", [
    ("MATCH (n) RETURN n\n", "must start with a // comment"),
    ("// doc\nMATCH (n {id: '%s'}) RETURN n\n", None),  # inside a string literal: allowed
    ("// doc\nMATCH (n) WHERE n.id = %s RETURN n\n", "text formatting"),
    ("// doc\nMATCH (n) WHERE n.id = {id} RETURN n\n", "text formatting"),
    ("// doc\nMATCH (n WHERE n.id = $id RETURN n\n", "unbalanced"),
    ("// doc\n", "no query"),
])
def test_malformed_files_are_refused_with_file_and_line(tmp_path, text, fault):
    p = tmp_path / "q.cypher"
    p.write_text(text, encoding="utf-8")
    if fault is None:
        assert _parse("q", p).params == ()
    else:
        with pytest.raises(QueryError, match=fault) as e:
            _parse("q", p)
        assert str(e.value).startswith("q.cypher:")


def test_a_call_with_wrong_parameters_is_refused():
    q = load("find_entities", "ladybug")
    assert set(q.params) == {"types", "text", "limit"}
    with pytest.raises(QueryError, match=r"find_entities.cypher:2: missing parameter \$limit"):
        q.check({"types": [], "text": "x"})

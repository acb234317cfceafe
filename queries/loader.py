"""Named Cypher queries: one query per ``.cypher`` file in this folder, loaded by name.

Each file starts with ``//`` comment lines saying what the query answers (its docstring); the
rest is the query. Values travel only as ``$parameters``; the loader lists them when the file is
read and :meth:`Query.check` refuses a call whose parameters differ, naming file and line.

Where dialects differ, an engine variant ``NAME.ENGINE.cypher`` (engines: ``ladybug``,
``bolt``) is preferred over the shared ``NAME.cypher``. A file may hold several statements
separated by ``;`` at line ends (the scripts named in :data:`SCRIPTS`); :attr:`Query.statements`
lists them.

>>> q = load("existing_claims", "ladybug")
>>> q.params
('ids',)
>>> q.doc
'Which of these claim ids are already in the graph (so a load adds only new claims).'
>>> q.check({"ids": []}) is None
True
>>> q.check({"claim_ids": []})
Traceback (most recent call last):
...
queries.loader.QueryError: existing_claims.cypher:2: missing parameter $ids; unexpected parameter $claim_ids
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["ENGINES", "SCRIPTS", "QUERY_DIR", "Query", "QueryError", "load", "shared", "names", "files"]

QUERY_DIR = Path(__file__).resolve().parent
ENGINES: tuple[str, ...] = ("ladybug", "bolt")
# queries whose files may hold several statements, run one by one: the schema, and LadybugDB's
# ring replacement (drop the ring tables, made again from the schema)
SCRIPTS = frozenset({"schema", "delete_rings"})

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Signs that text was pasted into the query instead of passed as a parameter.
_FORMATTING = re.compile(r"\{[A-Za-z_0-9]*\}(?!\s*\))|%s|%\(|\{\{")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class QueryError(ValueError):
    """A query file is malformed, missing, or was called with the wrong parameters."""


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    doc: str
    text: str
    params: tuple[str, ...]
    first_line: int  # line of the first statement in the file (for error messages)

    @property
    def statements(self) -> list[str]:
        """The statements of the file (one for ordinary queries)."""
        parts = re.split(r";\s*(?:\n|$)", self.text)
        return [p.strip() for p in parts if p.strip()]

    def check(self, params: dict) -> None:
        """Raise :class:`QueryError` unless ``params`` has exactly this query's parameters."""
        given = set(params)
        wanted = set(self.params)
        if given == wanted:
            return None
        faults = []
        if wanted - given:
            faults.append("missing parameter " + ", ".join("$" + p for p in sorted(wanted - given)))
        if given - wanted:
            faults.append("unexpected parameter " + ", ".join("$" + p for p in sorted(given - wanted)))
        raise QueryError(f"{self.path.name}:{self.first_line}: " + "; ".join(faults))


def _parse(name: str, path: Path) -> Query:
    raw = path.read_text(encoding="utf-8")
    lines = raw.splitlines()
    doc_lines: list[str] = []
    i = 0
    while i < len(lines) and lines[i].lstrip().startswith("//"):
        doc_lines.append(lines[i].lstrip()[2:].strip())
        i += 1
    if not doc_lines or not doc_lines[0]:
        raise QueryError(f"{path.name}:1: a query file must start with a // comment saying what it answers")
    body = "\n".join(lines[i:]).strip()
    if not body:
        raise QueryError(f"{path.name}:{i + 1}: no query after the comment")
    # Checks run on the text outside string literals, so a literal like 'patient' is fine.
    bare = _STRING.sub("''", body)
    m = _FORMATTING.search(bare)
    if m:
        line = i + 1 + bare[: m.start()].count("\n")
        raise QueryError(f"{path.name}:{line}: {m.group(0)!r} looks like text formatting; pass values as $parameters")
    for open_, close in ("()", "[]", "{}"):
        if bare.count(open_) != bare.count(close):
            raise QueryError(f"{path.name}:{i + 1}: unbalanced {open_!r} in the query")
    params = tuple(dict.fromkeys(_PARAM.findall(bare)))
    return Query(name=name, path=path, doc=" ".join(doc_lines), text=body, params=params, first_line=i + 1)


def files() -> list[Path]:
    """Every query file in the folder."""
    return sorted(QUERY_DIR.glob("*.cypher"))


def names() -> set[str]:
    """Every query name (file name without engine suffix and extension)."""
    out = set()
    for p in files():
        stem = p.name[: -len(".cypher")]
        base, _, engine = stem.rpartition(".")
        out.add(base if base and engine in ENGINES else stem)
    return out


@lru_cache(maxsize=None)
def load(name: str, engine: str) -> Query:
    """The query ``name`` for ``engine``: its engine variant if there is one, else the shared file."""
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise QueryError(f"bad query name {name!r}")
    for candidate in (QUERY_DIR / f"{name}.{engine}.cypher", QUERY_DIR / f"{name}.cypher"):
        if candidate.is_file():
            return _parse(name, candidate)
    raise QueryError(
        f"no query file for {name!r} and engine {engine!r}: expected {name}.cypher or {name}.{engine}.cypher "
        f"in {QUERY_DIR}"
    )


@lru_cache(maxsize=None)
def shared(name: str) -> Query:
    """The shared file of query ``name``, whatever engine variants there are.

    >>> shared("reach").path.name, load("reach", "ladybug").path.name
    ('reach.cypher', 'reach.ladybug.cypher')
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise QueryError(f"bad query name {name!r}")
    path = QUERY_DIR / f"{name}.cypher"
    if not path.is_file():
        raise QueryError(f"no shared query file {name}.cypher in {QUERY_DIR}")
    return _parse(name, path)

"""The ``--mapping`` TOML file: any other export layout, mapped onto the canonical columns.

::

    [columns]
    claim_id = "ClaimID"
    [values.visit_type]
    "I" = "inpatient"

``[columns]`` maps canonical name -> source header (for claims and reference files alike);
``[values.COLUMN]`` maps source value -> canonical value and is applied after ids are trimmed,
before validation.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.columns import CLAIM_COLUMNS, REFERENCE_COLUMNS
from ringtrace.errors import InputError

__all__ = ["Mapping", "load_mapping"]

_KNOWN = set(CLAIM_COLUMNS).union(*REFERENCE_COLUMNS.values())


@dataclass(frozen=True)
class Mapping:
    """Extra header aliases and value maps from a mapping file."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str | None = None


def load_mapping(path: str | Path | None) -> Mapping:
    """Read and check a mapping file; ``None`` gives the empty mapping.

    >>> load_mapping(None).columns
    {}
    """
    if path is None:
        return Mapping()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as e:
        raise InputError(f"{path}: the mapping file does not exist. Check the --mapping path.") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(
            f"{path}: the mapping file is not valid UTF-8 TOML ({e}). It needs a [columns] table "
            f'from canonical name to source header, e.g. claim_id = "ClaimID".'
        ) from e
    unknown_tables = set(data) - {"columns", "values"}
    cols = data.get("columns", {})
    vals = data.get("values", {})
    problems = []
    if unknown_tables:
        problems.append(f"unknown tables {sorted(unknown_tables)} (only [columns] and [values.COLUMN])")
    if not isinstance(cols, dict) or not all(isinstance(v, str) for v in cols.values()):
        problems.append("[columns] must map canonical names to source header strings")
        cols = {}
    bad = sorted(set(cols) - _KNOWN)
    if bad:
        problems.append(f"[columns] names unknown canonical columns {bad}")
    if not isinstance(vals, dict) or not all(
        isinstance(t, dict) and all(isinstance(v, str) for v in t.values()) for t in vals.values()
    ):
        problems.append("[values.COLUMN] tables must map source values to canonical value strings")
        vals = {}
    bad = sorted(set(vals) - _KNOWN)
    if bad:
        problems.append(f"[values] names unknown canonical columns {bad}")
    if problems:
        raise InputError(
            f"{path}: the mapping file cannot be used: {'; '.join(problems)}. Canonical columns: "
            f"{', '.join(sorted(_KNOWN))}."
        )
    return Mapping(
        columns={k: v.strip() for k, v in cols.items()},
        values={c: {str(k): v for k, v in t.items()} for c, t in vals.items()},
        source=str(path),
    )

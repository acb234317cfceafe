"""Matching a file's header row to the canonical columns (names, Chinese aliases, mapping)."""

from __future__ import annotations

from pathlib import Path

from ingest.columns import (
    CLAIM_ALIASES,
    CLAIM_COLUMNS,
    REFERENCE_ALIASES,
    REFERENCE_COLUMNS,
    REQUIRED_CLAIM_COLUMNS,
)
from ingest.mapping import Mapping
from ringtrace.errors import InputError

__all__ = ["KINDS", "columns_of", "required_of", "aliases_of", "resolve_headers", "accepted_text"]

KINDS = ("claims", "institutions", "doctors", "patients")


def columns_of(kind: str) -> tuple[str, ...]:
    return CLAIM_COLUMNS if kind == "claims" else REFERENCE_COLUMNS[kind]


def required_of(kind: str) -> tuple[str, ...]:
    return REQUIRED_CLAIM_COLUMNS if kind == "claims" else (REFERENCE_COLUMNS[kind][0],)


def aliases_of(kind: str) -> dict[str, tuple[str, ...]]:
    return CLAIM_ALIASES if kind == "claims" else REFERENCE_ALIASES[kind]


def _norm(name: str) -> str:
    return str(name).replace("\ufeff", "").strip(" \t\r\n\u3000").casefold()


def accepted_text(kind: str, mapping: Mapping | None = None) -> str:
    """The accepted headers of ``kind``, one ``name (alias, ...)`` per column, required marked.

    >>> accepted_text("doctors")
    'doctor_id (医师编码, 医保医师编码) [required]; name (医师姓名, 姓名); institution_id (定点机构编码, 医药机构编码, 机构编码)'
    """
    req = set(required_of(kind))
    parts = []
    for col in columns_of(kind):
        names = list(aliases_of(kind).get(col, ()))
        if mapping and col in mapping.columns:
            names.append(mapping.columns[col])
        text = f"{col} ({', '.join(names)})" if names else col
        parts.append(text + (" [required]" if col in req else ""))
    return "; ".join(parts)


def resolve_headers(
    headers: list[str], kind: str, mapping: Mapping | None, path: Path | str
) -> dict[str, str]:
    """canonical column -> source header, for every canonical column the file has.

    Headers match case-insensitively and trimmed; a mapping's ``[columns]`` entry wins over
    the built-in aliases.

    When several headers name one column (an export with both 人员编号 and 身份证号), the
    mapping's wins, then the canonical name, then the aliases in their listed order.

    Raises
    ------
    InputError
        A required column is missing.

    >>> resolve_headers(["结算单号", "人员编号", "定点机构编码", "结算时间", "TOTAL_AMOUNT"],
    ...                 "claims", None, "x.csv")["total_amount"]
    'TOTAL_AMOUNT'
    """
    by_norm: dict[str, str] = {}
    for h in headers:
        if h is None or _norm(h) == "":
            continue
        by_norm.setdefault(_norm(h), h)
    found: dict[str, str] = {}
    for col in columns_of(kind):
        names = [col, *aliases_of(kind).get(col, ())]
        if mapping and col in mapping.columns:
            names = [mapping.columns[col], *names]
        hit = next((by_norm[_norm(n)] for n in names if _norm(n) in by_norm), None)
        if hit is not None:
            found[col] = hit
    missing = [c for c in required_of(kind) if c not in found]
    if missing:
        fault = (f"the required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                 f"{'are' if len(missing) > 1 else 'is'} missing")
        shown = ", ".join(repr(h) for h in headers[:20]) + (" …" if len(headers) > 20 else "")
        zh = "、".join(f"{c}（{aliases_of(kind).get(c, (c,))[0]}）" for c in missing)
        raise InputError(
            f"{path}: 缺少必填列 {zh}，未载入任何数据。"
            f"{fault[0].upper()}{fault[1:]} (the {kind} file's header row is {shown}). Nothing was "
            f"loaded. Accepted {kind} columns, with their aliases, matched case-insensitively: "
            f"{accepted_text(kind, mapping)}. Rename the header, or give a --mapping TOML file "
            f'with a [columns] table such as {required_of(kind)[0]} = "YourHeader".'
        )
    return found

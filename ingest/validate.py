"""Cleaning and checking a chunk of raw rows, vectorised, every fault of every row collected.

A row may fail several checks at once; all of them are reported, codes joined with ``;``
and messages with ``；`` / ``; `` (see ``ingest.reasons``). The masks are computed over the
whole chunk with pandas/Arrow string kernels; only the messages of rejected rows are built one
row at a time, and those rows are few.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingest.columns import CLAIM_COLUMNS, REFERENCE_COLUMNS, REQUIRED_CLAIM_COLUMNS, VISIT_TYPE_ALIASES
from ingest.datetimes import parse_datetimes
from ingest.mapping import Mapping
from ingest.reasons import REASONS, label_zh

__all__ = ["Checked", "check_chunk", "clean_text", "parse_amounts", "ID_COLUMNS"]

# Columns holding identifiers: trimmed of ASCII and full-width (U+3000) spaces.
ID_COLUMNS = ("claim_id", "patient_id", "card_id", "institution_id", "doctor_id", "operator_id")
_SPACES = " \t\r\n\u3000\xa0"
_VISIT = {k.casefold(): v for k, v in VISIT_TYPE_ALIASES.items()}
_NUMERIC_REF = {"lat": "float64", "lon": "float64", "birth_year": "Int64"}


@dataclass
class Checked:
    """The outcome of checking one chunk.

    ``clean`` holds the canonical columns for every row (typed: datetimes, floats); ``bad``
    marks rejected rows; ``codes``/``msg_zh``/``msg_en`` are aligned with ``np.flatnonzero(bad)``.
    """

    clean: pd.DataFrame
    bad: np.ndarray
    codes: list[str]
    msg_zh: list[str]
    msg_en: list[str]


class _Faults:
    def __init__(self, n: int):
        self.n = n
        self.items: list[tuple[str, np.ndarray, Callable[[int], str], Callable[[int], str]]] = []

    def add(self, code: str, mask, zh: Callable[[int], str], en: Callable[[int], str]) -> None:
        m = np.asarray(mask, dtype=bool)
        if m.any():
            self.items.append((code, m, zh, en))

    def result(self, clean: pd.DataFrame) -> Checked:
        bad = np.zeros(self.n, bool)
        for _, m, _, _ in self.items:
            bad |= m
        rows = np.flatnonzero(bad)
        pos = {r: i for i, r in enumerate(rows)}
        codes: list[list[str]] = [[] for _ in rows]
        zh: list[list[str]] = [[] for _ in rows]
        en: list[list[str]] = [[] for _ in rows]
        for code, m, fzh, fen in self.items:
            for r in np.flatnonzero(m):
                i = pos[r]
                if code not in codes[i]:
                    codes[i].append(code)
                zh[i].append(fzh(r))
                en[i].append(fen(r))
        rank = {c: i for i, c in enumerate(REASONS)}
        return Checked(clean, bad, [";".join(sorted(c, key=rank.get)) for c in codes], ["；".join(z) for z in zh],
                       ["; ".join(e) for e in en])


def clean_text(s: pd.Series) -> pd.Series:
    """Trim ASCII and full-width spaces; empty becomes missing.

    >>> clean_text(pd.Series(["\\u3000P001 ", "  ", None], dtype="str")).tolist()
    ['P001', nan, nan]
    """
    s = s.str.strip(_SPACES)
    return s.where(s.str.len() > 0)


def _fix_national_id(s: pd.Series) -> pd.Series:
    # 身份证号: the check digit X is often typed lower-case; one person must be one id.
    # (a mask and upper() stay in Arrow kernels; a regex with a group reference would not)
    lower_x = s.str.fullmatch(r"\d{17}x").fillna(False).astype(bool)
    if lower_x.any():
        s = s.copy()
        s[lower_x] = s[lower_x].str.upper()
    return s


def parse_amounts(s: pd.Series) -> pd.Series:
    """Text to float64; NaN where missing or not a finite number. Accepts ``1,234.50`` and ``¥12``.

    >>> parse_amounts(pd.Series(["12.5", "1,234.50", "￥8", "abc", "inf", None], dtype="str")).tolist()
    [12.5, 1234.5, 8.0, nan, nan, nan]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # Plain decimals (nearly every cell) are cast in one Arrow kernel; the rest go through pandas.
    arr = pa.array(s.astype("str"), type=pa.large_string(), from_pandas=True)
    plain = pc.fill_null(pc.match_substring_regex(arr, r"^[+-]?[0-9]+(\.[0-9]+)?$"), False)
    values = pc.cast(pc.if_else(plain, arr, pa.scalar(None, pa.large_string())), pa.float64())
    out = pd.Series(values.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")
    retry = out.isna() & s.notna()
    if retry.any():
        out[retry] = pd.to_numeric(s[retry], errors="coerce").astype("float64")
    retry = out.isna() & s.notna()
    if retry.any():
        cleaned = s[retry].str.replace(r"[,，¥￥\s]", "", regex=True)
        out[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return out.where(np.isfinite(out))


def _quote(v) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def check_chunk(raw: pd.DataFrame, kind: str, colmap: dict[str, str], mapping: Mapping | None) -> Checked:
    """Clean and check ``raw`` (a chunk with the file's own headers) as ``kind`` rows.

    Parameters
    ----------
    raw : DataFrame of text cells, as ``ingest.readers`` gives them
    kind : "claims", "institutions", "doctors" or "patients"
    colmap : canonical column -> source header (``ingest.headers.resolve_headers``)
    mapping : value maps of a ``--mapping`` file, applied after trimming, before checks
    """
    n = len(raw)
    columns = CLAIM_COLUMNS if kind == "claims" else REFERENCE_COLUMNS[kind]
    required = REQUIRED_CLAIM_COLUMNS if kind == "claims" else (columns[0],)
    text: dict[str, pd.Series] = {}
    for col in columns:
        if col in colmap:
            s = clean_text(raw[colmap[col]].reset_index(drop=True).astype("str"))
            if mapping and col in mapping.values:
                s = s.replace(mapping.values[col])
            if col == "patient_id":
                s = _fix_national_id(s)
        else:
            s = pd.Series(np.nan, index=pd.RangeIndex(n), dtype="str")
        text[col] = s
    f = _Faults(n)
    for col in required:
        miss = text[col].isna().to_numpy()
        f.add("missing_required", miss,
              lambda r, c=col: f"必填字段{label_zh(c)}为空",
              lambda r, c=col: f"required field {c} is empty")
    if kind == "claims":
        clean = _check_claims(text, f)
    else:
        clean = _check_reference(text, columns, f)
    return f.result(clean)


def _check_claims(text: dict[str, pd.Series], f: _Faults) -> pd.DataFrame:
    clean = {c: text[c] for c in ("claim_id", "patient_id", "card_id", "institution_id", "doctor_id")}
    vt_raw = text["visit_type"]
    vt = vt_raw.str.casefold().map(_VISIT)
    f.add("unknown_visit_type", (vt_raw.notna() & vt.isna()).to_numpy(),
          lambda r: f"医疗类别“{vt_raw[r]}”无法识别（应为门诊、住院、药店购药）",
          lambda r: f"visit_type '{vt_raw[r]}' is not known (outpatient, inpatient, pharmacy)")
    clean["visit_type"] = vt.astype("str")
    for col in ("settled_at", "admitted_on", "discharged_on"):
        s = text[col]
        parsed = parse_datetimes(s)
        f.add("bad_datetime", (s.notna() & parsed.isna()).to_numpy(),
              lambda r, c=col, s=s: f"{label_zh(c)}“{s[r]}”不是有效的日期时间",
              lambda r, c=col, s=s: f"{c} '{s[r]}' is not a valid date-time")
        clean[col] = parsed
    a, d = clean["admitted_on"], clean["discharged_on"]
    f.add("admit_after_discharge", (a > d).fillna(False).to_numpy(),
          lambda r: f"入院日期（{a[r]:%Y-%m-%d}）晚于出院日期（{d[r]:%Y-%m-%d}）",
          lambda r: f"admitted_on ({a[r]:%Y-%m-%d}) is after discharged_on ({d[r]:%Y-%m-%d})")
    for col in ("total_amount", "fund_amount"):
        s = text[col]
        v = parse_amounts(s)
        f.add("bad_amount", (s.notna() & v.isna()).to_numpy(),
              lambda r, c=col, s=s: f"{label_zh(c)}“{s[r]}”不是数字",
              lambda r, c=col, s=s: f"{c} '{s[r]}' is not a number")
        f.add("negative_amount", (v < 0).fillna(False).to_numpy(),
              lambda r, c=col, s=s: f"{label_zh(c)}为负数（{s[r]}）",
              lambda r, c=col, s=s: f"{c} is negative ({s[r]})")
        clean[col] = v
    tot, fund = clean["total_amount"], clean["fund_amount"]
    # A cent of rounding slack: exports round fund and total separately. A negative amount is
    # already its own fault; comparing it would only repeat it.
    f.add("fund_exceeds_total", ((fund > tot + 0.005) & (tot >= 0) & (fund >= 0)).fillna(False).to_numpy(),
          lambda r: f"统筹基金支付（{fund[r]:g}）大于医疗总费用（{tot[r]:g}）",
          lambda r: f"fund_amount ({fund[r]:g}) exceeds total_amount ({tot[r]:g})")
    clean["diagnosis"] = text["diagnosis"]
    clean["operator_id"] = text["operator_id"]
    return pd.DataFrame(clean, columns=list(CLAIM_COLUMNS))


def _check_reference(text: dict[str, pd.Series], columns, f: _Faults) -> pd.DataFrame:
    clean = {}
    for col in columns:
        s = text[col]
        if col in _NUMERIC_REF:
            v = parse_amounts(s)
            if _NUMERIC_REF[col] == "Int64":
                whole = v.isna() | (v == np.floor(v))
                v = v.where(whole)
            f.add("bad_number", (s.notna() & v.isna()).to_numpy(),
                  lambda r, c=col, s=s: f"{label_zh(c)}“{s[r]}”不是有效数字",
                  lambda r, c=col, s=s: f"{c} '{s[r]}' is not a valid number")
            clean[col] = v.astype(_NUMERIC_REF[col]) if _NUMERIC_REF[col] != "Int64" else v.round().astype("Int64")
        else:
            clean[col] = s
    return pd.DataFrame(clean, columns=list(columns))

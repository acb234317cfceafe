"""Reasons a dense group may be innocent: a household, a nursing home's round, a company's
health check, one specialist's chronic patients. Each check returns an Evidence of kind
"legit" (shown with the ring, so an investigator sees why it ranks low) and a penalty in 0..1.

>>> import numpy as np, pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> pats = pd.DataFrame({"patient_id": ["A", "B", "C"], "address": ["X路1号"] * 3, "birth_year": [1980, 1982, 2015]})
>>> claims = pd.DataFrame({"claim_id": ["1", "2", "3"], "patient_id": ["A", "B", "C"], "institution_id": "H1",
...                        "settled_at": pd.Timestamp("2024-01-01 09:00"), "total_amount": 50.0})
>>> f = ClaimFrame(claims, patients=pats)
>>> penalty, reasons = assess(f, np.arange(3), np.arange(3))
>>> round(penalty, 2), reasons[0].kind
(0.7, 'legit')
>>> print(reasons[0].text_en)
3 of 3 people share one address (X路1号), 100% of the claims: a household
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import evidence
from graph.detect.frame import INPATIENT, bucket_order
from graph.detect.groups import distinct_counts, most_common

__all__ = ["assess"]

CHECKUP_CODES = ("Z00", "Z01", "Z02", "Z10")


def _holders(f, attr: str, code: int) -> np.ndarray:
    """Patients whose ``attr`` (p_address, p_phone) is ``code``, ascending: slices of one sort
    kept on the frame (a scan of every insured person per ring grows with rings × city)."""
    key = f"holders_{attr}"
    if key not in f.cache:
        col = getattr(f, attr)
        # a counting pass (code -1, none, first): the stable argsort's order, without its sort
        f.cache[key] = bucket_order(col.astype(np.int64) + 1, int(col.max(initial=-1)) + 2)
    order, start = f.cache[key]
    if not -1 <= code < len(start) - 2:
        return np.array([], dtype=np.int64)
    return order[start[code + 1]:start[code + 2]]


def _checkup(f) -> np.ndarray:
    """Per diagnosis code of the frame: is it a health check (CHECKUP_CODES), cached."""
    if "checkup_codes" not in f.cache:
        labels = pd.Series(f.labels["diagnosis"], dtype=object).astype(str)
        f.cache["checkup_codes"] = labels.str.startswith(CHECKUP_CODES).to_numpy(dtype=bool)
    return f.cache["checkup_codes"]


def assess(f, patients: np.ndarray, rows: np.ndarray) -> tuple[float, list]:
    """(penalty, reasons) for a group of patient codes and its claim rows."""
    reasons = []
    penalty = 0.0
    if len(patients) == 0 or len(rows) == 0:
        return 0.0, []
    n = len(patients)
    # 1. one address (or phone) for most of the group: a household or a nursing home
    for attr, labels, zh, en in (("p_address", "p_address_label", "住址", "address"), ("p_phone", "p_phone_label", "联系电话", "phone")):
        codes = getattr(f, attr)[patients]
        codes = codes[codes >= 0]
        if len(codes) < 2:
            continue
        top, top_n = most_common(codes)
        # by people or by claims: a nursing home's round may pick up a few other regulars on
        # the way, who are many people but few of the claims
        who = _holders(f, attr, int(top))
        mine = np.isin(f.patient[rows], who)
        share = max(top_n / n, float(mine.mean()))
        if top_n >= 2 and share >= 0.5:
            label = getattr(f, labels)[top]
            age = f.age(rows)
            old = np.isfinite(age).any() and np.nanmedian(age) >= 70
            if n >= 8 and old:
                kind_zh, kind_en, p = "养老机构", "a nursing home", 0.75
            elif n <= 8:
                kind_zh, kind_en, p = "同一家庭", "a household", 0.7
            else:
                kind_zh, kind_en, p = "集体住址", "a shared residence", 0.5
            r = rows[mine]
            reasons.append(evidence(f, f"{top_n} / {len(patients)} 人共用同一{zh}({label}),占 {mine.mean():.0%} 的结算:{kind_zh}",
                                    f"{top_n} of {len(patients)} people share one {en} ({label}), {mine.mean():.0%} of the claims: {kind_en}",
                                    r, "legit"))
            penalty = max(penalty, p * min(1.0, share / 0.8))
            break
    # 2. the fund paid (almost) nothing: an employer's health check, not a fraud on the fund
    fund, total = float(f.fund[rows].sum()), float(f.total[rows].sum())
    if total > 0 and fund / total < 0.05:
        reasons.append(evidence(f, f"统筹基金几乎未支付({fund:,.2f} / {total:,.2f} 元):单位体检等自费项目",
                                f"the fund paid almost nothing ({fund:,.2f} of {total:,.2f} yuan): an employer's health check or the like",
                                rows, "legit"))
        penalty = max(penalty, 0.9)
    diag = f.diagnosis[rows]
    if (diag >= 0).any():
        if _checkup(f)[diag[diag >= 0]].mean() >= 0.8:
            reasons.append(evidence(f, "绝大多数结算为健康检查(Z00–Z02)", "nearly all claims are health checks (Z00–Z02)", rows, "legit"))
            penalty = max(penalty, 0.8)
    # 3. one doctor's regular outpatients with one chronic condition, each on their own day,
    #    at ordinary prices: a specialist's panel
    docs = f.doctor[rows]
    outpatient = float((f.visit[rows] != INPATIENT).mean())
    if (docs >= 0).any() and len(rows) >= 10 and outpatient >= 0.8 and (diag >= 0).any():
        top_doc, top_doc_n = most_common(docs[docs >= 0])
        top_diag = most_common(diag[diag >= 0])[1] / len(rows)
        per_day = pd.Series(distinct_counts(f.day[rows], f.patient[rows])[1])  # people per day
        if top_doc_n / len(rows) >= 0.9 and top_diag >= 0.6 and per_day.median() <= 2 and len(per_day) >= 10:
            doc = f.labels["doctor"][top_doc]
            reasons.append(evidence(f, f"均为医师 {doc} 的慢病复诊患者,各自在不同日期就诊(每天中位数 {per_day.median():.0f} 人)",
                                    f"all chronic patients of doctor {doc}, each coming on their own day (median {per_day.median():.0f} a day)",
                                    rows, "legit"))
            penalty = max(penalty, 0.6)
    return penalty, reasons

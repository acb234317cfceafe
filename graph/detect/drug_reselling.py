"""倒卖药品, 重复开药: chronic patients touring many institutions together to buy the same drugs.

Outpatient and pharmacy claims only. A tour (see :mod:`graph.detect.tours`) becomes a
candidate when its stops cluster on a few diagnoses (the same drugs) and its amounts stand out
against what the same institutions usually settle.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> rows = [(f"t{d}{k}", f"P{k}", f"Y{d}", f"2024-05-0{1 + d // 2} {9 + d % 2:02d}:1{k}", 900.0, "E11.9", "pharmacy")
...         for d in range(4) for k in range(4)]
>>> rows += [(f"x{d}{j}", f"Q{j}", f"Y{d}", f"2024-05-1{j} 12:00", 60.0, "J06.9", "pharmacy")
...          for d in range(4) for j in range(6)]   # each pharmacy's ordinary customers
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "settled_at",
...                                      "total_amount", "diagnosis", "visit_type"])
>>> claims["settled_at"] = pd.to_datetime(claims["settled_at"])
>>> [c] = detect(ClaimFrame(claims))
>>> c.pattern, len(c.patients), len(c.institutions), round(c.strength, 2)
('drug_reselling', 4, 4, 1.0)
>>> print(c.evidence[0].text_en)
4 people bought at 4 institutions together on 2 days (same place within hours)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.frame import INPATIENT, PHARMACY
from graph.detect.tours import tours

__all__ = ["detect"]


def detect(f, min_places: int = 3, min_size: int = 3, min_tour_days: int = 2) -> list[Candidate]:
    """Candidate drug-reselling rings."""
    if f.n == 0:
        return []
    # drugs are bought at pharmacies and clinics; a big hospital's outpatient hall is skipped
    # (where the reference file says what an institution is): judged once per institution, not
    # by comparing a city's claims' kind strings
    kind = np.asarray(f.i_kind, dtype=object)
    selling = (kind == "") | (kind == "pharmacy") | (kind == "clinic")
    mask = (f.visit != INPATIENT) & selling[f.institution]
    found = list(tours(f, entity="patient", rows_mask=mask, window=120, min_places=min_places, min_size=min_size,
                       min_tour_days=min_tour_days, memo="drug_tours"))
    # what an institution usually settles per claim, to judge a tour's amounts against: the
    # median of its claims in the mask, for the institutions the tours visit only
    visited = np.unique(np.concatenate([f.institution[t.rows] for t in found])) if found else np.array([], dtype=np.int64)
    at = mask & np.isin(f.institution, visited)
    typical = pd.Series(f.fund[at]).groupby(f.institution[at]).median()
    out = []
    for t in found:
        rows = t.rows
        diag = f.diagnosis[rows]
        top_share, top_code = 0.0, None
        if (diag >= 0).any():
            vc = pd.Series(diag[diag >= 0]).value_counts(sort=True)
            top_code = f.labels["diagnosis"][vc.index[0]]
            top_share = float(vc.iloc[0] / len(rows))
        base = typical.reindex(f.institution[rows]).to_numpy()
        ratio = float(np.nanmedian(f.fund[rows] / np.where(base > 0, base, np.nan))) if len(rows) else 1.0
        ratio = 1.0 if np.isnan(ratio) else ratio
        pharm = float((f.visit[rows] == PHARMACY).mean())
        fund = float(f.fund[rows].sum())
        ev = [evidence(f, f"{len(t.members)} 人在 {t.days} 天内结伴到 {t.places} 家机构购药(同一机构数小时内先后结算)",
                       f"{len(t.members)} people bought at {t.places} institutions together on {t.days} days (same place within hours)",
                       rows, "synchrony")]
        if top_code is not None and top_share >= 0.5:
            ev.append(evidence(f, f"{top_share:.0%} 的结算为同一诊断 {top_code}(同类药品)",
                               f"{top_share:.0%} of these claims carry the same diagnosis {top_code} (the same drugs)",
                               rows[diag == np.flatnonzero(f.labels['diagnosis'] == top_code)[0]], "pattern"))
        if ratio >= 1.5:
            ev.append(evidence(f, f"单笔金额为这些机构常见金额的 {ratio:.1f} 倍", f"amounts {ratio:.1f} times what these institutions usually settle per claim",
                               rows, "amount"))
        ev.append(evidence(f, f"统筹基金支付合计 {money(fund)} 元", f"fund paid {money(fund)} yuan in all", rows, "amount"))
        # one drug, bought dear: what reselling needs; tours alone are only a meeting pattern
        strength = min(1.0, 0.3 + 0.35 * (top_share >= 0.6) + 0.25 * (ratio >= 1.5) + 0.1 * (pharm >= 0.5))
        out.append(Candidate.from_rows(f, "drug_reselling", "drug_tours", rows, evidence=ev, strength=strength,
                                       synchrony=t.synchrony, repeats=t.days))
    return out

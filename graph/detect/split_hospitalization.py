"""分解住院: one stay cut into several to pass per-stay limits, as an institution's habit.

For every patient and hospital the stays are put in order; a readmission within ``max_gap``
days of the previous discharge is a split. One such readmission is medicine; an institution
whose split rate is far above the city's (Poisson tail against the pooled rate of the ordinary
half of the city's hospitals, never below 1%) is running a scheme.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> rows = []
>>> for k in range(8):                       # H1 splits every stay into two
...     rows += [(f"a{k}", f"P{k}", "H1", "2024-03-01", "2024-03-08"), (f"b{k}", f"P{k}", "H1", "2024-03-09", "2024-03-15")]
>>> for k in range(60):                      # H2: ordinary single stays
...     rows.append((f"c{k}", f"Q{k}", "H2", "2024-03-01", "2024-03-08"))
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "admitted_on", "discharged_on"])
>>> claims["settled_at"] = pd.to_datetime(claims["discharged_on"]); claims["total_amount"] = 5000.0
>>> claims["visit_type"] = "inpatient"
>>> [c] = detect(ClaimFrame(claims))
>>> c.pattern, f"{len(c.patients)} patients", f"{len(c.rows)} claims"
('split_hospitalization', '8 patients', '16 claims')
>>> print(c.evidence[0].text_en)
8 readmissions to H1 within 5 days of discharge: 8 of 16 stays (50%), against 0.0% at the city's ordinary hospitals
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.frame import INPATIENT, log10_poisson_sf

__all__ = ["detect", "readmissions", "FLOOR"]

FLOOR = 0.01


def readmissions(f, max_gap: int = 5) -> pd.DataFrame:
    """Pairs of consecutive stays of one patient at one institution, with the gap in days.

    Columns: prev, next (claim rows), institution, patient, gap, split (gap <= max_gap).
    """
    rows = np.flatnonzero((f.visit == INPATIENT) | ((f.visit < 0) & (f.admit_day >= 0)))
    admit = f.admit_day[rows]
    disch = np.where(f.discharge_day[rows] >= 0, f.discharge_day[rows], f.day[rows])
    admit = np.where(admit >= 0, admit, disch)
    d = pd.DataFrame({"row": rows, "p": f.patient[rows], "i": f.institution[rows], "a": admit, "d": disch})
    d = d.sort_values(["p", "i", "a", "row"], kind="mergesort").reset_index(drop=True)
    same = (d.p.to_numpy()[1:] == d.p.to_numpy()[:-1]) & (d.i.to_numpy()[1:] == d.i.to_numpy()[:-1])
    prev, nxt = d.iloc[:-1][same], d.iloc[1:][same]
    gap = nxt.a.to_numpy() - prev.d.to_numpy()
    return pd.DataFrame({"prev": prev.row.to_numpy(), "next": nxt.row.to_numpy(), "institution": prev.i.to_numpy(),
                         "patient": prev.p.to_numpy(), "gap": gap, "split": (gap >= 0) & (gap <= max_gap)})


def detect(f, max_gap: int = 5, min_splits: int = 5, min_surprise: float = 3.0, min_lift: float = 3.0) -> list[Candidate]:
    """Candidate split-hospitalisation schemes, one per institution."""
    if f.n == 0:
        return []
    pairs = readmissions(f, max_gap)
    inpatient = (f.visit == INPATIENT) | ((f.visit < 0) & (f.admit_day >= 0))
    stays = pd.Series(f.institution[inpatient]).value_counts()
    if pairs.empty or stays.empty:
        return []
    splits = pairs[pairs.split].groupby("institution").size().reindex(stays.index, fill_value=0)
    # the baseline is the ordinary half of the city's hospitals (those at or below the median
    # split rate), so several schemes in one small city do not hide each other; it never drops
    # below FLOOR, because early readmissions happen in honest medicine too
    rates = splits / stays
    ordinary = rates <= rates.median()
    seen0 = float(splits[ordinary].sum() / max(stays[ordinary].sum(), 1))
    rate0 = max(seen0, FLOOR)
    out = []
    for inst in splits.index[splits.to_numpy() >= min_splits]:
        n_stays, n_split = float(stays[inst]), float(splits[inst])
        expected = n_stays * rate0
        surprise = log10_poisson_sf(n_split, expected)
        if surprise < min_surprise or n_split < min_lift * expected:
            continue
        sp = pairs[pairs.split & (pairs.institution == inst)]
        rows = np.unique(np.r_[sp.prev.to_numpy(), sp.next.to_numpy()])
        label = f.labels["institution"][inst]
        rate = n_split / n_stays
        fund = float(f.fund[rows].sum())
        ev = [evidence(f, f"{int(n_split)} 次在 {label} 出院后 {max_gap} 天内再次入院:占该院 {int(n_stays)} 次住院的 {rate:.0%},全市一般医院为 {seen0:.1%}",
                       f"{int(n_split)} readmissions to {label} within {max_gap} days of discharge: {int(n_split)} of {int(n_stays)} stays ({rate:.0%}), against {seen0:.1%} at the city's ordinary hospitals",
                       rows, "repetition")]
        same_day = sp[sp.gap <= 1]
        if len(same_day):
            r = np.unique(np.r_[same_day.prev.to_numpy(), same_day.next.to_numpy()])
            ev.append(evidence(f, f"其中 {len(same_day)} 次为出院当天或次日即再入院", f"{len(same_day)} of them readmitted on the day of discharge or the next day", r, "timing"))
        same_diag = f.diagnosis[sp.prev.to_numpy()] == f.diagnosis[sp.next.to_numpy()]
        if same_diag.mean() >= 0.5 and (f.diagnosis >= 0).any():
            r = np.unique(np.r_[sp.prev.to_numpy()[same_diag], sp.next.to_numpy()[same_diag]])
            ev.append(evidence(f, f"{int(same_diag.sum())} 次再入院与前次住院诊断相同", f"{int(same_diag.sum())} readmissions carry the same diagnosis as the stay before", r, "pattern"))
        ev.append(evidence(f, f"涉及 {sp.patient.nunique()} 名参保人,统筹基金支付合计 {money(fund)} 元",
                           f"{sp.patient.nunique()} insured people involved; fund paid {money(fund)} yuan in all", rows, "amount"))
        strength = min(1.0, 0.6 + 0.1 * min(4.0, np.log2(max(n_split / max(expected, 1e-9), 1.0)) / 2))
        months = int(len(np.unique(f.day[rows] // 30)))
        out.append(Candidate.from_rows(f, "split_hospitalization", "split_stays", rows, evidence=ev, strength=strength,
                                       synchrony=surprise, repeats=months,
                                       roles={f"institution:{label}": "organiser"}))
    return out

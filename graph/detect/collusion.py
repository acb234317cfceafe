"""医患合谋, 诱导住院, 挂床住院: recruited patients admitted in waves by the same few doctors.

Inpatient stays only. Two views are combined:

* *returning waves*: patients admitted to the same hospital in the same week, again and again
  (co-occurrence over (institution, admission week) on two staggered grids, counted over
  distinct weeks);
* *doctor waves*: weeks in which a doctor admits many more patients than the doctor usually
  does (at least ``wave_lift`` times the doctor's median busy week, and ``min_wave``
  patients), at a hospital where that happens repeatedly.

Each group is then described by what makes collusion: overlapping stays, few doctors, one
diagnosis, high fund amounts, patients from far away.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> rows = []
>>> for w, start in enumerate(["2024-02-05", "2024-06-03", "2024-10-07"]):   # the same 6 people, 3 waves
...     a = pd.Timestamp(start)
...     rows += [(f"w{w}{k}", f"P{k}", "H7", f"D{k % 2}", a + pd.Timedelta(days=k % 3), a + pd.Timedelta(days=12), "I63.9")
...              for k in range(6)]
>>> for k in range(40):                                                      # ordinary admissions
...     a = pd.Timestamp("2024-01-01") + pd.Timedelta(days=9 * k)
...     rows.append((f"n{k}", f"Q{k}", "H7", f"D{2 + k % 3}", a, a + pd.Timedelta(days=5), "J18.9"))
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "doctor_id", "admitted_on", "discharged_on", "diagnosis"])
>>> claims["settled_at"] = claims["discharged_on"]; claims["total_amount"] = 9000.0; claims["visit_type"] = "inpatient"
>>> [c] = detect(ClaimFrame(claims))
>>> c.pattern, ClaimFrame(claims).ids("doctor", c.doctors), len(c.patients), c.repeats
('doctor_patient_collusion', ['D0', 'D1'], 6, 3)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.frame import INPATIENT, log10_poisson_sf
from graph.detect.projections import PairIndex, clusters, cooccurrence

__all__ = ["detect", "stays"]

WEEK = 7
SHARE_FULL = 0.06  # a group with this share of its hospital's admissions gets its full base strength


def stays(f, split_gap: int = 5) -> pd.DataFrame:
    """Inpatient stays: row, patient, institution, doctor, admit and discharge day, and whether
    the stay starts an episode (False for a readmission within ``split_gap`` days: those belong
    to split hospitalisation, not to a wave of admissions)."""
    rows = np.flatnonzero((f.visit == INPATIENT) | ((f.visit < 0) & (f.admit_day >= 0)))
    disch = np.where(f.discharge_day[rows] >= 0, f.discharge_day[rows], f.day[rows])
    admit = np.where(f.admit_day[rows] >= 0, f.admit_day[rows], disch)
    s = pd.DataFrame({"row": rows, "p": f.patient[rows], "i": f.institution[rows], "doc": f.doctor[rows],
                      "a": admit, "d": np.maximum(disch, admit)})
    if s.empty:
        s["start"] = pd.Series([], dtype=bool)
        return s
    s = s.sort_values(["p", "i", "a", "row"], kind="mergesort")
    same = (s.p.to_numpy()[1:] == s.p.to_numpy()[:-1]) & (s.i.to_numpy()[1:] == s.i.to_numpy()[:-1])
    gap = s.a.to_numpy()[1:] - s.d.to_numpy()[:-1]
    s["start"] = np.r_[True, ~(same & (gap <= split_gap))]
    return s.sort_values("row").reset_index(drop=True)


def detect(f, min_size: int = 4, min_waves: int = 2, min_wave: int = 4, wave_lift: float = 3.0) -> list[Candidate]:
    """Candidate doctor–patient collusion rings."""
    if f.n == 0:
        return []
    s = stays(f)
    s = s[s.start]
    if s.empty:
        return []
    groups = []
    for off in (0, WEEK // 2):
        key = s.i.to_numpy().astype(np.int64) * 100_000 + (s.a.to_numpy() + off) // WEEK
        full = np.full(f.n, -1, dtype=np.int64)
        full[s.row.to_numpy()] = pd.factorize(key, sort=True)[0]
        groups.append(full)
    week = f.admit_day // WEEK
    week = np.where(f.admit_day >= 0, week, f.day // WEEK)
    pairs = cooccurrence(groups, f.patient, [week, week], [f.institution, f.institution], max_group=120)
    pairs = pairs[pairs.days >= min_waves]
    found = [np.asarray(m) for m in clusters(pairs, min_size=min_size, max_size=400, weight="weight")]
    found += _doctor_waves(s, min_wave, wave_lift)
    pairs = PairIndex(pairs)
    first = [c for c in (_describe(f, s, m, pairs) for m in found) if c is not None]
    # one scheme seen as several groups (different waves, different recruits) is one ring:
    # same hospital, mostly the same doctors
    groups: list[list] = []
    for c in sorted(first, key=lambda c: (int(c.institutions[0]), -len(c.patients), int(c.rows[0]))):
        for g in groups:
            h = g[0]
            if int(h.institutions[0]) == int(c.institutions[0]) and _jaccard(h.doctors, c.doctors) >= 0.5:
                g.append(c)
                break
        else:
            groups.append([c])
    out = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
            continue
        members = np.unique(np.concatenate([c.patients for c in g]))
        c = _describe(f, s, members, pairs)
        if c is not None:
            out.append(c)
    return out


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    u = len(np.union1d(a, b))
    return len(np.intersect1d(a, b)) / u if u else 0.0


def _doctor_waves(s: pd.DataFrame, min_wave: int, lift: float) -> list[np.ndarray]:
    """Patients admitted in abnormal waves by doctors, at hospitals where it happens twice.

    A wave is any run of ``min_wave`` or more admissions by one doctor within seven days
    (a sliding window starting at each admission, so a wave is seen whole wherever the
    calendar weeks fall) that is also at least ``lift`` times the doctor's median busy
    calendar week. Every admission inside such a window belongs to the wave.
    """
    d = s[s.doc >= 0]
    if d.empty:
        return []
    d = d.sort_values(["i", "doc", "a", "row"], kind="mergesort").reset_index(drop=True)
    weekly = d.groupby(["doc", d.a // WEEK]).size()
    usual = weekly.groupby(level=0).median().clip(lower=1)
    need = np.maximum(min_wave, lift * usual.reindex(d.doc).to_numpy())
    # admissions of one (hospital, doctor) are contiguous and sorted by day: a window's end is
    # a searchsorted on a key that keeps different doctors apart
    key = (d.i.to_numpy().astype(np.int64) * 1_000_000 + d.doc.to_numpy()) * 10_000_000 + d.a.to_numpy()
    end = np.searchsorted(key, key + (WEEK - 1), side="right")
    start = np.flatnonzero(end - np.arange(len(d)) >= need)
    if not len(start):
        return []
    cover = np.zeros(len(d) + 1, dtype=np.int64)
    np.add.at(cover, start, 1)
    np.add.at(cover, end[start], -1)
    h = d[np.cumsum(cover[:-1]) > 0]
    # a hospital's waves: kept where there are at least two (the same scheme, months apart)
    n_waves = h.groupby("i")["a"].agg(lambda a: _count_waves(a.to_numpy()))
    return [np.unique(h.p[h.i == inst].to_numpy()) for inst in n_waves.index[n_waves.to_numpy() >= 2]]


def _describe(f, s: pd.DataFrame, members: np.ndarray, pairs) -> Candidate | None:
    mine = s[s.p.isin(members)]
    if mine.empty:
        return None
    inst = int(mine.i.value_counts().sort_index().idxmax())
    mine = mine[mine.i == inst]
    # admissions that were part of a wave: at least 3 of the group admitted within a week
    w = mine.a.to_numpy() // WEEK
    wsize = pd.Series(mine.p.to_numpy()).groupby(w).transform("nunique").to_numpy()
    wsize2 = pd.Series(mine.p.to_numpy()).groupby((mine.a.to_numpy() + WEEK // 2) // WEEK).transform("nunique").to_numpy()
    mine = mine[np.maximum(wsize, wsize2) >= 3]
    if mine.p.nunique() < 3:
        return None
    # the whole wave: everyone the core's doctors admitted there within the core's wave windows
    # (people recruited once are in the wave too, though they never meet twice)
    core_docs = mine.doc[mine.doc >= 0].value_counts()
    core_docs = core_docs.index[core_docs.to_numpy() >= 2].to_numpy()
    if len(core_docs):
        a_sorted = np.sort(mine.a.to_numpy())
        cut = np.flatnonzero(np.diff(a_sorted) > 2 * WEEK)
        lo = a_sorted[np.r_[0, cut + 1]] - 2
        hi = a_sorted[np.r_[cut, len(a_sorted) - 1]] + 2
        here = s[(s.i == inst) & s.doc.isin(core_docs)]
        k = np.searchsorted(lo, here.a.to_numpy(), side="right") - 1
        inside = (k >= 0) & (here.a.to_numpy() <= hi[np.maximum(k, 0)])
        mine = pd.concat([mine, here[inside]]).drop_duplicates("row").sort_values("row")
    rows = mine.row.to_numpy()
    waves = _count_waves(mine.a.to_numpy())
    # overlap: stays of the group that share at least one night with another stay of the group
    a, d = np.sort(mine.a.to_numpy()), mine.d.to_numpy()
    overlapping = int(((np.searchsorted(a, d, side="left") - np.searchsorted(a, mine.a.to_numpy(), side="right")) > 0).sum())
    docs = mine.doc[mine.doc >= 0]
    top_docs = docs.value_counts()
    few = top_docs.index[:3].to_numpy() if len(top_docs) else np.array([], dtype=int)
    doc_share = float(top_docs.iloc[:3].sum() / len(mine)) if len(top_docs) else 0.0
    diag = f.diagnosis[rows]
    top_share, top_code = 0.0, None
    if (diag >= 0).any():
        vc = pd.Series(diag[diag >= 0]).value_counts()
        top_code, top_share = f.labels["diagnosis"][vc.index[0]], float(vc.iloc[0] / len(rows))
    inst_stays = s[s.i == inst]
    typical = float(np.median(f.fund[inst_stays.row.to_numpy()])) if len(inst_stays) else 0.0
    fund = float(f.fund[rows].sum())
    ratio = float(np.median(f.fund[rows]) / typical) if typical > 0 else 1.0
    far = np.nan_to_num(f.home_distance_km(rows), nan=0.0) > 15
    age = f.age(rows)
    label = f.labels["institution"][inst]
    doc_labels = [str(x) for x in f.labels["doctor"][few]] if len(few) else []
    n_people = int(mine.p.nunique())
    ev = [evidence(f, f"{n_people} 名参保人分 {waves} 批集中入住 {label},主要由医师 {'、'.join(doc_labels) or '未知'} 收治",
                   f"{n_people} insured people admitted to {label} in {waves} waves, mostly by doctor(s) {', '.join(doc_labels) or 'unknown'}",
                   rows, "synchrony")]
    if overlapping:
        ev.append(evidence(f, f"{overlapping} 次住院与同组他人住院时间重叠", f"{overlapping} stays overlap with another member's stay", rows, "timing"))
    if top_code is not None and top_share >= 0.5:
        ev.append(evidence(f, f"{top_share:.0%} 的住院诊断相同({top_code})", f"{top_share:.0%} of the stays carry the same diagnosis ({top_code})",
                           rows[diag == np.flatnonzero(f.labels['diagnosis'] == top_code)[0]], "pattern"))
    if far.mean() >= 0.5:
        ev.append(evidence(f, f"{int(far.sum())} 次住院的患者住地距医院 15 公里以上(外区县招募)", f"{int(far.sum())} stays by patients living more than 15 km away (recruited from other districts)", rows[far], "geography"))
    if np.isfinite(age).any() and np.nanmean(age) >= 60:
        ev.append(evidence(f, f"患者平均年龄 {np.nanmean(age):.0f} 岁", f"patients' mean age {np.nanmean(age):.0f}", rows, "pattern"))
    if ratio >= 1.3:
        ev.append(evidence(f, f"单次住院金额为该院常见金额的 {ratio:.1f} 倍", f"stays cost {ratio:.1f} times the hospital's usual stay", rows, "amount"))
    # the group's weight in the hospital: a few patients admitted together twice is ordinary at
    # a hospital with a thousand admissions a year, not at one with a hundred
    share = len(rows) / max(1, len(inst_stays))
    ev.append(evidence(f, f"这些住院占 {label} 全部入院的 {share:.0%}({len(rows)} / {len(inst_stays)})",
                       f"these stays are {share:.0%} of all admissions to {label} ({len(rows)} of {len(inst_stays)})", rows, "pattern"))
    ev.append(evidence(f, f"统筹基金支付合计 {money(fund)} 元", f"fund paid {money(fund)} yuan in all", rows, "amount"))
    inside = pairs.within(members)  # a PairIndex
    sync = log10_poisson_sf(float(inside.days.sum()), float(inside.expected.sum())) if len(inside) else 0.0
    old = bool(np.isfinite(age).any() and np.nanmean(age) >= 60)
    # recruits from far away is what separates a scheme from a ward's ordinary busy weeks
    strength = 0.3 * min(1.0, share / SHARE_FULL) + 0.1 * (doc_share >= 0.6) + 0.1 * (top_share >= 0.5) + 0.1 * (overlapping >= len(rows) / 2) \
        + 0.1 * (ratio >= 1.3) + 0.2 * (far.mean() >= 0.5) + 0.05 * (waves >= 2) + 0.05 * old
    roles = {f"doctor:{d}": "organiser" for d in doc_labels}
    roles[f"institution:{label}"] = "organiser"
    return Candidate.from_rows(f, "doctor_patient_collusion", "admission_waves", rows, evidence=ev,
                               strength=min(1.0, strength), synchrony=sync, repeats=waves, roles=roles)


def _count_waves(admit: np.ndarray) -> int:
    """Admission days split into waves wherever there is a gap of more than two weeks."""
    a = np.sort(admit)
    return int(1 + (np.diff(a) > 2 * WEEK).sum()) if len(a) else 0

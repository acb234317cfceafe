"""冒名就医: cards used by someone other than the holder, moved around together by a broker.

Every claim is first checked on its own for signs that the holder was not the one treated:
a diagnosis that does not fit the holder's sex or age, a claim far from the holder's home, a
trip between two claims on one card faster than a car could make it, a card settled under
several people's ids. Only flagged claims then enter a co-occurrence projection: cards whose
flagged claims keep turning up at the same institutions on the same days were moved together.

>>> import pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> pats = pd.DataFrame({"patient_id": ["A", "B", "C"], "sex": ["男", "男", "女"], "birth_year": [1950, 1948, 1990],
...                      "region": ["R1", "R1", "R1"]})
>>> inst = pd.DataFrame({"institution_id": ["H1", "H2", "H9"], "region": ["R2", "R2", "R1"],
...                      "lat": [30.0, 30.01, 29.0], "lon": [120.0, 120.01, 119.0]})
>>> rows = [(f"i{d}{k}", p, f"H{1 + d % 2}", f"2024-06-{10 + d} 10:{10 + k}", "O80" if p != "C" else "N40")
...         for d in range(3) for k, p in enumerate("ABC")]
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "settled_at", "diagnosis"])
>>> claims["settled_at"] = pd.to_datetime(claims["settled_at"]); claims["total_amount"] = 500.0
>>> f = ClaimFrame(claims, institutions=inst, patients=pats)
>>> int(flags(f)["misfit"].sum()), int(flags(f)["far"].sum())
(9, 9)
>>> [c] = detect(f)
>>> c.pattern, f.ids("card", c.cards)
('impersonation', ['A', 'B', 'C'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import Candidate, evidence, money
from graph.detect.memo import memo_for
from graph.detect.tours import tours

__all__ = ["detect", "flags", "kept_flags", "diagnosis_rules"]

FAR_KM = 20.0
MAX_SPEED_KMH = 80.0
MIN_TRIP_KM = 25.0

# ICD-10 prefixes that fit only one sex, or only some ages: (prefixes, allowed sex, min age, max age)
_RULES = (
    (("O", "Z32", "Z33", "Z34", "Z35", "Z36", "Z37", "Z39"), 2, 14, 50),  # pregnancy and childbirth
    (("N7", "N8", "N90", "N91", "N92", "N93", "N94", "N95", "N96", "N97", "N98", "C51", "C52", "C53", "C54",
      "C55", "C56", "C57", "C58", "D25", "D26", "D27"), 2, 0, 200),  # female genital organs
    (("N40", "N41", "N42", "N43", "N44", "N45", "N46", "N47", "N48", "N49", "N50", "N51", "C60", "C61", "C62",
      "C63", "D29"), 1, 0, 200),  # male genital organs
    (("P",), 0, 0, 1),  # perinatal conditions
    (("F00", "F01", "F02", "F03", "G30", "H25", "M80", "M81"), 0, 40, 200),  # dementia, senile cataract, osteoporosis
    (("I10", "I20", "I21", "I25", "I63", "I70", "E78", "M17", "C34", "J44"), 0, 14, 200),  # adult diseases
    (("Z00.1", "Z001"), 0, 0, 14),  # routine child health check
)


def diagnosis_rules(codes) -> pd.DataFrame:
    """Per ICD-10 code: the sex it requires (0 any, 1 male, 2 female) and the age band it fits.

    >>> diagnosis_rules(["O80", "N40.x", "J06"]).values.tolist()
    [[2, 14, 50], [1, 0, 200], [0, 0, 200]]
    """
    codes = pd.Series(np.asarray(codes, dtype=object), dtype="string").fillna("").str.upper().str.strip()
    sex = np.zeros(len(codes), dtype=np.int8)
    lo = np.zeros(len(codes), dtype=np.int16)
    hi = np.full(len(codes), 200, dtype=np.int16)
    for prefixes, s, a, b in _RULES:
        hit = codes.str.startswith(prefixes).to_numpy(dtype=bool)
        sex[hit] = np.where(s > 0, s, sex[hit])
        lo[hit] = np.maximum(lo[hit], a)
        hi[hit] = np.minimum(hi[hit], b)
    return pd.DataFrame({"sex": sex, "min_age": lo, "max_age": hi})


def flags(f, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Per claim row: misfit (diagnosis vs holder's sex/age), far (from holder's home region),
    travel (impossible trip from or to the card's previous/next claim), shared (card settled
    under several patients).

    ``rows`` (ascending) restricts the answer to those rows, in that order; it must hold every
    row of each card among them (travel and shared read a card's whole history), which
    :func:`kept_flags` guarantees by asking for whole cards.
    """
    rows = np.arange(f.n) if rows is None else np.asarray(rows, dtype=np.int64)
    n = len(rows)
    rules = diagnosis_rules(f.labels["diagnosis"])
    misfit = np.zeros(n, dtype=bool)
    if len(rules) and n:
        diag = f.diagnosis[rows]
        d = np.where(diag >= 0, diag, 0)
        has = diag >= 0
        sex = f.p_sex[f.patient[rows]]
        age = f.age(rows)
        need = rules["sex"].to_numpy()[d]
        lo, hi = rules["min_age"].to_numpy()[d], rules["max_age"].to_numpy()[d]
        wrong_sex = (need > 0) & (sex > 0) & (sex != need)
        wrong_age = ~np.isnan(age) & ((age < lo) | (age > hi))
        misfit = has & (wrong_sex | wrong_age)
    dist = f.home_distance_km(rows)
    far = np.nan_to_num(dist, nan=0.0) > FAR_KM
    travel = np.zeros(n, dtype=bool)
    card = f.card[rows]
    if n > 1:
        order = np.lexsort((f.minute[rows], card))
        c, t, i = card[order], f.minute[rows][order], f.institution[rows][order]
        same = c[1:] == c[:-1]
        km = np.nan_to_num(_km(f, i[:-1], i[1:]), nan=0.0)
        hours = np.maximum((t[1:] - t[:-1]) / 60.0, 1 / 60)
        fast = same & (km > MIN_TRIP_KM) & (km / hours > MAX_SPEED_KMH)
        hit = np.zeros(n, dtype=bool)
        hit[:-1] |= fast
        hit[1:] |= fast
        travel[order] = hit
    holders = pd.DataFrame({"c": card, "p": f.patient[rows]}).groupby("c")["p"].nunique()
    shared = np.zeros(n, dtype=bool)
    if len(holders):
        many = holders.index.to_numpy()[holders.to_numpy() > 1]
        shared = np.isin(card, many)
    return pd.DataFrame({"misfit": misfit, "far": far, "travel": travel, "shared": shared})


_FLAG_BITS = ("misfit", "far", "travel", "shared")


def _pack(fl: pd.DataFrame) -> np.ndarray:
    bits = np.zeros(len(fl), dtype=np.uint8)
    for k, name in enumerate(_FLAG_BITS):
        bits |= fl[name].to_numpy(dtype=bool).astype(np.uint8) << k
    return bits


def _unpack(bits: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({name: (bits >> k) & 1 == 1 for k, name in enumerate(_FLAG_BITS)})


def kept_flags(f, memo=None) -> pd.DataFrame:
    """:func:`flags` of every row; in a daily increment only the rows of cards with a new claim
    are flagged afresh and the rest are the last run's flags.

    A claim's misfit and far flags read only the claim and its holder's reference row; travel
    reads the card's previous and next claims and shared the card's holders, so they change
    only on cards with a new claim. Old claims keep their relative order in the frame (it is
    sorted by settlement time and claim id), so the kept flags fill the rows that are not new.
    """
    old = memo.old.get("arrays", {}).get("flags") if memo is not None and memo.incremental else None
    if old is None:
        bits = _pack(flags(f))
    else:
        from graph.detect.memo import StateMismatch

        if len(old) != int((~memo.new_rows).sum()):
            raise StateMismatch("impersonation: the kept per-claim flags do not match the kept claims")
        bits = np.empty(f.n, dtype=np.uint8)
        bits[~memo.new_rows] = old
        rows = f.rows_of("card", memo.changed_entities("card"))
        bits[rows] = _pack(flags(f, rows))
        memo.stats["flagged_afresh"] = int(len(rows))
    if memo is not None:
        memo.arrays["flags"] = bits
    return _unpack(bits)


def _km(f, a, b):
    from graph.detect.frame import haversine_km

    return haversine_km(f.i_lat[a], f.i_lon[a], f.i_lat[b], f.i_lon[b])


def detect(f, fl: pd.DataFrame | None = None, min_size: int = 3) -> list[Candidate]:
    """Candidate impersonation rings: cards whose flagged claims move together."""
    if f.n == 0:
        return []
    fl = kept_flags(f, memo_for(f, "impersonation")) if fl is None else fl
    flagged = (fl.misfit | fl.far | fl.travel | fl.shared).to_numpy()
    out = []
    for t in tours(f, entity="card", rows_mask=flagged, window=240, min_places=2, min_days=2, min_size=min_size,
                   memo="impersonation"):
        rows = t.rows
        sub = fl.iloc[rows]
        k = {name: int(sub[name].sum()) for name in ("misfit", "far", "travel", "shared")}
        misfit_share = k["misfit"] / len(rows)
        far_share = k["far"] / len(rows)
        other = (k["travel"] + k["shared"]) / len(rows)
        if misfit_share < 0.1 and far_share < 0.6 and other < 0.2:
            continue
        fund = float(f.fund[rows].sum())
        ev = [evidence(f, f"{len(t.members)} 张医保卡在 {t.days} 天内一同出现在 {t.places} 家机构(同一机构同一时段结算)",
                       f"{len(t.members)} cards used together at {t.places} institutions on {t.days} days (same place, same hours)",
                       rows, "synchrony")]
        if k["misfit"]:
            r = rows[sub.misfit.to_numpy()]
            ev.append(evidence(f, f"{k['misfit']} 笔结算的诊断与持卡人性别或年龄不符", f"{k['misfit']} claims with a diagnosis that does not fit the card holder's sex or age", r, "misfit"))
        if k["far"]:
            r = rows[sub.far.to_numpy()]
            ev.append(evidence(f, f"{k['far']} 笔结算发生在距持卡人住地 {FAR_KM:.0f} 公里以外", f"{k['far']} claims more than {FAR_KM:.0f} km from the card holder's home", r, "geography"))
        if k["travel"]:
            r = rows[sub.travel.to_numpy()]
            ev.append(evidence(f, f"{k['travel']} 笔结算与同卡前后结算之间的行程不可能完成(时速超过 {MAX_SPEED_KMH:.0f} 公里)", f"{k['travel']} claims imply an impossible trip on one card (faster than {MAX_SPEED_KMH:.0f} km/h)", r, "geography"))
        if k["shared"]:
            r = rows[sub.shared.to_numpy()]
            ev.append(evidence(f, f"{k['shared']} 笔结算所用的卡登记在多名参保人名下", f"{k['shared']} claims on a card settled under several insured people", r, "identity"))
        ev.append(evidence(f, f"统筹基金支付合计 {money(fund)} 元", f"fund paid {money(fund)} yuan in all", rows, "amount"))
        # a diagnosis that cannot be the holder's is the strongest sign; distance and speed also
        # fit brokers of other schemes who drive their people around
        strength = min(1.0, 0.35 + 0.45 * min(1.0, misfit_share / 0.25) + 0.1 * (far_share >= 0.6)
                       + 0.1 * min(1.0, other / 0.2))
        roles = {f"card:{c}": "instrument" for c in f.labels["card"][np.unique(f.card[rows])]}
        out.append(Candidate.from_rows(f, "impersonation", "impersonation", rows, evidence=ev, strength=strength,
                                       synchrony=t.synchrony, repeats=t.days, roles=roles))
    return out

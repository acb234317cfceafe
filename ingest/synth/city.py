"""Institutions (hospitals of three levels, public and private, clinics, pharmacies), their
doctors and their cashier accounts (operators with shifts).

Categories are small integers so claim generation can stay vectorised:

>>> [CATEGORY_NAMES[c] for c in (L3, PRIVATE, PHARMACY)]
['三级公立医院', '民营医院', '定点零售药店']
>>> c = build_city(np.random.default_rng(1), 2000)
>>> int((c.category == PHARMACY).sum()) > 0 and bool((c.doc_count[c.category == PHARMACY] == 0).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.synth import geo
from ingest.synth.names import person_names, pick

__all__ = ["L3", "L2", "L1", "PRIVATE", "CLINIC", "PHARMACY", "CATEGORY_NAMES", "City", "build_city",
           "SHIFT_DAY", "SHIFT_EVENING", "SHIFT_NIGHT", "shift_of_hour"]

L3, L2, L1, PRIVATE, CLINIC, PHARMACY = range(6)
CATEGORY_NAMES = ("三级公立医院", "二级公立医院", "一级公立医院", "民营医院", "诊所/社区卫生服务中心", "定点零售药店")
SHIFT_DAY, SHIFT_EVENING, SHIFT_NIGHT = range(3)

# per category: (minimum count, insured people per institution, doctors (min, max), operators (min, max))
_SIZES = {
    L3: (3, 60_000, (30, 60), (6, 10)),
    L2: (6, 15_000, (12, 25), (4, 6)),
    L1: (8, 8_000, (4, 9), (2, 3)),
    PRIVATE: (6, 10_000, (5, 12), (2, 4)),
    CLINIC: (20, 1_500, (1, 4), (1, 2)),
    PHARMACY: (30, 1_000, (0, 0), (1, 3)),
}
_PRIVATE_NAMES = np.array(["康泰", "仁和", "博爱", "华康", "永安", "瑞康", "安康", "济民", "长庚", "同济",
                           "普济", "惠民", "德仁", "益寿", "康宁", "和睦", "明州", "东方", "协和", "佳禾"])
_PRIVATE_KIND = np.array(["医院", "骨科医院", "中西医结合医院", "康复医院", "老年病医院"])
_CHAINS = np.array(["老百姓大药房", "海王星辰", "九洲大药房", "华东大药房", "益丰大药房", "国大药房",
                    "天天好大药房", "张同泰"])


def shift_of_hour(hour: np.ndarray) -> np.ndarray:
    """Day 07-15, evening 15-23, night 23-07."""
    return np.where((hour >= 7) & (hour < 15), SHIFT_DAY, np.where((hour >= 15) & (hour < 23), SHIFT_EVENING, SHIFT_NIGHT))


@dataclass
class City:
    # institutions
    inst_id: np.ndarray
    inst_name: np.ndarray
    category: np.ndarray
    district: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    # doctors, grouped by institution: institution i owns doc_start[i] : doc_start[i] + doc_count[i]
    doc_id: np.ndarray
    doc_name: np.ndarray
    doc_inst: np.ndarray
    doc_start: np.ndarray
    doc_count: np.ndarray
    # operators, grouped by (institution, shift)
    op_id: np.ndarray
    op_inst: np.ndarray
    op_shift: np.ndarray
    op_start: np.ndarray  # (n_inst, 3)
    op_count: np.ndarray  # (n_inst, 3)
    open24: np.ndarray    # 24-hour pharmacies

    @property
    def kind(self) -> np.ndarray:
        return np.where(self.category == PHARMACY, "pharmacy", np.where(self.category == CLINIC, "clinic", "hospital"))

    @property
    def level(self) -> np.ndarray:
        """Hospital level 1-3, 0 for clinics and pharmacies (private hospitals are level 1 or 2)."""
        lv = np.select([self.category == L3, self.category == L2, self.category == L1], [3, 2, 1], 0)
        private = self.category == PRIVATE
        lv[private] = np.where(np.arange(private.sum()) % 3 == 0, 2, 1)
        return lv

    def of_category(self, cat: int) -> np.ndarray:
        return np.flatnonzero(self.category == cat)


def _counts(patients: int) -> dict[int, int]:
    return {c: max(lo, int(round(patients / per))) for c, (lo, per, _, _) in _SIZES.items()}


def build_city(rng: np.random.Generator, patients: int) -> City:
    counts = _counts(patients)
    category = np.concatenate([np.full(n, c) for c, n in counts.items()])
    n = len(category)
    # Big public hospitals sit in the old urban districts; the rest follow the population.
    urban = np.zeros(len(geo.DISTRICTS))
    urban[:4] = 1
    w_urban = urban / urban.sum()
    district = np.where(category == L3, rng.choice(len(geo.DISTRICTS), n, p=w_urban),
                        rng.choice(len(geo.DISTRICTS), n, p=geo.DISTRICT_WEIGHT))
    # every district gets at least one level-2 hospital, clinic and pharmacy, so "near home" exists
    for cat in (L2, CLINIC, PHARMACY, L1):
        idx = np.flatnonzero(category == cat)
        k = min(len(idx), len(geo.DISTRICTS))
        district[idx[:k]] = np.arange(k)
    lat = geo.DISTRICT_LAT[district] + rng.normal(0, 0.025, n)
    lon = geo.DISTRICT_LON[district] + rng.normal(0, 0.03, n)

    dcode = geo.DISTRICT_CODES[district]
    serial = np.char.zfill((np.arange(n) + 1).astype("U5"), 5)
    inst_id = np.char.add(np.char.add(np.where(category == PHARMACY, "P", "H"), dcode), serial)
    dname = geo.DISTRICT_NAMES[district]
    k = np.arange(n)
    ordinal = np.array(list("一二三四五六七八九十"))
    names = np.select(
        [category == L3, category == L2, category == L1, category == PRIVATE, category == CLINIC],
        [
            np.char.add(np.char.add("杭州市第", ordinal[k % 10]), "人民医院"),
            np.char.add(dname, np.where(k % 2 == 0, "人民医院", "中医院")),
            np.char.add(np.char.add(dname, pick(rng, geo.STREETS, n)), "卫生院"),
            np.char.add(np.char.add("杭州", pick(rng, _PRIVATE_NAMES, n)), pick(rng, _PRIVATE_KIND, n)),
            np.char.add(np.char.add(dname, pick(rng, geo.STREETS, n)), "社区卫生服务中心"),
        ],
        np.char.add(np.char.add(np.char.add(np.char.add(pick(rng, _CHAINS, n), "("), dname), pick(rng, geo.STREETS, n)), "店)"),
    )
    # names repeat by construction; a suffix keeps them distinguishable on screen
    names = _dedupe(names)

    lo_hi = np.array([_SIZES[c][2] for c in category])
    doc_count = rng.integers(lo_hi[:, 0], lo_hi[:, 1] + 1)
    doc_start = np.concatenate([[0], np.cumsum(doc_count)[:-1]])
    doc_inst = np.repeat(np.arange(n), doc_count)
    nd = len(doc_inst)
    doc_id = np.char.add(np.char.add("D", dcode[doc_inst]), np.char.zfill((np.arange(nd) + 1).astype("U6"), 6))
    doc_name = person_names(rng, rng.random(nd) < 0.5)

    op_lo_hi = np.array([_SIZES[c][3] for c in category])
    op_count_total = rng.integers(op_lo_hi[:, 0], op_lo_hi[:, 1] + 1)
    # about one pharmacy in twelve is a 24-hour pharmacy (24小时药房): night sales are normal there
    open24 = (category == PHARMACY) & (rng.random(n) < 0.08)
    op_count_total = np.where(open24, np.maximum(op_count_total, 3), op_count_total)
    op_inst = np.repeat(np.arange(n), op_count_total)
    rank = np.arange(len(op_inst)) - np.repeat(np.concatenate([[0], np.cumsum(op_count_total)[:-1]]), op_count_total)
    # hospitals and 24-hour pharmacies keep a night cashier; clinics and other pharmacies close at night
    hospital = np.isin(category[op_inst], (L3, L2, L1, PRIVATE)) | open24[op_inst]
    nshift = np.where(hospital, 3, 2)
    op_shift = np.where(op_count_total[op_inst] == 1, SHIFT_DAY, rank % nshift)
    order = np.lexsort((op_shift, op_inst))
    op_inst, op_shift = op_inst[order], op_shift[order]
    op_id = np.char.add("OP", np.char.zfill((np.arange(len(op_inst)) + 1).astype("U6"), 6))
    key = op_inst * 3 + op_shift
    op_count = np.bincount(key, minlength=n * 3).reshape(n, 3)
    op_start = (np.concatenate([[0], np.cumsum(op_count.ravel())[:-1]])).reshape(n, 3)
    return City(inst_id, names, category, district, lat, lon, doc_id, doc_name, doc_inst, doc_start, doc_count,
                op_id, op_inst, op_shift, op_start, op_count, open24)


def _dedupe(names: np.ndarray) -> np.ndarray:
    """Append 分院/二部 style suffixes to repeated names (stable, vectorised)."""
    order = np.argsort(names, kind="stable")
    s = names[order]
    first = np.r_[True, s[1:] != s[:-1]]
    grp_start = np.maximum.accumulate(np.where(first, np.arange(len(s)), 0))
    nth = np.arange(len(s)) - grp_start
    suffix = np.where(nth == 0, "", np.char.add(np.char.add("(", (nth + 1).astype("U4")), "部)"))
    out = np.empty_like(s, dtype=f"U{names.dtype.itemsize // 4 + 8}")
    out[order] = np.char.add(s, suffix)
    return out

"""Claims as integer-coded numpy arrays: the one shape every detector reads.

Detectors never loop over rows; they work on these arrays with numpy/pandas group
operations. Rows are put in a canonical order (settlement time, then claim id) so
that the same claims, in whatever input order, give the same rings.

>>> import pandas as pd
>>> claims = pd.DataFrame({
...     "claim_id": ["c2", "c1"], "patient_id": ["P1", "P2"], "card_id": ["K1", "K2"],
...     "institution_id": ["H1", "H1"], "doctor_id": [None, "D1"], "visit_type": ["pharmacy", "inpatient"],
...     "settled_at": pd.to_datetime(["2024-01-02 20:05", "2024-01-02 09:00"]),
...     "total_amount": [100.0, 900.0], "fund_amount": [80.0, None]})
>>> f = ClaimFrame(claims)
>>> list(f.claim_id), f.fund.tolist(), f.doctor.tolist()
(['c1', 'c2'], [900.0, 80.0], [0, -1])
>>> f.labels["patient"][f.patient].tolist()
['P2', 'P1']
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["ClaimFrame", "VISIT_CODES", "OUTPATIENT", "INPATIENT", "PHARMACY", "haversine_km", "log10_poisson_sf", "log10_poisson_sf_array"]

OUTPATIENT, INPATIENT, PHARMACY = 0, 1, 2
VISIT_CODES = {"outpatient": OUTPATIENT, "inpatient": INPATIENT, "pharmacy": PHARMACY}
_SEX = {"m": 1, "male": 1, "男": 1, "1": 1, "f": 2, "female": 2, "女": 2, "2": 2}
_MISSING_DAY = -1


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km, vectorised; NaN where a coordinate is missing."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype="float64")) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    # sort=True makes codes independent of row order (determinism).
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def _days(series: pd.Series | None, n: int) -> np.ndarray:
    if series is None:
        return np.full(n, _MISSING_DAY, dtype=np.int32)
    s = pd.to_datetime(series, errors="coerce")
    out = np.full(n, _MISSING_DAY, dtype=np.int32)
    ok = s.notna().to_numpy()
    out[ok] = (s[ok].to_numpy().astype("datetime64[D]").astype(np.int64)).astype(np.int32)
    return out


def _col(df: pd.DataFrame | None, name: str) -> pd.Series | None:
    if df is None or name not in df.columns:
        return None
    return df[name]


class ClaimFrame:
    """Integer-coded claims plus per-entity reference attributes.

    Attributes (arrays of length ``n`` unless noted): ``claim_id`` (str), ``patient``, ``card``,
    ``institution``, ``doctor``, ``operator``, ``diagnosis`` (int32 codes, -1 when missing),
    ``visit`` (int8, -1 unknown), ``minute`` (int64 minutes since 1970, local time), ``day``,
    ``admit_day``, ``discharge_day`` (int32 days since 1970, -1 missing), ``fund`` (the fund's
    share, the total where the fund's share is not given) and ``total``. ``labels[kind]`` maps
    codes back to input ids. Per-patient arrays: ``p_birth_year`` (float), ``p_sex`` (0/1/2),
    ``p_region``, ``p_phone``, ``p_address`` (codes), ``p_lat``/``p_lon`` (home region's centre).
    Per-institution arrays: ``i_kind`` (str), ``i_region`` (code), ``i_lat``/``i_lon``.
    """

    def __init__(self, claims: pd.DataFrame, institutions=None, doctors=None, patients=None):
        if claims is None or len(claims) == 0:
            claims = pd.DataFrame({c: pd.Series([], dtype="object") for c in ("claim_id", "patient_id", "institution_id")})
            claims["settled_at"] = pd.Series([], dtype="datetime64[ns]")
            claims["total_amount"] = pd.Series([], dtype="float64")
        settled = pd.to_datetime(claims["settled_at"], errors="coerce")
        order = pd.DataFrame({"t": settled.to_numpy(), "c": claims["claim_id"].astype("string").to_numpy()})
        order = order.sort_values(["t", "c"], kind="mergesort", na_position="last").index.to_numpy()
        c = claims.iloc[order].reset_index(drop=True)
        settled = settled.iloc[order].reset_index(drop=True)
        self.n = n = len(c)
        self.claim_id = c["claim_id"].astype("string").to_numpy(dtype=object, na_value="")
        self.labels: dict[str, np.ndarray] = {}
        for kind, col in (("patient", "patient_id"), ("card", "card_id"), ("institution", "institution_id"),
                          ("doctor", "doctor_id"), ("operator", "operator_id"), ("diagnosis", "diagnosis")):
            s = _col(c, col)
            if kind == "card" and s is not None:
                s = s.fillna(c["patient_id"])  # the analytic copy fills it; raw frames may not
            if kind == "card" and s is None:
                s = c["patient_id"]
            if s is None:
                setattr(self, kind, np.full(n, -1, dtype=np.int32))
                self.labels[kind] = np.array([], dtype=object)
                continue
            codes, uniq = _codes(s.astype("string"))
            setattr(self, kind, codes)
            self.labels[kind] = uniq
        vt = _col(c, "visit_type")
        self.visit = np.full(n, -1, dtype=np.int8)
        if vt is not None:
            self.visit = vt.astype("string").str.lower().map(VISIT_CODES).fillna(-1).to_numpy().astype(np.int8)
        minutes = settled.to_numpy().astype("datetime64[m]").astype(np.int64)
        self.minute = np.where(settled.notna().to_numpy(), minutes, 0)
        self.day = (self.minute // 1440).astype(np.int32)
        self.admit_day = _days(_col(c, "admitted_on"), n)
        self.discharge_day = _days(_col(c, "discharged_on"), n)
        self.total = pd.to_numeric(c["total_amount"], errors="coerce").fillna(0.0).to_numpy(dtype="float64")
        fund = _col(c, "fund_amount")
        fund = pd.to_numeric(fund, errors="coerce").to_numpy(dtype="float64") if fund is not None else np.full(n, np.nan)
        self.fund = np.where(np.isnan(fund), self.total, fund)
        self._patients(patients)
        self._institutions(institutions)
        self.doctors_ref = doctors
        # projections shared between detectors (filled lazily, keyed by name)
        self.cache: dict = {}

    # --- reference attributes ---------------------------------------------------
    def _patients(self, ref: pd.DataFrame | None) -> None:
        m = len(self.labels["patient"])
        self.p_birth_year = np.full(m, np.nan)
        self.p_sex = np.zeros(m, dtype=np.int8)
        self.p_region = np.full(m, -1, dtype=np.int32)
        self.p_phone = np.full(m, -1, dtype=np.int32)
        self.p_address = np.full(m, -1, dtype=np.int32)
        self.p_card = np.full(m, -1, dtype=np.int32)
        self.p_region_label = np.array([], dtype=object)
        self.p_phone_label = np.array([], dtype=object)
        self.p_address_label = np.array([], dtype=object)
        if ref is None or len(ref) == 0 or "patient_id" not in ref.columns:
            return
        ref = ref.drop_duplicates("patient_id", keep="last")
        idx = pd.Index(ref["patient_id"].astype("string")).get_indexer(pd.Index(self.labels["patient"]).astype("string"))
        has = idx >= 0
        sel = ref.iloc[idx[has]]
        if "birth_year" in sel.columns:
            self.p_birth_year[has] = pd.to_numeric(sel["birth_year"], errors="coerce").to_numpy(dtype="float64")
        if "sex" in sel.columns:
            self.p_sex[has] = sel["sex"].astype("string").str.strip().str.lower().map(_SEX).fillna(0).to_numpy().astype(np.int8)
        for attr, col in (("p_region", "region"), ("p_phone", "phone"), ("p_address", "address")):
            if col in sel.columns:
                codes, uniq = _codes(sel[col].astype("string"))
                getattr(self, attr)[has] = codes
                setattr(self, attr + "_label", uniq)
        if "card_id" in sel.columns:
            card_index = pd.Index(self.labels["card"]).astype("string")
            self.p_card[has] = card_index.get_indexer(sel["card_id"].astype("string"))

    def _institutions(self, ref: pd.DataFrame | None) -> None:
        m = len(self.labels["institution"])
        self.i_kind = np.full(m, "", dtype=object)
        self.i_region = np.full(m, -1, dtype=np.int32)
        self.i_region_label = np.array([], dtype=object)
        self.i_lat = np.full(m, np.nan)
        self.i_lon = np.full(m, np.nan)
        self.i_name = np.array(self.labels["institution"], dtype=object)
        self.p_lat = np.full(len(self.p_region), np.nan)
        self.p_lon = np.full(len(self.p_region), np.nan)
        if ref is None or len(ref) == 0 or "institution_id" not in ref.columns:
            return
        ref = ref.drop_duplicates("institution_id", keep="last")
        idx = pd.Index(ref["institution_id"].astype("string")).get_indexer(pd.Index(self.labels["institution"]).astype("string"))
        has = idx >= 0
        sel = ref.iloc[idx[has]]
        if "kind" in sel.columns:
            self.i_kind[has] = sel["kind"].astype("string").str.lower().fillna("").to_numpy(dtype=object)
        if "name" in sel.columns:
            names = sel["name"].astype("string").to_numpy(dtype=object, na_value="")
            self.i_name[has] = np.where(names == "", self.i_name[has], names)
        for attr, col in (("i_lat", "lat"), ("i_lon", "lon")):
            if col in sel.columns:
                getattr(self, attr)[has] = pd.to_numeric(sel[col], errors="coerce").to_numpy(dtype="float64")
        if "region" in sel.columns:
            regions = sel["region"].astype("string")
            every = ref["region"].astype("string").dropna()
            self.i_region_label = np.asarray(sorted(set(every) | set(self.p_region_label)), dtype=object)
            ridx = pd.Index(self.i_region_label)
            self.i_region[has] = ridx.get_indexer(regions)
            # patients' regions re-coded onto the same label list, so regions compare directly
            if len(self.p_region_label):
                remap = ridx.get_indexer(pd.Index(self.p_region_label))
                ok = self.p_region >= 0
                self.p_region = np.where(ok, remap[np.where(ok, self.p_region, 0)], -1).astype(np.int32)
            self.p_region_label = self.i_region_label
            # a patient's home is placed at the centre of the institutions of their region
            # (all institutions of the reference file, not only those in these claims)
            frame = pd.DataFrame({"r": ridx.get_indexer(ref["region"].astype("string")),
                                  "lat": pd.to_numeric(ref["lat"], errors="coerce") if "lat" in ref.columns else np.nan,
                                  "lon": pd.to_numeric(ref["lon"], errors="coerce") if "lon" in ref.columns else np.nan})
            frame = frame[(frame.r >= 0) & frame.lat.notna()]
            centre = frame.groupby("r")[["lat", "lon"]].mean()
            lat = np.full(len(self.i_region_label), np.nan)
            lon = np.full(len(self.i_region_label), np.nan)
            lat[centre.index.to_numpy()] = centre.lat.to_numpy()
            lon[centre.index.to_numpy()] = centre.lon.to_numpy()
            ok = self.p_region >= 0
            self.p_lat[ok] = lat[self.p_region[ok]]
            self.p_lon[ok] = lon[self.p_region[ok]]

    # --- helpers ----------------------------------------------------------------
    def ids(self, kind: str, codes) -> list[str]:
        """Input ids for codes (sorted, unique, missing dropped)."""
        codes = np.unique(np.asarray(codes, dtype=np.int64))
        codes = codes[codes >= 0]
        return [str(x) for x in self.labels[kind][codes]]

    def claim_ids(self, rows) -> list[str]:
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        return [str(x) for x in self.claim_id[rows]]

    def age(self, rows) -> np.ndarray:
        """Patient's age at each claim (NaN where the birth year is unknown)."""
        rows = np.asarray(rows)
        year = 1970 + self.day[rows] / 365.2425
        return np.floor(year) - self.p_birth_year[self.patient[rows]]

    def home_distance_km(self, rows) -> np.ndarray:
        rows = np.asarray(rows)
        p = self.patient[rows]
        i = self.institution[rows]
        return haversine_km(self.p_lat[p], self.p_lon[p], self.i_lat[i], self.i_lon[i])

    def place_day(self) -> np.ndarray:
        """One int64 key per row for (institution, day), cached."""
        if "place_day" not in self.cache:
            span = int(self.day.max()) + 1 if self.n else 1
            self.cache["place_day"] = self.institution.astype(np.int64) * span + self.day
            self.cache["place_day_order"] = np.argsort(self.cache["place_day"], kind="stable")
            self.cache["place_day_sorted"] = self.cache["place_day"][self.cache["place_day_order"]]
        return self.cache["place_day"]

    def rows_of(self, kind: str, codes) -> np.ndarray:
        """Rows whose ``kind`` code (patient, card, institution, doctor) is one of ``codes``, ascending.

        Uses a cached sort of that column, so asking for a few entities does not scan every claim.
        """
        name = f"order_{kind}"
        if name not in self.cache:
            col = getattr(self, kind)
            order = np.argsort(col, kind="stable")
            self.cache[name] = (order, col[order])
        order, srt = self.cache[name]
        codes = np.unique(np.asarray(codes, dtype=np.int64))
        lo, hi = np.searchsorted(srt, codes, "left"), np.searchsorted(srt, codes, "right")
        n = hi - lo
        if n.sum() == 0:
            return np.array([], dtype=np.int64)
        pos = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())
        return np.sort(order[pos])

    def rows_at(self, keys) -> np.ndarray:
        """Rows whose (institution, day) key is one of ``keys`` (see :meth:`place_day`), ascending."""
        self.place_day()
        srt, order = self.cache["place_day_sorted"], self.cache["place_day_order"]
        keys = np.unique(np.asarray(keys, dtype=np.int64))
        lo, hi = np.searchsorted(srt, keys, "left"), np.searchsorted(srt, keys, "right")
        n = hi - lo
        if n.sum() == 0:
            return np.array([], dtype=np.int64)
        pos = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())
        return np.sort(order[pos])

    def date(self, day: int) -> str:
        return str(np.datetime64(int(day), "D"))

    def hhmm(self, minute: int) -> str:
        m = int(minute) % 1440
        return f"{m // 60:02d}:{m % 60:02d}"


def log10_poisson_sf_array(k, mu) -> np.ndarray:
    """:func:`log10_poisson_sf` over arrays."""
    f = np.frompyfunc(log10_poisson_sf, 2, 1)
    return np.asarray(f(np.asarray(k, dtype=float), np.asarray(mu, dtype=float)), dtype=float)


def log10_poisson_sf(k: float, mu: float) -> float:
    """-log10 P(X >= k) for X ~ Poisson(mu): how far an observed count is from chance."""
    if k <= 0 or mu <= 0:
        return 0.0 if k <= 0 else 30.0
    if k <= mu:
        return 0.0
    # The first term dominates the upper tail when k > mu; a bounded geometric series covers the rest.
    log_term = -mu + k * math.log(mu) - math.lgamma(k + 1)
    ratio = mu / (k + 1)
    tail = log_term - math.log1p(-min(ratio, 0.999999))
    return max(0.0, -tail / math.log(10))

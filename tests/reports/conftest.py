"""Workspaces for the reports tests, built here: claims in the analytic schema, rings.json, references.

Amounts include values that float arithmetic rounds wrongly (0.285, 1.005, 2.675), so a
pack that sums floats and rounds at the end would disagree with its own sheet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from graph.detect.ring import Evidence, Ring, write_rings_json
from ingest.columns import ANALYTIC_CLAIM_DTYPES, CLAIM_COLUMNS
from ringtrace.workspace import Workspace

TRICKY = [0.285, 1.005, 2.675, 1234.565, 99.995, 10.01, 3333.33]


def exact_fen(x) -> int:
    """Independent fen rounding for the tests' own expectations."""
    if x is None or pd.isna(x):
        return 0
    return int(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def claims_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in CLAIM_COLUMNS:
        if c not in df:
            df[c] = None
    df = df[list(CLAIM_COLUMNS)]
    for c in ("settled_at", "admitted_on", "discharged_on"):
        df[c] = pd.to_datetime(df[c])
    return df.astype(ANALYTIC_CLAIM_DTYPES)


@dataclass
class Scenario:
    """A workspace with rings.json, plus the claims and references the injected readers return."""

    ws: Workspace
    claims: pd.DataFrame
    reference: dict = field(default_factory=dict)
    rings: list = field(default_factory=list)

    def claims_reader(self, ws):
        return self.claims

    def reference_reader(self, ws, kind):
        return self.reference.get(kind)

    def readers(self) -> dict:
        return {"claims_reader": self.claims_reader, "reference_reader": self.reference_reader}

    def ring_claims(self, ring_id: str) -> pd.DataFrame:
        ring = next(r for r in self.rings if r.ring_id == ring_id)
        return self.claims[self.claims["claim_id"].isin(ring.claim_ids)]


def card_ring(ring_id: str, n_patients: int, claims_each: int, seed: int = 1, start: str = "2024-03-01 18:00",
              inst: str = "P00012", operator: str = "OP77", doctor: str | None = "D0009"):
    """A card-collection ring: patients' cards swiped at one pharmacy by one operator."""
    rng = random.Random(seed)
    rows = []
    t0 = pd.Timestamp(start)
    k = 0
    for p in range(n_patients):
        for j in range(claims_each):
            amount = TRICKY[k % len(TRICKY)] if k < len(TRICKY) else round(rng.uniform(20, 900), 2)
            rows.append({
                "claim_id": f"{ring_id}-C{k:05d}", "patient_id": f"P{p:06d}",
                "card_id": f"CARD{p:06d}", "institution_id": inst, "doctor_id": doctor,
                "visit_type": "pharmacy", "settled_at": t0 + pd.Timedelta(days=7 * j, minutes=3 * p),
                "total_amount": round(amount * 1.25, 2), "fund_amount": amount, "diagnosis": "E11.9",
                "operator_id": operator,
            })
            k += 1
    patients = sorted({r["patient_id"] for r in rows})
    ring = Ring(
        ring_id=ring_id, score=0.95, pattern="card_collection",
        members={"patients": patients, "cards": sorted({r["card_id"] for r in rows}),
                 "doctors": [doctor] if doctor else [], "institutions": [inst], "operators": [operator]},
        claim_ids=[r["claim_id"] for r in rows], fund_amount=round(sum(r["fund_amount"] for r in rows), 2),
        first_seen=str(min(r["settled_at"] for r in rows).date()),
        last_seen=str(max(r["settled_at"] for r in rows).date()),
        evidence=[Evidence(f"{n_patients} 张卡由操作员 {operator} 在 {inst} 集中刷卡结算",
                           f"{n_patients} cards swiped by {operator} at {inst}",
                           [r["claim_id"] for r in rows[:5]], "burst")],
        districts=["定海区"], detectors=["card_collection"],
    )
    return rows, ring


def noise_rows(n: int = 20) -> list[dict]:
    """Claims of people outside any ring (must never reach a pack)."""
    return [{"claim_id": f"N{i:04d}", "patient_id": f"Q{i:04d}", "card_id": f"QC{i:04d}", "institution_id": "H0001",
             "doctor_id": "D0001", "visit_type": "outpatient", "settled_at": pd.Timestamp("2024-05-01") + pd.Timedelta(hours=i),
             "total_amount": 100.0, "fund_amount": 70.0, "diagnosis": "J06.9", "operator_id": "OP1"} for i in range(n)]


def references(claims: pd.DataFrame) -> dict:
    insts = sorted(set(claims["institution_id"].dropna()))
    docs = sorted(set(claims["doctor_id"].dropna()))
    pats = sorted(set(claims["patient_id"].dropna()))
    return {
        "institutions": pd.DataFrame({"institution_id": insts, "name": [f"康宁大药房{i}" for i in range(len(insts))],
                                      "kind": "pharmacy", "level": None, "region": "定海区", "lat": 30.0, "lon": 122.1}),
        "doctors": pd.DataFrame({"doctor_id": docs, "name": [f"医师{i}" for i in range(len(docs))],
                                 "institution_id": insts[0]}),
        "patients": pd.DataFrame({"patient_id": pats, "card_id": [f"CARD{p[1:]}" for p in pats],
                                  "name": [f"张{i}" for i in range(len(pats))], "birth_year": 1950,
                                  "sex": "F", "region": "普陀区", "phone": [f"138{i:08d}" for i in range(len(pats))],
                                  "address": "某路1号"}),
    }


def scenario(ws: Workspace, rings_rows: list[tuple[list[dict], Ring]]) -> Scenario:
    rows = [r for rr, _ in rings_rows for r in rr] + noise_rows()
    claims = claims_frame(rows)
    rings = [ring for _, ring in rings_rows]
    write_rings_json(rings, ws.rings_json)
    return Scenario(ws=ws, claims=claims, reference=references(claims), rings=rings)


@pytest.fixture
def small_case(fresh_ws) -> Scenario:
    """One card-collection ring, R0001: 6 patients, 3 claims each, at one pharmacy."""
    return scenario(fresh_ws, [card_ring("R0001", 6, 3)])


@pytest.fixture
def cli_case(fresh_ws, monkeypatch):
    """A scenario whose readers the commands use (the analytic copy is INGEST's, tested there)."""
    sc = scenario(fresh_ws, [card_ring("R0001", 5, 2)])
    import reports.brief.data as brief_data
    import reports.referral.facts as facts

    monkeypatch.setattr(facts, "default_readers", lambda ids: (sc.claims_reader, sc.reference_reader))
    monkeypatch.setattr(brief_data, "_default_claims", lambda ws, ids: sc.claims)
    monkeypatch.setattr(brief_data, "_default_reference", sc.reference_reader)
    return sc

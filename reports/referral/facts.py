"""Everything a referral pack states, gathered once so the PDF and the sheet say the same.

Money is integer fen (``reports.money``): ``fund_fen`` and ``total_fen`` columns are
added to the ring's claims, and every total is a sum of those integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import pandas as pd

from graph.detect.ring import CHINA_TZ, Ring, read_rings_json
from ingest.columns import CLAIM_COLUMNS
from reports.config import ReferralConfig
from reports.money import fen_list
from reports.referral.roles import Suspect, suspects
from ringtrace.errors import InputError, WorkspaceError
from ringtrace.workspace import Workspace

__all__ = ["CaseFacts", "ClaimsReader", "ReferenceReader", "load_ring", "gather", "default_readers"]

ClaimsReader = Callable[[Workspace], pd.DataFrame]
ReferenceReader = Callable[[Workspace, str], "pd.DataFrame | None"]


@dataclass
class CaseFacts:
    ring: Ring
    claims: pd.DataFrame  # the ring's claims in time order, with fund_fen, total_fen and names
    suspects: list[Suspect]
    config: ReferralConfig
    case_no: str
    made_at: datetime
    missing_claim_ids: list[str] = field(default_factory=list)
    fund_missing: int = 0  # claims without a fund amount (counted as 0)

    @property
    def fund_fen(self) -> int:
        return int(self.claims["fund_fen"].sum())

    @property
    def total_fen(self) -> int:
        return int(self.claims["total_fen"].sum())

    @property
    def organisers(self) -> list[Suspect]:
        return [s for s in self.suspects if s.role == "organiser"]

    def count(self, kind: str) -> int:
        return len(self.ring.members.get(kind) or [])


def default_readers(claim_ids: list[str]) -> tuple[ClaimsReader, ReferenceReader]:
    """The analytic copy's readers (INGEST), reading only ``claim_ids``; imported late so
    tests can inject their own."""
    try:
        from ingest.analytic import read_reference

        from reports.claims import read_claims_by_id
    except ModuleNotFoundError as e:
        raise WorkspaceError(
            "This installation cannot read the analytic copy of the claims (ingest.analytic is "
            "missing). Reinstall ringtrace with pip install -e . and run the command again."
        ) from e
    return (lambda ws: read_claims_by_id(ws, claim_ids)), read_reference


def load_ring(ws: Workspace, ring_id: str) -> Ring:
    """The ring from ``rings.json``, or a clear error naming what to run."""
    if not ws.rings_json.is_file():
        raise WorkspaceError(
            f"No rings in the workspace {ws.root}: {ws.rings_json.name} does not exist. Run "
            f"`ringtrace detect` first, then ask for the referral again."
        )
    rings = read_rings_json(ws.rings_json)
    for ring in rings:
        if ring.ring_id == ring_id:
            return ring
    known = ", ".join(r.ring_id for r in rings[:8]) + (" …" if len(rings) > 8 else "")
    raise InputError(
        f"There is no ring {ring_id!r} in {ws.rings_json} (it holds {len(rings)} rings: "
        f"{known or 'none'}). Check the ring id on the ring page or in rings.json."
    )


def _names(ref: pd.DataFrame | None, key: str, col: str) -> dict[str, str]:
    if ref is None or ref.empty or key not in ref or col not in ref:
        return {}
    sub = ref[[key, col]].dropna()
    return dict(zip(sub[key].astype(str), sub[col].astype(str)))


def gather(ws: Workspace, ring: Ring, config: ReferralConfig, case_no: str,
           claims_reader: ClaimsReader, reference_reader: ReferenceReader,
           made_at: datetime | None = None) -> CaseFacts:
    """Read the ring's claims and reference names and compute suspects and totals."""
    everything = claims_reader(ws)
    wanted = list(dict.fromkeys(map(str, ring.claim_ids)))
    if everything is None or everything.empty or "claim_id" not in everything:
        raise WorkspaceError(
            f"The workspace {ws.root} holds no claims, so ring {ring.ring_id} cannot be documented. "
            f"Run `ringtrace ingest` with the claims the ring was detected in."
        )
    ids = everything["claim_id"].astype(str)
    claims = everything[ids.isin(set(wanted))].copy()
    claims["claim_id"] = claims["claim_id"].astype(str)
    # a claim id appearing twice in the analytic copy would double its money: keep one
    claims = claims.drop_duplicates(subset="claim_id", keep="first")
    found = set(claims["claim_id"])
    missing = [c for c in wanted if c not in found]
    if claims.empty:
        raise InputError(
            f"None of ring {ring.ring_id}'s {len(wanted)} claims is in the workspace's claims. The "
            f"rings were detected on other data: run `ringtrace detect` again on this workspace."
        )
    for col in CLAIM_COLUMNS:
        if col not in claims:
            claims[col] = pd.NA
    fund_missing = int(claims["fund_amount"].isna().sum())
    claims["fund_fen"] = pd.Series(fen_list(claims["fund_amount"]), index=claims.index, dtype="int64")
    claims["total_fen"] = pd.Series(fen_list(claims["total_amount"]), index=claims.index, dtype="int64")
    claims["settled_at"] = pd.to_datetime(claims["settled_at"], errors="coerce")
    claims = claims.sort_values(["settled_at", "claim_id"], kind="stable").reset_index(drop=True)

    institutions = reference_reader(ws, "institutions")
    doctors = reference_reader(ws, "doctors")
    patients = reference_reader(ws, "patients")
    inst_name = _names(institutions, "institution_id", "name")
    inst_region = _names(institutions, "institution_id", "region")
    doc_name = _names(doctors, "doctor_id", "name")
    doc_inst = _names(doctors, "doctor_id", "institution_id")
    pat_name = _names(patients, "patient_id", "name")
    claims["institution_name"] = claims["institution_id"].astype("string").map(inst_name)
    claims["doctor_name"] = claims["doctor_id"].astype("string").map(doc_name)
    claims["patient_name"] = claims["patient_id"].astype("string").map(pat_name)

    people = suspects(ring, claims)
    for s in people:
        if s.kind == "institutions":
            s.name = inst_name.get(s.id, "")
            region = inst_region.get(s.id, "")
            s.note = f"所在区县 {region}" if region else ""
        elif s.kind == "doctors":
            s.name = doc_name.get(s.id, "")
            home = doc_inst.get(s.id, "")
            s.note = f"执业于 {home}" if home else ""
        elif s.kind == "patients":
            s.name = pat_name.get(s.id, "")
            cards = claims.loc[claims["patient_id"].astype(str) == s.id, "card_id"].dropna().astype(str).unique()
            s.note = ("卡号 " + "、".join(sorted(cards)[:3])) if len(cards) else ""
    return CaseFacts(ring=ring, claims=claims, suspects=people, config=config, case_no=case_no,
                     made_at=made_at or datetime.now(CHINA_TZ), missing_claim_ids=missing,
                     fund_missing=fund_missing)

"""Build the police referral pack for one ring: ``referral.pdf`` and ``evidence.xlsx``.

Both files are written into a scratch folder inside ``out_dir`` and moved into place
only when both are complete, so a failed build never leaves half a pack behind.
The sheet is written first: the PDF quotes its SHA-256, and both are written from the
same :class:`~reports.referral.facts.CaseFacts`, so their figures agree to the fen.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from datetime import datetime
from pathlib import Path

from graph.detect.ring import CHINA_TZ
from reports.config import ReferralConfig, load_config
from reports.referral import facts as facts_module
from reports.referral.facts import ClaimsReader, ReferenceReader, gather, load_ring
from reports.referral.report import write_report
from reports.referral.sheet import write_sheet
from ringtrace import cases
from ringtrace.errors import AccessDenied, InputError
from ringtrace.workspace import Workspace

__all__ = ["PDF_NAME", "XLSX_NAME", "build_pack", "next_case_no", "existing_case_no"]

PDF_NAME = "referral.pdf"
XLSX_NAME = "evidence.xlsx"


def existing_case_no(ws: Workspace, ring_id: str) -> str | None:
    """The case number of the ring's latest referral, if it was referred before."""
    found = [r["case_no"] for r in cases.referrals(ws) if r["ring_id"] == ring_id]
    return found[-1] if found else None


def next_case_no(ws: Workspace, config: ReferralConfig, when: datetime | None = None) -> str:
    """The next free number of the form ``{prefix}〔{year}〕{n:03d}号``.

    >>> import tempfile
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> next_case_no(ws, ReferralConfig(case_no_prefix="舟医保移"), datetime(2026, 5, 1))
    '舟医保移〔2026〕001号'
    >>> cases.record_referral(ws, "R0001", "舟医保移〔2026〕001号", user="li")
    >>> next_case_no(ws, ReferralConfig(case_no_prefix="舟医保移"), datetime(2026, 5, 1))
    '舟医保移〔2026〕002号'
    """
    year = (when or datetime.now(CHINA_TZ)).year
    head = f"{config.case_no_prefix}〔{year}〕"
    pattern = re.compile(re.escape(head) + r"(\d+)号$")
    used = [int(m.group(1)) for r in cases.referrals(ws) if (m := pattern.match(r["case_no"]))]
    return f"{head}{max(used, default=0) + 1:03d}号"


def _who(user) -> tuple[str | None, str | None]:
    """(name, role) of ``user``: an ``access.users.User``, a plain name, or None."""
    if user is None:
        return None, None
    if isinstance(user, str):
        return user, None
    return str(getattr(user, "name", user)), getattr(user, "role", None)


def build_pack(ws: Workspace, ring_id: str, out_dir, user=None, *, case_no: str | None = None,
               config: ReferralConfig | None = None, claims_reader: ClaimsReader | None = None,
               reference_reader: ReferenceReader | None = None,
               made_at: datetime | None = None) -> tuple[Path, Path]:
    """Write ``referral.pdf`` and ``evidence.xlsx`` for ``ring_id`` into ``out_dir``.

    Parameters
    ----------
    user : ``access.users.User`` (its role must hold ``export_referral``), a user name
        (the command line), or None to build without recording anything.
        With a user, the referral is recorded in the case lifecycle
        (:func:`ringtrace.cases.record_referral`: status ``referred``, date, case number),
        once per case number. The audit entry is the caller's (the app's session, or the
        ``ringtrace referral`` command).
    case_no : the case number; default: the ring's earlier one if it was referred
        before, else the next free ``{prefix}〔year〕NNN号``.
    config : default: the workspace's ``referral.toml``.
    claims_reader, reference_reader : default: ``ingest.analytic.read_claims`` and
        ``read_reference``.

    Returns
    -------
    (pdf_path, xlsx_path)
    """
    name, role = _who(user)
    if role is not None:
        from access.roles import can

        if not can(role, "export_referral"):
            raise AccessDenied("当前角色无权限:制作移送材料 / Your role may not prepare police referrals.")
    config = config or load_config(ws)
    ring = load_ring(ws, ring_id)
    if case_no is not None and not case_no.strip():
        raise InputError("The case number is empty. Give one with --case-no, or leave it out to number it automatically.")
    case_no = (case_no.strip() if case_no else None) or existing_case_no(ws, ring_id) or next_case_no(ws, config, made_at)
    if claims_reader is None or reference_reader is None:
        default_claims, default_reference = facts_module.default_readers(ring.claim_ids)
        claims_reader = claims_reader or default_claims
        reference_reader = reference_reader or default_reference
    facts = gather(ws, ring, config, case_no, claims_reader, reference_reader, made_at)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = out_dir / f".referral-{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    try:
        xlsx_tmp = write_sheet(facts, scratch / XLSX_NAME)
        digest = hashlib.sha256(xlsx_tmp.read_bytes()).hexdigest()
        pdf_tmp = write_report(facts, scratch / PDF_NAME, XLSX_NAME, digest, cases.status_history(ws, ring_id))
        xlsx, pdf = out_dir / XLSX_NAME, out_dir / PDF_NAME
        os.replace(xlsx_tmp, xlsx)
        os.replace(pdf_tmp, pdf)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    if name is not None:
        already = any(r["ring_id"] == ring_id and r["case_no"] == case_no for r in cases.referrals(ws))
        if not already:
            cases.record_referral(ws, ring_id, case_no, user=name)
    return pdf, xlsx

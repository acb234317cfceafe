"""The leaders' summary and brief: figures that add up, statuses counted, and no personal data."""

from __future__ import annotations

import json
import re

import pandas as pd
from pypdf import PdfReader

from graph.detect.ring import Ring, write_rings_json
from reports.brief.build import BRIEF_HEADINGS, build_brief
from reports.brief.data import summary
from reports.money import yuan
from ringtrace import cases

from tests.reports.conftest import card_ring, exact_fen, scenario


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(path)).pages))


def two_rings(ws):
    """R0001 (6 patients) confirmed, R0002 (20 patients, other pharmacy) referred, R0003 dismissed."""
    a = card_ring("R0001", 6, 3)
    b = card_ring("R0002", 20, 4, inst="P00099", operator="OP9", start="2024-05-02 20:00", seed=2)
    c = card_ring("R0003", 3, 1, inst="P00500", operator="OP5", doctor=None, start="2024-07-09 09:00", seed=3)
    # distinct people per ring, so a person's id cannot hide in another ring's figures
    for rows, ring in (b, c):
        prefix = ring.ring_id[-1]
        for r in rows:
            r["patient_id"] = prefix + r["patient_id"]
            r["card_id"] = prefix + r["card_id"]
        ring.members["patients"] = sorted({r["patient_id"] for r in rows})
        ring.members["cards"] = sorted({r["card_id"] for r in rows})
    sc = scenario(ws, [a, b, c])
    cases.set_status(ws, "R0001", "under_review", "wang")
    cases.set_status(ws, "R0001", "confirmed", "wang")
    cases.record_referral(ws, "R0002", "医保移〔2026〕001号", "li")
    cases.set_status(ws, "R0003", "dismissed", "wang")
    return sc


def fund(sc, ring_id):
    return sum(exact_fen(x) for x in sc.ring_claims(ring_id)["fund_amount"])


def test_summary_counts_and_money(fresh_ws):
    sc = two_rings(fresh_ws)
    s = summary(fresh_ws, **sc.readers())
    t = s["totals"]
    assert t["rings"] == 3 and t["claims"] == 18 + 80 + 3
    assert t["fund_confirmed_fen"] == fund(sc, "R0001") + fund(sc, "R0002")
    assert t["fund_referred_fen"] == fund(sc, "R0002")
    assert t["fund_dismissed_fen"] == fund(sc, "R0003")
    assert t["fund_at_stake_fen"] == t["fund_confirmed_fen"]
    status = {r["status"]: r["rings"] for r in s["by_status"]}
    assert status == {"new": 0, "under_review": 0, "confirmed": 1, "dismissed": 1, "referred": 1}
    assert [r["case_no"] for r in s["referrals"]] == ["医保移〔2026〕001号"]
    assert s["referrals"][0]["fund_fen"] == fund(sc, "R0002")
    assert {r["pattern"]: r["rings"] for r in s["by_pattern"]} == {"card_collection": 3}
    assert s["by_district"] == [{"district": "定海区", "rings": 3, "fund_fen": sum(fund(sc, r) for r in ("R0001", "R0002", "R0003"))}]
    top = {r["institution_id"]: r for r in s["top_institutions"]}
    assert top["P00099"]["fund_fen"] == fund(sc, "R0002") and top["P00099"]["claims"] == 80
    names = dict(zip(sc.reference["institutions"]["institution_id"], sc.reference["institutions"]["name"]))
    assert top["P00099"]["name"] == names["P00099"] and top["P00099"]["district"] == "定海区"
    assert s["top_institutions"][0]["institution_id"] == "P00099"  # the most money first
    # D0009 works both rings: 18 claims at P00012 and 80 at P00099, its main institution
    assert s["top_doctors"] == [{"doctor_id": "D0009", "institution_id": "P00099", "rings": 2, "claims": 98,
                                 "fund_fen": fund(sc, "R0001") + fund(sc, "R0002")}]
    months = {r["month"]: r for r in s["trend"]}
    assert months["2024-03"]["rings_started"] == 1 and months["2024-05"]["claims"] == 80
    assert sum(r["fund_fen"] for r in s["trend"]) == sum(fund(sc, r) for r in ("R0001", "R0002", "R0003"))


def test_shared_claims_count_once(fresh_ws):
    rows, ring = card_ring("R0001", 4, 2)
    twin = Ring("R0002", 0.5, "community", dict(ring.members), list(ring.claim_ids), ring.fund_amount,
                ring.first_seen, ring.last_seen)
    sc = scenario(fresh_ws, [(rows, ring)])
    write_rings_json([ring, twin], fresh_ws.rings_json)
    s = summary(fresh_ws, **sc.readers())
    assert s["totals"]["rings"] == 2
    assert s["totals"]["fund_at_stake_fen"] == fund(sc, "R0001")
    assert s["top_institutions"][0]["fund_fen"] == fund(sc, "R0001")


def test_empty_workspace_gives_zeros(fresh_ws):
    s = summary(fresh_ws, claims_reader=lambda ws: pd.DataFrame(), reference_reader=lambda ws, k: None)
    assert s["totals"]["rings"] == 0 and s["by_pattern"] == [] and s["trend"] == []
    out = build_brief(fresh_ws, fresh_ws.root / "brief.pdf", claims_reader=lambda ws: pd.DataFrame(),
                      reference_reader=lambda ws, k: None)
    assert "暂无团伙" in pdf_text(out)


def personal_values(sc) -> set[str]:
    p = sc.reference["patients"]
    ring_claims = sc.claims[sc.claims["claim_id"].isin({c for r in sc.rings for c in r.claim_ids})]
    values = set(p["patient_id"]) | set(p["name"]) | set(p["phone"]) | set(p["card_id"]) | set(p["address"])
    values |= set(ring_claims["patient_id"]) | set(ring_claims["card_id"])
    return {str(v) for v in values}


def test_summary_holds_no_personal_data(fresh_ws):
    sc = two_rings(fresh_ws)
    dumped = json.dumps(summary(fresh_ws, **sc.readers()), ensure_ascii=False)
    leaked = [v for v in personal_values(sc) if v in dumped]
    assert leaked == []


def test_brief_pdf_headings_totals_and_no_personal_data(fresh_ws, tmp_path):
    sc = two_rings(fresh_ws)
    out = build_brief(fresh_ws, tmp_path / "brief.pdf", **sc.readers())
    text = pdf_text(out)
    for heading in BRIEF_HEADINGS:
        assert heading in text, heading
    assert yuan(fund(sc, "R0001") + fund(sc, "R0002")) in text
    assert "医保移〔2026〕001号" in text and "R0002" in text
    leaked = [v for v in personal_values(sc) if v in text]
    assert leaked == []
    # patient ids are like P000003: none of that shape may appear at all
    raw = "\n".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert not re.search(r"\bP\d{6}\b", raw)


def test_brief_in_english(fresh_ws, tmp_path):
    from reports.brief.build import LANGS, TEXT

    sc = two_rings(fresh_ws)
    out = build_brief(fresh_ws, tmp_path / "brief_en.pdf", lang="en", **sc.readers())
    raw = "\n".join(p.extract_text() for p in PdfReader(str(out)).pages)
    for key in ("title", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "privacy"):
        assert re.sub(r"\s+", "", TEXT[key][LANGS.index("en")])[:30] in re.sub(r"\s+", "", raw), key
    assert "Card collection and bulk swiping" in raw and "Referred" in raw
    assert yuan(fund(sc, "R0001") + fund(sc, "R0002")) in raw
    assert not [v for v in personal_values(sc) if v in raw]

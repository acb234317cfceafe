"""``ringtrace referral`` through the real command line."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from access.audit import entries, verify
from reports.money import yuan
from ringtrace import cases
from ringtrace.cli import main

from tests.reports.conftest import card_ring, exact_fen


def test_referral_command_writes_pack_records_case_and_audit(cli_case, tmp_path, capsys):
    ws = cli_case.ws
    out = tmp_path / "pack"
    assert main(["--home", str(ws.root), "referral", "R0001", "--out", str(out), "--case-no", "舟医保移〔2026〕12号"]) == 0
    assert (out / "referral.pdf").is_file() and (out / "evidence.xlsx").is_file()
    captured = capsys.readouterr()
    printed = captured.out
    assert "referral.pdf" in printed and "舟医保移〔2026〕12号" in printed
    assert "not confirmed" in captured.err
    assert cases.referrals(ws)[0]["case_no"] == "舟医保移〔2026〕12号"
    assert cases.current_statuses(ws)["R0001"] == "referred"
    log = [e for e in entries(ws) if e["action"] == "referral"]
    assert len(log) == 1 and log[0]["target"] == "R0001" and log[0]["role"] == "cli"
    assert log[0]["detail"]["case_no"] == "舟医保移〔2026〕12号"
    assert verify(ws).ok


def test_referral_command_default_folder(cli_case, capsys):
    ws = cli_case.ws
    cases.set_status(ws, "R0001", "confirmed", "wang")
    assert main(["--home", str(ws.root), "referral", "R0001"]) == 0
    assert (ws.root / "referrals" / "R0001" / "referral.pdf").is_file()
    assert "not confirmed" not in capsys.readouterr().err


def test_referral_command_unknown_ring_is_one_paragraph(cli_case, capsys):
    code = main(["--home", str(cli_case.ws.root), "referral", "R4040"])
    err = capsys.readouterr().err
    assert code != 0 and "There is no ring 'R4040'" in err and "Traceback" not in err
    assert cases.referrals(cli_case.ws) == []


def test_referral_command_bad_config_is_refused(cli_case, capsys):
    (cli_case.ws.root / "referral.toml").write_text("[thresholds]\nlarge = 100\n", encoding="utf-8")
    assert main(["--home", str(cli_case.ws.root), "referral", "R0001"]) != 0
    assert "thresholds.large" in capsys.readouterr().err


def test_pack_from_a_real_ingested_workspace(fresh_ws, tmp_path):
    """Through INGEST's analytic copy: the claims a user loads are the claims the pack lists."""
    ingest_api = pytest.importorskip("ingest.api")
    rows, ring = card_ring("R0001", 4, 2)
    inp = tmp_path / "input"
    inp.mkdir()
    df = pd.DataFrame(rows)
    df["settled_at"] = df["settled_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    df.to_csv(inp / "claims.csv", index=False)
    ingest_api.ingest_paths(fresh_ws, [inp], progress=False)
    from graph.detect.ring import write_rings_json

    write_rings_json([ring], fresh_ws.rings_json)
    out = tmp_path / "pack"
    assert main(["--home", str(fresh_ws.root), "referral", "R0001", "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out / "evidence.xlsx", data_only=True)["涉案清单"]
    ids = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    assert sorted(ids) == sorted(ring.claim_ids)
    total = sum(exact_fen(r["fund_amount"]) for r in rows)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(out / "referral.pdf")).pages))
    assert f"统筹基金支付合计{yuan(total)}元" in text

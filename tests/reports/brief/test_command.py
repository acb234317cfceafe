"""``ringtrace brief`` through the real command line."""

from __future__ import annotations

import re

from pypdf import PdfReader

from access.audit import entries
from reports.money import yuan
from ringtrace.cli import main

from tests.reports.conftest import exact_fen


def test_brief_command_default_path_and_audit(cli_case, capsys):
    ws = cli_case.ws
    assert main(["--home", str(ws.root), "brief"]) == 0
    pdf = ws.root / "brief.pdf"
    assert pdf.is_file()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(pdf)).pages))
    total = sum(exact_fen(x) for x in cli_case.ring_claims("R0001")["fund_amount"])
    assert "医保基金监管团伙线索汇总简报" in text and yuan(total) in text
    assert [e["action"] for e in entries(ws)] == ["brief"]


def test_brief_command_out_folder_and_missing_workspace(cli_case, tmp_path, capsys):
    assert main(["--home", str(cli_case.ws.root), "brief", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "brief.pdf").is_file()
    assert main(["--home", str(tmp_path / "nowhere"), "brief"]) != 0
    assert "does not exist" in capsys.readouterr().err

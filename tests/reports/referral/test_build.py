"""The referral pack end to end, with injected readers: PDF text, sheet rows, totals to the fen."""

from __future__ import annotations

import re

import openpyxl
import pytest
from pypdf import PdfReader

from graph.detect.ring import Ring, write_rings_json
from reports.config import ReferralConfig, Thresholds
from reports.money import yuan
from reports.referral.build import build_pack
from reports.referral.report import HEADINGS
from reports.referral.sheet import CLAIM_HEADERS, CLAIM_SHEET, SUSPECT_SHEET
from ringtrace import cases
from ringtrace.errors import AccessDenied, InputError, WorkspaceError

from tests.reports.conftest import card_ring, claims_frame, exact_fen, references, scenario


def pdf_text(path) -> str:
    """All text of the PDF with whitespace removed (table cells wrap anywhere in Chinese)."""
    text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", "", text)


def sheet_rows(path, name):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[name]
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


def claim_table(xlsx):
    head, rows = sheet_rows(xlsx, CLAIM_SHEET)
    body = [r for r in rows if isinstance(r[0], int)]  # numbered rows; the total row has no 序号
    total = next(r for r in rows if r[1] == "合计")
    return head, body, total


def test_pack_states_headings_ring_id_and_totals(small_case, tmp_path):
    pdf, xlsx = build_pack(small_case.ws, "R0001", tmp_path / "out", **small_case.readers())
    text = pdf_text(pdf)
    for heading in HEADINGS:
        assert heading in text, heading
    assert "R0001" in text
    ring_claims = small_case.ring_claims("R0001")
    fund = sum(exact_fen(x) for x in ring_claims["fund_amount"])
    total = sum(exact_fen(x) for x in ring_claims["total_amount"])
    assert f"统筹基金支付合计{yuan(fund)}元" in text
    assert f"医疗总费用合计{yuan(total)}元" in text
    # the PDF names the font it embeds; a built-in CID font would be STSong-Light and not embedded
    reader = PdfReader(str(pdf))
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert all("STSong" not in str(f) for f in fonts)
    descriptors = [p["/Resources"]["/Font"][k] for p in reader.pages for k in p["/Resources"]["/Font"]]
    assert any("/FontFile2" in d.get_object()["/FontDescriptor"] for d in descriptors
               if "/FontDescriptor" in d.get_object())


def test_sheet_has_every_claim_once_with_every_field(small_case, tmp_path):
    pdf, xlsx = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    head, body, total = claim_table(xlsx)
    assert list(head[1:]) == [h for _, h, _ in CLAIM_HEADERS]
    ids = [r[1] for r in body]
    ring = small_case.rings[0]
    assert sorted(ids) == sorted(ring.claim_ids)
    assert len(ids) == len(set(ids))
    # fields come through: operator, card, diagnosis and the visit type in Chinese
    col = {h: i for i, h in enumerate(head)}
    first = body[0]
    assert first[col["操作员"]] == "OP77" and first[col["诊断编码"]] == "E11.9"
    assert first[col["医疗类别"]] == "药店购药"
    assert str(first[col["医保卡号"]]).startswith("CARD")
    # the noise claims outside the ring never appear
    assert not any(str(i).startswith("N") for i in ids)
    fund_col = col["统筹基金支付(元)"]
    row_sum = sum(exact_fen(r[fund_col]) for r in body)
    expected = sum(exact_fen(x) for x in small_case.ring_claims("R0001")["fund_amount"])
    assert row_sum == expected == exact_fen(total[fund_col])


def test_suspect_subtotals_agree_with_sheet_rows_and_pdf(small_case, tmp_path):
    pdf, xlsx = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    head, body, _ = claim_table(xlsx)
    col = {h: i for i, h in enumerate(head)}
    _, subtotals = sheet_rows(xlsx, SUSPECT_SHEET)
    text = pdf_text(pdf)
    key_col = {"参保人": "参保人编号", "定点医药机构": "定点机构编码", "医保医师": "医保医师编码", "操作员": "操作员"}
    suspects = [r for r in subtotals if isinstance(r[0], int)]
    assert {r[2] for r in suspects} >= {"P00012", "D0009", "OP77"}
    notes = {r[2]: r[9] for r in suspects}
    home = dict(zip(small_case.reference["doctors"]["doctor_id"], small_case.reference["doctors"]["institution_id"]))
    assert notes["P00012"] == "所在区县 定海区" and notes["D0009"] == f"执业于 {home['D0009']}"
    assert notes["P000001"] == "卡号 CARD000001"
    for _, kind, ident, _name, role, n, total, fund, band, _note in suspects:
        rows = [r for r in body if r[col[key_col[kind]]] == ident]
        assert n == len(rows)
        assert exact_fen(fund) == sum(exact_fen(r[col["统筹基金支付(元)"]]) for r in rows)
        # the same figure, to the fen, appears in the PDF's table next to the suspect
        assert f"{ident}" in text and yuan(exact_fen(fund)) in text
    patients = [r for r in suspects if r[1] == "参保人"]
    grand = next(r for r in subtotals if r[1] == "全部涉案结算合计")
    assert sum(exact_fen(r[7]) for r in patients) == exact_fen(grand[7])


def test_roles_organiser_is_the_centre(small_case, tmp_path):
    pdf, xlsx = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    _, subtotals = sheet_rows(xlsx, SUSPECT_SHEET)
    roles = {r[2]: r[4] for r in subtotals if isinstance(r[0], int)}
    assert roles["P00012"] == "组织者" and roles["OP77"] == "组织者"
    assert {roles[p] for p in small_case.rings[0].members["patients"]} == {"参与者"}


def test_detector_roles_take_precedence(fresh_ws, tmp_path):
    rows, ring = card_ring("R0007", 4, 2)
    ring.roles = {"patient:P000001": "organiser"}
    sc = scenario(fresh_ws, [(rows, ring)])
    _, xlsx = build_pack(sc.ws, "R0007", tmp_path, **sc.readers())
    _, subtotals = sheet_rows(xlsx, SUSPECT_SHEET)
    roles = {r[2]: r[4] for r in subtotals if isinstance(r[0], int)}
    assert roles["P000001"] == "组织者" and roles["P00012"] == "参与者"


def _band_case(ws, amounts: list[float]):
    """One patient per amount, one claim each, at one clinic."""
    rows = [{"claim_id": f"B{i}", "patient_id": f"P{i}", "card_id": f"C{i}", "institution_id": "H9",
             "doctor_id": None, "visit_type": "outpatient", "settled_at": f"2024-06-0{1 + i % 9} 10:00",
             "total_amount": a, "fund_amount": a, "operator_id": "OPX"} for i, a in enumerate(amounts)]
    ring = Ring("R0100", 0.5, "community", {"patients": [f"P{i}" for i in range(len(amounts))],
                "institutions": ["H9"]}, [r["claim_id"] for r in rows], sum(amounts), "2024-06-01", "2024-06-09")
    write_rings_json([ring], ws.rings_json)
    claims = claims_frame(rows)
    ref = references(claims)
    return {"claims_reader": lambda w: claims, "reference_reader": lambda w, k: ref.get(k)}


@pytest.mark.parametrize("config, expected", [
    (ReferralConfig(), {"P0": "未达数额较大", "P1": "数额较大", "P2": "数额较大", "P3": "数额巨大",
                        "P4": "数额巨大", "P5": "数额特别巨大"}),
    (ReferralConfig(province="浙江", thresholds=Thresholds(600000, 10000000, 50000000, "浙江")),
     {"P0": "未达数额较大", "P1": "未达数额较大", "P2": "数额较大", "P3": "数额较大",
      "P4": "数额巨大", "P5": "数额特别巨大"}),
])
def test_threshold_bands_at_their_boundaries(fresh_ws, tmp_path, config, expected):
    # 2,999.99 / 3,000.00 / 29,999.99 / 30,000.00 / 499,999.99 / 500,000.00 yuan
    amounts = [2999.99, 3000.00, 29999.99, 30000.00, 499999.99, 500000.00]
    if config.province == "浙江":
        amounts = [3000.00, 5999.99, 6000.00, 99999.99, 100000.00, 500000.00]
    readers = _band_case(fresh_ws, amounts)
    pdf, xlsx = build_pack(fresh_ws, "R0100", tmp_path, config=config, **readers)
    _, subtotals = sheet_rows(xlsx, SUSPECT_SHEET)
    bands = {r[2]: r[8] for r in subtotals if isinstance(r[0], int) and r[1] == "参保人"}
    assert bands == expected
    text = pdf_text(pdf)
    assert "数额特别巨大" in text and yuan(config.thresholds.large_fen) in text


def test_one_member_ring(fresh_ws, tmp_path):
    rows = [{"claim_id": "S1", "patient_id": "P1", "card_id": "C1", "institution_id": "H1", "doctor_id": "D1",
             "visit_type": "inpatient", "settled_at": "2024-01-05 09:00", "admitted_on": "2024-01-01",
             "discharged_on": "2024-01-05", "total_amount": 4000.0, "fund_amount": 3000.0, "diagnosis": "I10"}]
    ring = Ring("R0009", 0.4, "split_hospitalization", {"patients": ["P1"]}, ["S1"], 3000.0, "2024-01-05", "2024-01-05")
    write_rings_json([ring], fresh_ws.rings_json)
    claims = claims_frame(rows)
    pdf, xlsx = build_pack(fresh_ws, "R0009", tmp_path, claims_reader=lambda w: claims,
                           reference_reader=lambda w, k: None)
    text = pdf_text(pdf)
    assert "R0009" in text and "统筹基金支付合计3,000.00元" in text
    assert "现有数据未能确定组织者" in text
    _, body, _ = claim_table(xlsx)
    assert [r[1] for r in body] == ["S1"]
    _, subtotals = sheet_rows(xlsx, SUSPECT_SHEET)
    assert [(r[2], r[8]) for r in subtotals if isinstance(r[0], int)] == [("P1", "数额较大")]


def test_ring_with_300_members(fresh_ws, tmp_path):
    sc = scenario(fresh_ws, [card_ring("R0300", 297, 2)])  # 297 patients + pharmacy, doctor, operator
    ring = sc.rings[0]
    assert sum(len(ring.members[k]) for k in ("patients", "doctors", "institutions", "operators")) == 300
    pdf, xlsx = build_pack(fresh_ws, "R0300", tmp_path, **sc.readers())
    _, body, total = claim_table(xlsx)
    assert len(body) == 594
    fund = sum(exact_fen(x) for x in sc.ring_claims("R0300")["fund_amount"])
    assert exact_fen(total[14]) == fund
    text = pdf_text(pdf)
    assert f"统筹基金支付合计{yuan(fund)}元" in text
    _, subtotals = sheet_rows(xlsx, SUSPECT_SHEET)
    assert len([r for r in subtotals if isinstance(r[0], int)]) == 300
    # the PDF lists only the first 200 claims and says where the rest are
    assert "全部594条见evidence.xlsx" in text


def test_missing_ring_and_missing_rings_file(fresh_ws, small_case, tmp_path):
    with pytest.raises(InputError, match="no ring 'R9999'"):
        build_pack(small_case.ws, "R9999", tmp_path, **small_case.readers())
    small_case.ws.rings_json.unlink()
    with pytest.raises(WorkspaceError, match="ringtrace detect"):
        build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    assert not list(tmp_path.glob("*.pdf"))


def test_claims_from_other_data_are_refused(small_case, tmp_path):
    other = small_case.claims[small_case.claims["claim_id"].str.startswith("N")]
    with pytest.raises(InputError, match="None of ring R0001"):
        build_pack(small_case.ws, "R0001", tmp_path / "x", claims_reader=lambda w: other,
                   reference_reader=small_case.reference_reader)
    assert not (tmp_path / "x" / "referral.pdf").exists()


def test_user_records_referral_once_and_keeps_its_case_number(small_case, tmp_path):
    build_pack(small_case.ws, "R0001", tmp_path / "a", user="li", **small_case.readers())
    build_pack(small_case.ws, "R0001", tmp_path / "b", user="li", **small_case.readers())
    refs = cases.referrals(small_case.ws)
    assert len(refs) == 1 and refs[0]["ring_id"] == "R0001" and refs[0]["user"] == "li"
    assert re.fullmatch(r"医保移〔\d{4}〕001号", refs[0]["case_no"])
    assert cases.current_statuses(small_case.ws)["R0001"] == "referred"
    assert refs[0]["case_no"] in pdf_text(tmp_path / "b" / "referral.pdf")


def test_without_user_nothing_is_recorded(small_case, tmp_path):
    build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    assert cases.referrals(small_case.ws) == []


def test_roles_without_export_referral_are_refused(small_case, tmp_path):
    from access.users import User

    with pytest.raises(AccessDenied):
        build_pack(small_case.ws, "R0001", tmp_path, user=User("boss", "leader"), **small_case.readers())
    pdf, _ = build_pack(small_case.ws, "R0001", tmp_path, user=User("zhao", "police"), case_no="舟医保移〔2026〕7号",
                        **small_case.readers())
    assert "舟医保移〔2026〕7号" in pdf_text(pdf)


def test_configured_bureau_and_addressee_appear(small_case, tmp_path):
    (small_case.ws.root / "referral.toml").write_text(
        'bureau = "舟山市医疗保障局"\naddressee = "舟山市公安局"\ncase_no_prefix = "舟医保移"\n', encoding="utf-8")
    pdf, _ = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    text = pdf_text(pdf)
    assert "舟山市医疗保障局" in text and "舟山市公安局：" in text and "舟医保移〔" in text


def test_case_history_is_in_the_timeline(small_case, tmp_path):
    cases.set_status(small_case.ws, "R0001", "under_review", user="wang")
    cases.set_status(small_case.ws, "R0001", "confirmed", user="zhou")
    pdf, _ = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    text = pdf_text(pdf)
    assert "线索处理经过" in text and "核查中" in text and "已确认" in text and "zhou" in text
    # the claims timeline: three weekly waves of swipes
    for day in ("2024-03-01", "2024-03-08", "2024-03-15"):
        assert day in text


def test_subtotal_formulas_compute_their_cached_values(small_case, tmp_path):
    """Evaluate each SUMPRODUCT over the claim sheet, as Excel would, and compare to the cached value."""
    from openpyxl.utils import column_index_from_string

    _, xlsx = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    formulas = openpyxl.load_workbook(xlsx)[SUSPECT_SHEET]
    values = openpyxl.load_workbook(xlsx, data_only=True)
    claims = [r for r in values[CLAIM_SHEET].iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    cached = values[SUSPECT_SHEET]
    pattern = re.compile(r"=SUMPRODUCT\(--\('涉案清单'!\$([A-Z]+)\$2:\$[A-Z]+\$(\d+)=C(\d+)\)(?:,'涉案清单'!\$([A-Z]+)\$2:\$[A-Z]+\$\d+)?\)")
    checked = 0
    for row in formulas.iter_rows(min_row=2):
        for cell in row[5:8]:
            if not (isinstance(cell.value, str) and cell.value.startswith("=SUMPRODUCT")):
                continue
            m = pattern.fullmatch(cell.value)
            assert m, cell.value
            key_col, last, key_row, sum_col = m.groups()
            assert int(last) == len(claims) + 1
            key = formulas[f"C{key_row}"].value
            hits = [r for r in claims if r[column_index_from_string(key_col) - 1] == key]
            got = len(hits) if sum_col is None else sum(exact_fen(r[column_index_from_string(sum_col) - 1]) for r in hits)
            want = cached[cell.coordinate].value
            assert got == (want if sum_col is None else exact_fen(want)), cell.coordinate
            checked += 1
    members = small_case.rings[0].members
    suspects = sum(len(members[k]) for k in ("patients", "institutions", "doctors", "operators"))
    assert checked == 3 * suspects


def test_pdf_quotes_the_sheets_checksum(small_case, tmp_path):
    import hashlib

    pdf, xlsx = build_pack(small_case.ws, "R0001", tmp_path, **small_case.readers())
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() in pdf_text(pdf)


def test_evidence_sentences_say_which_cited_claims_are_listed(fresh_ws, tmp_path):
    from graph.detect.ring import Evidence

    rows, ring = card_ring("R0005", 3, 2)
    ring.evidence.append(Evidence("同一操作员连续刷卡", "one operator swiped in a row",
                                  ring.claim_ids[:2] + ["N0001", "N0002"], "burst"))
    sc = scenario(fresh_ws, [(rows, ring)])
    pdf, _ = build_pack(sc.ws, "R0005", tmp_path, **sc.readers())
    text = pdf_text(pdf)
    assert "集中刷卡结算（相关结算单5条，均列入涉案清单）" in text
    assert "同一操作员连续刷卡（相关结算单4条，其中2条列入涉案清单）" in text


def test_claims_missing_from_the_copy_and_missing_fund_amounts_are_stated(fresh_ws, tmp_path):
    rows, ring = card_ring("R0006", 3, 2)
    rows[0]["fund_amount"] = None
    ring.claim_ids = ring.claim_ids + ["GONE-1"]
    sc = scenario(fresh_ws, [(rows, ring)])
    pdf, xlsx = build_pack(sc.ws, "R0006", tmp_path, **sc.readers())
    text = pdf_text(pdf)
    assert "有1条在本地分析库中未找到" in text and "1条结算单未提供统筹基金支付金额，按0元计" in text
    expected = sum(exact_fen(r["fund_amount"]) for r in rows)
    assert f"统筹基金支付合计{yuan(expected)}元" in text
    notes = dict(openpyxl.load_workbook(xlsx)["说明"].iter_rows(min_row=2, values_only=True))
    assert "GONE-1" in notes["未找到的结算单"] and notes["缺少基金支付金额"].startswith("1 条")
    _, body, _ = claim_table(xlsx)
    assert len(body) == len(rows)

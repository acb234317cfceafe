"""evidence.xlsx, the 涉案清单: one row per claim with every field, and subtotals per suspect.

Subtotals are formulas (so a police officer can check them in Excel) with their values
cached (so readers that do not calculate, and our tests, see the same figures as the
PDF). SUMPRODUCT on exact text is used instead of SUMIFS: SUMIFS reads an 18-digit id
criterion as a number and would match ids differing after the 15th digit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from reports.money import yuan
from reports.patterns import KIND_ZH, ROLE_ZH, VISIT_ZH, pattern_name
from reports.referral.facts import CaseFacts
from reports.referral.roles import KIND_COLUMN
from reports.referral.thresholds import band_label

__all__ = ["CLAIM_SHEET", "SUSPECT_SHEET", "CLAIM_HEADERS", "write_sheet"]

CLAIM_SHEET = "涉案清单"
SUSPECT_SHEET = "嫌疑人小计"
NOTE_SHEET = "说明"

# (column in the facts frame, Chinese header, kind of value)
CLAIM_HEADERS: tuple[tuple[str, str, str], ...] = (
    ("claim_id", "结算单号", "text"),
    ("settled_at", "结算时间", "datetime"),
    ("patient_id", "参保人编号", "text"),
    ("patient_name", "参保人姓名", "text"),
    ("card_id", "医保卡号", "text"),
    ("institution_id", "定点机构编码", "text"),
    ("institution_name", "机构名称", "text"),
    ("doctor_id", "医保医师编码", "text"),
    ("doctor_name", "医师姓名", "text"),
    ("visit_type", "医疗类别", "visit"),
    ("admitted_on", "入院日期", "date"),
    ("discharged_on", "出院日期", "date"),
    ("total_fen", "医疗总费用(元)", "money"),
    ("fund_fen", "统筹基金支付(元)", "money"),
    ("diagnosis", "诊断编码", "text"),
    ("operator_id", "操作员", "text"),
)


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_sheet(facts: CaseFacts, path: Path) -> Path:
    """Write the workbook to ``path`` and return it."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    try:
        head = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True})
        money = wb.add_format({"num_format": "#,##0.00"})
        money_bold = wb.add_format({"num_format": "#,##0.00", "bold": True, "top": 1})
        bold = wb.add_format({"bold": True, "top": 1})
        dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        d = wb.add_format({"num_format": "yyyy-mm-dd"})
        _claims_sheet(wb, facts, head, money, money_bold, bold, dt, d)
        _suspect_sheet(wb, facts, head, money, money_bold, bold)
        _note_sheet(wb, facts, head)
    finally:
        wb.close()
    return path


def _claims_sheet(wb, facts, head, money, money_bold, bold, dt, d) -> None:
    ws = wb.add_worksheet(CLAIM_SHEET)
    ws.write_string(0, 0, "序号", head)
    for j, (_, title, _) in enumerate(CLAIM_HEADERS, start=1):
        ws.write_string(0, j, title, head)
    claims = facts.claims
    for i, row in enumerate(claims.itertuples(index=False), start=1):
        rec = row._asdict()
        ws.write_number(i, 0, i)
        for j, (col, _, kind) in enumerate(CLAIM_HEADERS, start=1):
            v = rec.get(col)
            if kind == "money":
                ws.write_number(i, j, int(v) / 100, money)
            elif _missing(v):
                ws.write_blank(i, j, None)
            elif kind == "datetime":
                ws.write_datetime(i, j, pd.Timestamp(v).to_pydatetime(), dt)
            elif kind == "date":
                ws.write_datetime(i, j, pd.Timestamp(v).to_pydatetime(), d)
            elif kind == "visit":
                ws.write_string(i, j, VISIT_ZH.get(str(v), str(v)))
            else:
                ws.write_string(i, j, str(v))
    n = len(claims)
    last = n + 1
    ws.write_string(last, 1, "合计", bold)
    for j, (col, _, kind) in enumerate(CLAIM_HEADERS, start=1):
        if kind == "money":
            letter = xl_col_to_name(j)
            total = int(claims[col].sum())
            ws.write_formula(last, j, f"=SUM({letter}2:{letter}{n + 1})", money_bold, total / 100)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, n, len(CLAIM_HEADERS))
    widths = {"claim_id": 18, "settled_at": 19, "patient_id": 20, "card_id": 20, "institution_name": 22}
    for j, (col, _, _) in enumerate(CLAIM_HEADERS, start=1):
        ws.set_column(j, j, widths.get(col, 13))


def _suspect_sheet(wb, facts, head, money, money_bold, bold) -> None:
    ws = wb.add_worksheet(SUSPECT_SHEET)
    titles = ("序号", "类别", "编号", "姓名/名称", "角色", "结算单数", "医疗总费用(元)", "统筹基金支付(元)", "数额档次",
              "备注")
    for j, t in enumerate(titles):
        ws.write_string(0, j, t, head)
    n = len(facts.claims)
    col_of = {col: xl_col_to_name(j) for j, (col, _, _) in enumerate(CLAIM_HEADERS, start=1)}
    fund_rng = f"'{CLAIM_SHEET}'!${col_of['fund_fen']}$2:${col_of['fund_fen']}${n + 1}"
    total_rng = f"'{CLAIM_SHEET}'!${col_of['total_fen']}$2:${col_of['total_fen']}${n + 1}"
    t = facts.config.thresholds
    for i, s in enumerate(facts.suspects, start=1):
        key_col = col_of[KIND_COLUMN[s.kind]]
        key_rng = f"'{CLAIM_SHEET}'!${key_col}$2:${key_col}${n + 1}"
        ws.write_number(i, 0, i)
        ws.write_string(i, 1, KIND_ZH[s.kind])
        ws.write_string(i, 2, s.id)
        ws.write_string(i, 3, s.name)
        ws.write_string(i, 4, ROLE_ZH[s.role])
        ws.write_formula(i, 5, f"=SUMPRODUCT(--({key_rng}=C{i + 1}))", None, s.claims)
        ws.write_formula(i, 6, f"=SUMPRODUCT(--({key_rng}=C{i + 1}),{total_rng})", money, s.total_fen / 100)
        ws.write_formula(i, 7, f"=SUMPRODUCT(--({key_rng}=C{i + 1}),{fund_rng})", money, s.fund_fen / 100)
        ws.write_string(i, 8, band_label(s.fund_fen, t))
        ws.write_string(i, 9, s.note)
    last = len(facts.suspects) + 2
    ws.write_string(last, 1, "全部涉案结算合计", bold)
    ws.write_formula(last, 5, f"=COUNTA('{CLAIM_SHEET}'!B2:B{n + 1})", bold, n)
    ws.write_formula(last, 6, f"=SUM({total_rng})", money_bold, facts.total_fen / 100)
    ws.write_formula(last, 7, f"=SUM({fund_rng})", money_bold, facts.fund_fen / 100)
    ws.write_string(last + 1, 1, "注:各嫌疑人金额按其参与的结算单分别计算,不同类别之间相互重叠,不可相加;参保人小计之和等于合计。")
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 13)
    ws.set_column(2, 3, 22)
    ws.set_column(4, 5, 9)
    ws.set_column(6, 7, 17)
    ws.set_column(8, 8, 13)
    ws.set_column(9, 9, 30)


def _note_sheet(wb, facts: CaseFacts, head) -> None:
    ws = wb.add_worksheet(NOTE_SHEET)
    ring = facts.ring
    t = facts.config.thresholds
    rows = [
        ("案件编号", facts.case_no),
        ("线索编号", ring.ring_id),
        ("类型", pattern_name(ring.pattern)),
        ("移送机关", facts.config.bureau),
        ("制表时间", facts.made_at.strftime("%Y-%m-%d %H:%M")),
        ("涉案结算单数", str(len(facts.claims))),
        ("医疗总费用合计(元)", yuan(facts.total_fen)),
        ("统筹基金支付合计(元)", yuan(facts.fund_fen)),
        ("数额标准", f"{t.region}:较大 {yuan(t.large_fen)} 元,巨大 {yuan(t.huge_fen)} 元,"
                     f"特别巨大 {yuan(t.especially_huge_fen)} 元(均为下限,含本数)"),
        ("金额口径", "统筹基金支付金额按结算单逐笔四舍五入到分后相加,与移送书及调查报告一致。"),
    ]
    if facts.missing_claim_ids:
        rows.append(("未找到的结算单", f"{len(facts.missing_claim_ids)} 条(分析库中不存在):"
                     + "、".join(facts.missing_claim_ids[:20])))
    if facts.fund_missing:
        rows.append(("缺少基金支付金额", f"{facts.fund_missing} 条结算单未提供统筹基金支付金额,按 0 计。"))
    ws.write_string(0, 0, "项目", head)
    ws.write_string(0, 1, "内容", head)
    for i, (k, v) in enumerate(rows, start=1):
        ws.write_string(i, 0, k)
        ws.write_string(i, 1, v)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)

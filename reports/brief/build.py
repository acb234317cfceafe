"""The leaders' brief as PDF: counts, money, districts, institutions, status, referrals, trend.

Built only from :func:`reports.brief.data.summary`, which carries no personal data, so
the brief cannot leak any: the PDF never sees a patient id, name, phone or card.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from graph.detect.ring import CHINA_TZ
from reports.brief.charts import pattern_chart, status_chart, trend_chart
from reports.brief.data import summary
from reports.config import load_config
from reports.money import yuan
from reports.pdf import para, png_image, styles, table, write_pdf
from ringtrace.workspace import Workspace

__all__ = ["build_brief", "write_brief", "BRIEF_HEADINGS"]

BRIEF_HEADINGS = (
    "医保基金监管团伙线索汇总简报",
    "一、总体情况",
    "二、按团伙类型",
    "三、按区县",
    "四、案件处理状态",
    "五、移送公安机关情况",
    "六、月度趋势",
    "七、重点机构与医师",
)


def _wan(fen: int) -> str:
    return f"{fen / 1_000_000:,.2f}"


def write_brief(s: dict, path: Path, bureau: str) -> Path:
    """Write the brief PDF for summary ``s`` to ``path``."""
    st = styles()
    t = s["totals"]
    made = datetime.fromisoformat(s["generated_at"]) if s.get("generated_at") else datetime.now(CHINA_TZ)
    story = [para(bureau, st.subtitle), para("医保基金监管团伙线索汇总简报", st.title),
             para(f"截至 {made:%Y年%m月%d日 %H:%M}", st.subtitle)]

    story += [para("一、总体情况", st.h1), para(
        f"目前共发现疑似团伙 {t['rings']} 个,涉及结算 {t['claims']:,} 笔、参保人 {t['patients']:,} 人、"
        f"医保医师 {t['doctors']:,} 人、定点医药机构 {t['institutions']:,} 家。尚未排除的团伙涉及统筹基金 "
        f"{yuan(t['fund_at_stake_fen'])} 元,其中已确认(含已移送)的 {yuan(t['fund_confirmed_fen'])} 元,"
        f"已移送公安机关的 {yuan(t['fund_referred_fen'])} 元。", st.indent),
        table([["指标", "数值"],
               ["团伙数", f"{t['rings']:,}"],
               ["涉案结算笔数", f"{t['claims']:,}"],
               ["涉及统筹基金(未排除)", f"{yuan(t['fund_at_stake_fen'])} 元"],
               ["已确认(含已移送)", f"{yuan(t['fund_confirmed_fen'])} 元"],
               ["已移送", f"{yuan(t['fund_referred_fen'])} 元"],
               ["已排除(合理)", f"{yuan(t['fund_dismissed_fen'])} 元"]], [80, 94], st, right_cols=(1,))]

    story += [para("二、按团伙类型", st.h1)]
    rows = [["类型", "团伙数", "涉及统筹基金(元)"]] + [
        [r["label_zh"], str(r["rings"]), yuan(r["fund_fen"])] for r in s["by_pattern"]]
    story += [table(rows, [90, 30, 54], st, right_cols=(1, 2))]
    png = pattern_chart(s["by_pattern"])
    story += [Spacer(1, 3 * mm), png_image(png, 160)] if png else [para("暂无团伙。", st.body)]

    story += [para("三、按区县", st.h1)]
    rows = [["区县", "团伙数", "涉及统筹基金(元)"]] + [
        [r["district"], str(r["rings"]), yuan(r["fund_fen"])] for r in s["by_district"]]
    story += [table(rows, [90, 30, 54], st, right_cols=(1, 2)),
              para("注:一个团伙跨多个区县时在每个区县各计一次。", st.small)]

    story += [para("四、案件处理状态", st.h1)]
    rows = [["状态", "团伙数", "涉及统筹基金(元)"]] + [
        [r["label_zh"], str(r["rings"]), yuan(r["fund_fen"])] for r in s["by_status"]]
    story += [table(rows, [90, 30, 54], st, right_cols=(1, 2))]
    png = status_chart(s["by_status"])
    if png:
        story += [Spacer(1, 3 * mm), png_image(png, 150)]

    story += [para("五、移送公安机关情况", st.h1)]
    if s["referrals"]:
        rows = [["移送日期", "案件编号", "线索编号", "类型", "统筹基金(元)"]] + [
            [r["date"], r["case_no"], r["ring_id"], r["label_zh"], yuan(r["fund_fen"])] for r in s["referrals"]]
        story += [table(rows, [24, 46, 22, 50, 32], st, right_cols=(4,))]
    else:
        story += [para("尚无移送案件。", st.body)]

    story += [para("六、月度趋势", st.h1)]
    if s["trend"]:
        rows = [["月份", "新出现团伙", "涉案结算笔数", "统筹基金(万元)"]] + [
            [r["month"], str(r["rings_started"]), f"{r['claims']:,}", _wan(r["fund_fen"])] for r in s["trend"]]
        png = trend_chart(s["trend"])
        story += [png_image(png, 160), table(rows, [40, 40, 44, 50], st, right_cols=(1, 2, 3))]
    else:
        story += [para("暂无数据。", st.body)]

    story += [para("七、重点机构与医师", st.h1), para(f"按涉及统筹基金排序的前 {len(s['top_institutions'])} 家机构:", st.body)]
    rows = [["机构编码", "机构名称", "区县", "团伙数", "结算笔数", "统筹基金(元)"]] + [
        [r["institution_id"], r["name"] or "—", r["district"] or "—", str(r["rings"]), f"{r['claims']:,}",
         yuan(r["fund_fen"])] for r in s["top_institutions"]]
    story += [table(rows, [26, 50, 22, 18, 22, 36], st, right_cols=(3, 4, 5))]
    story += [para(f"前 {len(s['top_doctors'])} 名医保医师(仅列编码):", st.body)]
    rows = [["医师编码", "主要执业机构", "团伙数", "结算笔数", "统筹基金(元)"]] + [
        [r["doctor_id"], r["institution_id"] or "—", str(r["rings"]), f"{r['claims']:,}", yuan(r["fund_fen"])]
        for r in s["top_doctors"]]
    story += [table(rows, [34, 40, 26, 30, 44], st, right_cols=(2, 3, 4))]
    story += [Spacer(1, 6 * mm), para(
        "说明:本简报仅含统计数字及机构、医师编码,不含参保人身份、姓名、电话、卡号等个人信息;"
        "同一结算单属于多个团伙时在合计中只计一次。", st.small)]
    return write_pdf(path, story, title="医保基金监管团伙线索汇总简报", footer=f"{bureau}  汇总简报  内部资料",
                     author=bureau)


def build_brief(ws: Workspace, out_file, **readers) -> Path:
    """Write the brief for the workspace to ``out_file`` (atomically) and return its path.

    ``readers`` are passed to :func:`~reports.brief.data.summary` (``claims_reader``,
    ``reference_reader``, ``rings``), for tests and callers that already hold the data.
    """
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    s = summary(ws, **readers)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write_brief(s, tmp, load_config(ws).bureau)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out

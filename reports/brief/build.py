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

__all__ = ["build_brief", "write_brief", "BRIEF_HEADINGS", "TEXT", "LANGS"]

# every fixed text of the brief: key -> (Chinese, English)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("医保基金监管团伙线索汇总简报", "Fund supervision: summary of suspected fraud rings"),
    "as_of": ("截至 {when:%Y年%m月%d日 %H:%M}", "As of {when:%Y-%m-%d %H:%M}"),
    "s1": ("一、总体情况", "1. Overview"),
    "s2": ("二、按团伙类型", "2. By pattern"),
    "s3": ("三、按区县", "3. By district"),
    "s4": ("四、案件处理状态", "4. Case status"),
    "s5": ("五、移送公安机关情况", "5. Referrals to the police"),
    "s6": ("六、月度趋势", "6. Month by month"),
    "s7": ("七、重点机构与医师", "7. Institutions and doctors most involved"),
    "overview": (
        "目前共发现疑似团伙 {rings} 个,涉及结算 {claims:,} 笔、参保人 {patients:,} 人、医保医师 {doctors:,} 人、"
        "定点医药机构 {institutions:,} 家。尚未排除的团伙涉及统筹基金 {at_stake} 元,其中已确认(含已移送)的 "
        "{confirmed} 元,已移送公安机关的 {referred} 元。",
        "{rings} suspected rings so far, with {claims:,} claims, {patients:,} insured people, {doctors:,} doctors "
        "and {institutions:,} institutions. Rings not dismissed involve {at_stake} yuan of fund money; "
        "{confirmed} yuan of it is confirmed (referred included) and {referred} yuan has been referred to the police."),
    "metric": ("指标", "Figure"), "value": ("数值", "Value"),
    "m_rings": ("团伙数", "Rings"), "m_claims": ("涉案结算笔数", "Claims in rings"),
    "m_at_stake": ("涉及统筹基金(未排除)", "Fund involved (not dismissed)"),
    "m_confirmed": ("已确认(含已移送)", "Confirmed (referred included)"),
    "m_referred": ("已移送", "Referred"), "m_dismissed": ("已排除(合理)", "Dismissed as legitimate"),
    "yuan": ("{} 元", "{} yuan"),
    "pattern": ("类型", "Pattern"), "rings": ("团伙数", "Rings"), "fund": ("涉及统筹基金(元)", "Fund (yuan)"),
    "no_rings": ("暂无团伙。", "No rings yet."),
    "district": ("区县", "District"),
    "district_note": ("注:按团伙所涉定点医药机构所在区县统计,一个团伙跨多个区县时在每个区县各计一次。",
                      "Districts of the rings' institutions; a ring spanning several districts counts in each."),
    "status": ("状态", "Status"),
    "ref_date": ("移送日期", "Date"), "case_no": ("案件编号", "Case number"), "ring": ("线索编号", "Ring"),
    "ref_fund": ("统筹基金(元)", "Fund (yuan)"), "no_referrals": ("尚无移送案件。", "No referrals yet."),
    "month": ("月份", "Month"), "started": ("新出现团伙", "Rings starting"), "n_claims": ("涉案结算笔数", "Claims"),
    "fund_wan": ("统筹基金(万元)", "Fund (10,000 yuan)"), "no_data": ("暂无数据。", "No data yet."),
    "top_inst": ("按涉及统筹基金排序的前 {n} 家机构:", "The {n} institutions with the most fund money involved:"),
    "inst_id": ("机构编码", "Institution"), "inst_name": ("机构名称", "Name"), "claims": ("结算笔数", "Claims"),
    "top_doc": ("前 {n} 名医保医师(仅列编码):", "The {n} doctors most involved (codes only):"),
    "doc_id": ("医师编码", "Doctor"), "doc_home": ("主要执业机构", "Main institution"),
    "privacy": ("说明:本简报仅含统计数字及机构、医师编码,不含参保人身份、姓名、电话、卡号等个人信息;"
                "同一结算单属于多个团伙时在合计中只计一次。",
                "This brief holds counts and the codes of institutions and doctors only: no insured person's "
                "id, name, phone or card number. A claim in several rings counts once in every total."),
    "footer": ("{bureau}  汇总简报  内部资料", "{bureau}  Summary brief  Internal"),
    "page": ("第 {} 页", "Page {}"),
}

BRIEF_HEADINGS = tuple(TEXT[k][0] for k in ("title", "s1", "s2", "s3", "s4", "s5", "s6", "s7"))
LANGS = ("zh", "en")


def _wan(fen: int) -> str:
    return f"{fen / 1_000_000:,.2f}"


def write_brief(s: dict, path: Path, bureau: str, lang: str = "zh") -> Path:
    """Write the brief PDF for summary ``s`` to ``path``, in Chinese (default) or English."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    i = LANGS.index(lang)

    def T(key: str, **kw) -> str:  # noqa: N802 - reads like the gettext _()
        text = TEXT[key][i]
        return text.format(**kw) if kw else text

    def Y(fen: int) -> str:  # noqa: N802
        return T("yuan").format(yuan(fen))

    def label(row: dict) -> str:
        return row.get(f"label_{lang}") or row.get("label_zh", "")

    st = styles()
    t = s["totals"]
    made = datetime.fromisoformat(s["generated_at"]) if s.get("generated_at") else datetime.now(CHINA_TZ)
    story = [para(bureau, st.subtitle), para(T("title"), st.title), para(T("as_of", when=made), st.subtitle)]

    story += [para(T("s1"), st.h1), para(T("overview", rings=t["rings"], claims=t["claims"], patients=t["patients"],
                                           doctors=t["doctors"], institutions=t["institutions"],
                                           at_stake=yuan(t["fund_at_stake_fen"]),
                                           confirmed=yuan(t["fund_confirmed_fen"]),
                                           referred=yuan(t["fund_referred_fen"])), st.indent),
              table([[T("metric"), T("value")],
                     [T("m_rings"), f"{t['rings']:,}"],
                     [T("m_claims"), f"{t['claims']:,}"],
                     [T("m_at_stake"), Y(t["fund_at_stake_fen"])],
                     [T("m_confirmed"), Y(t["fund_confirmed_fen"])],
                     [T("m_referred"), Y(t["fund_referred_fen"])],
                     [T("m_dismissed"), Y(t["fund_dismissed_fen"])]], [80, 94], st, right_cols=(1,))]

    story += [para(T("s2"), st.h1)]
    rows = [[T("pattern"), T("rings"), T("fund")]] + [
        [label(r), str(r["rings"]), yuan(r["fund_fen"])] for r in s["by_pattern"]]
    story += [table(rows, [90, 30, 54], st, right_cols=(1, 2))]
    png = pattern_chart(s["by_pattern"], lang)
    story += [Spacer(1, 3 * mm), png_image(png, 160)] if png else [para(T("no_rings"), st.body)]

    story += [para(T("s3"), st.h1)]
    rows = [[T("district"), T("rings"), T("fund")]] + [
        [r["district"], str(r["rings"]), yuan(r["fund_fen"])] for r in s["by_district"]]
    story += [table(rows, [90, 30, 54], st, right_cols=(1, 2)), para(T("district_note"), st.small)]

    story += [para(T("s4"), st.h1)]
    rows = [[T("status"), T("rings"), T("fund")]] + [
        [label(r), str(r["rings"]), yuan(r["fund_fen"])] for r in s["by_status"]]
    story += [table(rows, [90, 30, 54], st, right_cols=(1, 2))]
    png = status_chart(s["by_status"], lang)
    if png:
        story += [Spacer(1, 3 * mm), png_image(png, 150)]

    story += [para(T("s5"), st.h1)]
    if s["referrals"]:
        rows = [[T("ref_date"), T("case_no"), T("ring"), T("pattern"), T("ref_fund")]] + [
            [r["date"], r["case_no"], r["ring_id"], label(r), yuan(r["fund_fen"])] for r in s["referrals"]]
        story += [table(rows, [24, 46, 22, 50, 32], st, right_cols=(4,))]
    else:
        story += [para(T("no_referrals"), st.body)]

    story += [para(T("s6"), st.h1)]
    if s["trend"]:
        rows = [[T("month"), T("started"), T("n_claims"), T("fund_wan")]] + [
            [r["month"], str(r["rings_started"]), f"{r['claims']:,}", _wan(r["fund_fen"])] for r in s["trend"]]
        story += [png_image(trend_chart(s["trend"], lang), 160),
                  table(rows, [40, 40, 44, 50], st, right_cols=(1, 2, 3))]
    else:
        story += [para(T("no_data"), st.body)]

    story += [para(T("s7"), st.h1), para(T("top_inst", n=len(s["top_institutions"])), st.body)]
    rows = [[T("inst_id"), T("inst_name"), T("district"), T("rings"), T("claims"), T("ref_fund")]] + [
        [r["institution_id"], r["name"] or "—", r["district"] or "—", str(r["rings"]), f"{r['claims']:,}",
         yuan(r["fund_fen"])] for r in s["top_institutions"]]
    story += [table(rows, [26, 50, 22, 18, 22, 36], st, right_cols=(3, 4, 5))]
    story += [para(T("top_doc", n=len(s["top_doctors"])), st.body)]
    rows = [[T("doc_id"), T("doc_home"), T("rings"), T("claims"), T("ref_fund")]] + [
        [r["doctor_id"], r["institution_id"] or "—", str(r["rings"]), f"{r['claims']:,}", yuan(r["fund_fen"])]
        for r in s["top_doctors"]]
    story += [table(rows, [34, 40, 26, 30, 44], st, right_cols=(2, 3, 4))]
    story += [Spacer(1, 6 * mm), para(T("privacy"), st.small)]
    return write_pdf(path, story, title=T("title"), footer=T("footer", bureau=bureau), author=bureau,
                     page_label=TEXT["page"][i])


def build_brief(ws: Workspace, out_file, lang: str = "zh", **readers) -> Path:
    """Write the brief for the workspace to ``out_file`` (atomically) and return its path.

    ``lang``: ``"zh"`` (default) or ``"en"``.
    ``readers`` are passed to :func:`~reports.brief.data.summary` (``claims_reader``,
    ``reference_reader``, ``rings``), for tests and callers that already hold the data.
    """
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    s = summary(ws, **readers)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write_brief(s, tmp, load_config(ws).bureau, lang)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out

"""referral.pdf: the referral letter (涉嫌犯罪案件移送书) and the investigation report.

The report follows what 国务院令第310号 and 医保发〔2021〕49号 ask a referral to carry:
the facts, how the scheme worked, each suspect's role and the fund amount attributable,
set against the province's fraud bands, a timeline, the network, and the list of evidence
(the 涉案清单 is the attached evidence.xlsx, identified by its SHA-256).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import KeepTogether, PageBreak, Spacer
from reportlab.lib.units import mm

from reports.money import yuan
from reports.patterns import KIND_SHORT_ZH, KIND_ZH, ROLE_ZH, pattern_explanation, pattern_name
from reports.pdf import para, png_image, styles, table, write_pdf
from reports.referral.facts import CaseFacts
from reports.referral.network import network_png
from reports.referral.thresholds import BAND_ZH, BANDS, band, threshold_rows
from reports.referral.timeline import claim_timeline

__all__ = ["write_report", "CLAIM_ROWS_IN_PDF", "HEADINGS"]

# Up to this many claims are also listed in the PDF's appendix; the sheet always has all.
CLAIM_ROWS_IN_PDF = 200

HEADINGS = (
    "涉嫌犯罪案件移送书",
    "涉嫌犯罪案件情况的调查报告",
    "一、线索来源与基本情况",
    "二、作案模式",
    "三、涉案人员及其作用",
    "四、涉案金额与数额标准",
    "五、时间线",
    "六、关系网络图",
    "七、证据清单",
    "八、处理意见",
)


def _period(facts: CaseFacts) -> tuple[str, str]:
    when = facts.claims["settled_at"].dropna()
    if when.empty:
        return facts.ring.first_seen or "—", facts.ring.last_seen or "—"
    return f"{when.min():%Y年%m月%d日}", f"{when.max():%Y年%m月%d日}"


def _counts_phrase(facts: CaseFacts) -> str:
    parts = []
    for kind in ("patients", "doctors", "institutions", "operators", "cards"):
        n = facts.count(kind)
        if n:
            unit = {"patients": "人", "doctors": "人", "institutions": "家", "operators": "个", "cards": "张"}[kind]
            parts.append(f"{KIND_ZH[kind]} {n} {unit}")
    return "、".join(parts) or "成员不详"


def _letter(facts: CaseFacts, st, xlsx_name: str) -> list:
    cfg, ring = facts.config, facts.ring
    start, end = _period(facts)
    reached = sum(1 for s in facts.suspects if band(s.fund_fen, cfg.thresholds) != "below")
    org = "、".join(f"{KIND_ZH[s.kind]} {s.name or s.id}" for s in facts.organisers) or "待进一步查明"
    body = (
        f"我局在医疗保障基金监管工作中发现,线索编号 {ring.ring_id} 所涉团伙涉嫌以“{pattern_name(ring.pattern)}”"
        f"方式骗取医疗保障基金。经查,该团伙涉及{_counts_phrase(facts)},于{start}至{end}期间"
        f"发生涉案结算 {len(facts.claims)} 笔,医疗总费用合计 {yuan(facts.total_fen)} 元,"
        f"其中统筹基金支付合计 {yuan(facts.fund_fen)} 元。组织者:{org}。"
        f"其中 {reached} 名嫌疑人(单位)涉案金额达到{cfg.thresholds.region}“数额较大”以上标准。"
    )
    law = (
        "根据《行政执法机关移送涉嫌犯罪案件的规定》(国务院令第310号)和国家医保局、公安部"
        "《关于加强查处骗取医保基金案件行刑衔接工作的通知》(医保发〔2021〕49号)的规定,"
        "现将该案移送你局,请依法审查。"
    )
    attachments = [
        "附件:1. 涉嫌犯罪案件情况的调查报告(本文件第二部分);",
        f"2. 涉案物品清单(涉案结算明细,电子表格 {xlsx_name},共 {len(facts.claims)} 条);",
        "3. 有关检验报告或者鉴定意见(如有,另行补送)。",
    ]
    story = [
        para(cfg.bureau, st.subtitle),
        para("涉嫌犯罪案件移送书", st.title),
        para(facts.case_no, st.subtitle),
        Spacer(1, 6 * mm),
        para(f"{cfg.addressee}:", st.body),
        para(body, st.indent),
        para(law, st.indent),
        Spacer(1, 4 * mm),
    ]
    story += [para(a, st.indent) for a in attachments]
    story += [Spacer(1, 14 * mm), para(cfg.bureau + "(盖章)", st.right),
              para(facts.made_at.strftime("%Y年%m月%d日"), st.right)]
    if cfg.contact:
        story += [Spacer(1, 6 * mm), para(f"联系人及电话:{cfg.contact}", st.body)]
    return story


def _facts_section(facts: CaseFacts, st) -> list:
    ring = facts.ring
    start, end = _period(facts)
    rows = [
        ["项目", "内容"],
        ["线索编号", ring.ring_id],
        ["案件编号", facts.case_no],
        ["团伙类型", pattern_name(ring.pattern)],
        ["发现方式", "医保基金监管大数据关系网络分析(ringtrace),风险评分 "
                     f"{ring.score:.2f}" + (f",检测器:{'、'.join(ring.detectors)}" if ring.detectors else "")],
        ["涉案成员", _counts_phrase(facts)],
        ["涉及区县", "、".join(ring.districts) or "—"],
        ["起止时间", f"{start} 至 {end}"],
        ["涉案结算笔数", f"{len(facts.claims)} 笔"],
        ["医疗总费用合计", f"{yuan(facts.total_fen)} 元"],
        ["统筹基金支付合计", f"{yuan(facts.fund_fen)} 元"],
    ]
    out = [para("一、线索来源与基本情况", st.h1), table(rows, [40, 134], st)]
    if facts.missing_claim_ids:
        out.append(para(f"注:检测结果列出的结算单中有 {len(facts.missing_claim_ids)} 条在本地分析库中未找到,"
                        f"未计入上述金额。", st.small))
    if facts.fund_missing:
        out.append(para(f"注:{facts.fund_missing} 条结算单未提供统筹基金支付金额,按 0 元计。", st.small))
    return out


def _pattern_section(facts: CaseFacts, st) -> list:
    out = [para("二、作案模式", st.h1), para(pattern_explanation(facts.ring.pattern), st.indent)]
    if facts.ring.evidence:
        out.append(para("本案中观察到的具体事实:", st.body))
        listed = set(facts.claims["claim_id"].astype(str))
        for i, ev in enumerate(facts.ring.evidence, start=1):
            cited = set(map(str, ev.claim_ids))
            n, m = len(cited), len(cited & listed)
            # a detector may cite claims beyond the ring's own; say which ones the sheet holds
            note = "" if not n else (f"(相关结算单 {n} 条,均列入涉案清单)" if m == n
                                     else f"(相关结算单 {n} 条,其中 {m} 条列入涉案清单)")
            out.append(para(f"{i}. {ev.text_zh}{note}", st.indent))
    return out


def _suspect_section(facts: CaseFacts, st) -> list:
    t = facts.config.thresholds
    rows = [["序号", "类别", "编号", "姓名/名称", "作用", "笔数", "统筹基金支付(元)", "数额档次"]]
    for i, s in enumerate(facts.suspects, start=1):
        rows.append([str(i), KIND_SHORT_ZH[s.kind], s.id, s.name or "—", ROLE_ZH[s.role], str(s.claims),
                     yuan(s.fund_fen), BAND_ZH[band(s.fund_fen, t)]])
    org = facts.organisers
    if org:
        who = "、".join(f"{KIND_ZH[s.kind]} {s.id}" + (f"({s.name})" if s.name else "") for s in org)
        lead = (f"组织者:{who}。上述组织者处于团伙关系网络的中心,"
                f"参与了团伙中最多的涉案结算;其余成员为参与者。医保卡作为作案工具列入涉案清单。")
    else:
        lead = "现有数据未能确定组织者,全部成员暂列为参与者,有待侦查查明。"
    patients_sum = sum(s.fund_fen for s in facts.suspects if s.kind == "patients")
    note = ("说明:每名嫌疑人(单位)的金额为其参与的涉案结算单统筹基金支付之和,不同类别之间相互重叠,不可相加;"
            f"参保人金额之和为 {yuan(patients_sum)} 元" +
            ("(等于统筹基金支付合计)。" if patients_sum == facts.fund_fen else "。"))
    return [para("三、涉案人员及其作用", st.h1), para(lead, st.indent),
            table(rows, [10, 14, 35, 24, 15, 15, 34, 27], st, right_cols=(0, 5, 6)),
            para(note, st.small)]


def _amount_section(facts: CaseFacts, st) -> list:
    t = facts.config.thresholds
    rows = [["数额档次", "下限(含)", "上限(不含)", "达到该档次的嫌疑人(单位)"]]
    counts = {b: 0 for b in BANDS}
    for s in facts.suspects:
        counts[band(s.fund_fen, t)] += 1
    for label, lo, hi in threshold_rows(t):
        key = next(k for k, v in BAND_ZH.items() if v == label)
        rows.append([label, f"{yuan(lo)} 元", f"{yuan(hi)} 元" if hi else "—", str(counts[key])])
    rows.append([BAND_ZH["below"], "—", f"{yuan(t.large_fen)} 元", str(counts["below"])])
    top = max(facts.suspects, key=lambda s: s.fund_fen, default=None)
    text = (f"适用标准:{t.region}。依据《最高人民法院 最高人民检察院关于办理诈骗刑事案件具体应用法律若干问题的解释》"
            f"(法释〔2011〕7号),诈骗公私财物价值达到上述下限的,分别认定为“数额较大”“数额巨大”“数额特别巨大”。")
    if top is not None:
        text += (f"本案单个嫌疑人(单位)最高涉案金额为 {yuan(top.fund_fen)} 元"
                 f"({KIND_ZH[top.kind]} {top.id}),属于{BAND_ZH[band(top.fund_fen, t)]};"
                 f"团伙统筹基金支付合计 {yuan(facts.fund_fen)} 元,属于{BAND_ZH[band(facts.fund_fen, t)]}。")
    return [para("四、涉案金额与数额标准", st.h1), para(text, st.indent), table(rows, [40, 40, 40, 54], st)]


def _timeline_section(facts: CaseFacts, st, history: list[dict]) -> list:
    rows = [["时间", "结算笔数", "参保人数", "统筹基金支付(元)", "时段", "机构"]]
    tl = claim_timeline(facts.claims)
    for r in tl:
        rows.append([r.period, str(r.claims), str(r.patients), yuan(r.fund_fen), r.span, r.institutions])
    grain = "按日" if tl and len(tl[0].period) == 10 else "按月"
    out = [para("五、时间线", st.h1), para(f"涉案结算{grain}汇总如下。", st.body),
           table(rows, [24, 18, 18, 32, 26, 56], st, right_cols=(1, 2, 3))]
    if history:
        from ringtrace.cases import STATUS_LABELS

        out.append(para("线索处理经过:", st.h2))
        hist = [["时间", "处理人", "状态"]] + [
            [h["at"][:16].replace("T", " "), h["user"], STATUS_LABELS.get(h["status"], {}).get("zh", h["status"])]
            for h in history]
        out.append(table(hist, [50, 50, 74], st))
    return out


def _network_section(facts: CaseFacts, st) -> list:
    organisers = {(s.kind, s.id) for s in facts.organisers}
    png = network_png(facts.claims, facts.ring.members, organisers, title=f"{facts.ring.ring_id} 关系网络")
    return [KeepTogether([para("六、关系网络图", st.h1),
            para("图中圆点为团伙成员,连线表示双方共同发生过涉案结算,线越粗结算越多;红圈为组织者。", st.body),
            png_image(png, 170)])]


def _evidence_section(facts: CaseFacts, st, xlsx_name: str, xlsx_sha256: str) -> list:
    rows = [["序号", "证据名称", "内容", "形式"],
            ["1", "涉案物品清单(涉案结算明细)",
             f"{len(facts.claims)} 条结算单,逐条列明全部字段;统筹基金支付合计 {yuan(facts.fund_fen)} 元;"
             f"另附嫌疑人小计表", f"电子表格 {xlsx_name}"],
            ["2", "关系网络分析结果", "本报告第六部分关系网络图及第二部分所列事实", "本报告"],
            ["3", "原始处方、病历、住院记录及收费票据", "调取涉案结算对应的原始凭证(法发〔2024〕6号)", "待调取"],
            ["4", "有关检验报告或者鉴定意见", "如有,另行补送", "待补充"]]
    out = [para("七、证据清单", st.h1), table(rows, [10, 50, 84, 30], st),
           para(f"{xlsx_name} 的 SHA-256 校验值:{xlsx_sha256}(用于核对附件未被改动)。", st.small)]
    n = len(facts.claims)
    shown = facts.claims.head(CLAIM_ROWS_IN_PDF)
    rows = [["结算单号", "结算时间", "参保人编号", "机构", "医师", "基金支付(元)"]]
    for r in shown.itertuples(index=False):
        rows.append([r.claim_id, f"{r.settled_at:%Y-%m-%d %H:%M}" if r.settled_at == r.settled_at else "—",
                     r.patient_id, r.institution_id, r.doctor_id if isinstance(r.doctor_id, str) else "—",
                     yuan(r.fund_fen)])
    title = "涉案结算明细" + (f"(前 {CLAIM_ROWS_IN_PDF} 条,全部 {n} 条见 {xlsx_name})" if n > CLAIM_ROWS_IN_PDF else "")
    out += [para(title, st.h2), table(rows, [31, 28, 36, 25, 28, 26], st, right_cols=(5,))]
    return out


def _opinion_section(facts: CaseFacts, st) -> list:
    t = facts.config.thresholds
    if band(facts.fund_fen, t) != "below":
        reach = f"已达到{t.region}“{BAND_ZH[band(facts.fund_fen, t)]}”标准,建议移送公安机关依法查处。"
    else:
        reach = (f"尚未达到{t.region}“数额较大”标准({yuan(t.large_fen)} 元);鉴于其有组织实施的特征,"
                 f"建议移送公安机关审查,并继续核查是否存在其他涉案结算。")
    return [para("八、处理意见", st.h1), para(
        f"综上,线索编号 {facts.ring.ring_id} 所涉团伙涉嫌诈骗医疗保障基金,统筹基金支付合计 {yuan(facts.fund_fen)} 元,"
        + reach + "我局将配合做好调查取证、原始凭证调取和损失追回工作。", st.indent)]


def write_report(facts: CaseFacts, path: Path, xlsx_name: str, xlsx_sha256: str,
                 history: list[dict] | None = None) -> Path:
    """Write referral.pdf for ``facts``; ``history`` is the ring's status history."""
    st = styles()
    story = _letter(facts, st, xlsx_name) + [PageBreak()]
    story += [para(facts.config.bureau, st.subtitle), para("涉嫌犯罪案件情况的调查报告", st.title),
              para(f"{facts.case_no}  线索编号 {facts.ring.ring_id}", st.subtitle)]
    story += _facts_section(facts, st)
    story += _pattern_section(facts, st)
    story += _suspect_section(facts, st)
    story += [KeepTogether(_amount_section(facts, st))]
    story += _timeline_section(facts, st, history or [])
    story += _network_section(facts, st)
    story += _evidence_section(facts, st, xlsx_name, xlsx_sha256)
    story += _opinion_section(facts, st)
    footer = f"{facts.config.bureau}  {facts.case_no}  线索 {facts.ring.ring_id}  内部资料 注意保密"
    return write_pdf(path, story, title=f"涉嫌犯罪案件移送书 {facts.case_no}", footer=footer,
                     author=facts.config.bureau)

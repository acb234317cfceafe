"""``ringtrace detect [--out FILE] [--full]``: run every detector (a daily increment when the
kept state allows), store the rings, print the top ones and the alert list (new rings, rings
that grew)."""

from __future__ import annotations

import sys

from ringtrace.errors import WorkspaceError

__all__ = ["configure", "run", "format_rings", "format_run", "why_zh", "MEMO_ZH"]


def configure(p) -> None:
    p.add_argument("--out", metavar="FILE", default=None,
                   help="also write the rings JSON here (always written to HOME/rings.json)")
    p.add_argument("--top", type=int, default=10, help="how many rings to print (default 10)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the printed evidence (default zh)")
    p.add_argument("--full", action="store_true",
                   help="recompute everything instead of only what the claims added since the last run can change")


def format_rings(rings, top: int = 10, lang: str = "zh") -> str:
    """The top rings as a short table, one line each with the first evidence sentence.

    >>> from graph.detect.ring import Evidence, Ring
    >>> r = Ring("R0001", 0.91, "card_collection", {"patients": ["P1", "P2"], "cards": ["K1"]}, ["c1"], 1234.5,
    ...          "2024-01-01", "2024-02-01", [Evidence("2 张卡", "2 cards", ["c1"])])
    >>> print(format_rings([r], lang="en"))
    R0001  0.910  card_collection             ¥    1,234.50     3 members  2 cards
    1 rings in all
    """
    lines = []
    for r in rings[:top]:
        first = r.evidence[0] if r.evidence else None
        text = (first.text_zh if lang == "zh" else first.text_en) if first else ""
        members = sum(len(v) for v in r.members.values())
        lines.append(f"{r.ring_id}  {r.score:5.3f}  {r.pattern:<26}  ¥{r.fund_amount:>12,.2f}  {members:>4} members  {text}")
    lines.append(f"{len(rings)} rings in all")
    return "\n".join(lines)


# The detectors' kept groups (graph.detect.pipeline.MEMOS), as the Chinese line names them.
MEMO_ZH = {"card_bursts": "集中刷卡", "impersonation": "冒名就医", "drug_tours": "倒卖药品", "communities": "团伙社群",
           "legit": "正常持卡人"}
# Why a run was full (graph.detect.state and pipeline give the English), in Chinese: exact reasons,
# then reasons that end with a detail in parentheses or after a semicolon (kept as it is).
_WHY_ZH = {
    "no detection state kept yet (first run)": "尚未保存检测状态(首次运行)",
    "a full run was asked for (--full)": "按要求全量计算(--full)",
    "the kept state is from another version of ringtrace": "保存的检测状态来自另一版本的 ringtrace",
    "the detection code changed since the last run": "检测代码自上次运行后有改动",
    "the reference files (institutions, doctors, patients) changed since the last run":
        "参考文件(机构、医生、参保人)自上次运行后有改动",
    "the [detect] settings in ringtrace.toml changed since the last run": "ringtrace.toml 的 [detect] 设置自上次运行后有改动",
    "batches seen by the last run are no longer all there, or in another order": "上次运行处理过的批次已不齐全或顺序有变",
    "the kept state holds no claim frame": "保存的检测状态中没有结算表",
}
_WHY_ZH_PREFIX = {
    "the kept detection state could not be read": "保存的检测状态无法读取",
    "the kept claim frame could not be read": "保存的结算表无法读取",
    "the kept state does not fit the claims": "保存的检测状态与结算数据不符",
    "increments count pairs with the pandas engine; the projection engine is": "增量计算只用 pandas 投影引擎,本工作区设置的是",
}


def why_zh(why: str) -> str:
    """A full run's reason in Chinese; a reason not known here is shown as given.

    >>> why_zh("the kept state does not fit the claims (3 new rows already seen)")
    '保存的检测状态与结算数据不符(3 new rows already seen)'
    >>> why_zh("increments count pairs with the pandas engine; the projection engine is spark")
    '增量计算只用 pandas 投影引擎,本工作区设置的是 spark'
    """
    if why in _WHY_ZH:
        return _WHY_ZH[why]
    for en, zh in _WHY_ZH_PREFIX.items():
        if why.startswith(en):
            rest = why[len(en):].strip()
            if rest.startswith("(") and rest.endswith(")"):
                return f"{zh}({rest[1:-1]})"
            return f"{zh} {rest}" if rest else zh
    return why


def format_run(stats: dict, lang: str = "zh") -> str:
    """One line on what the run re-examined.

    >>> stats = {"mode": "increment", "claims": 1000, "new_claims": 10, "new_batches": 1,
    ...          "detectors": {"card_bursts": {"clusters": 9, "reused": 8, "described": 1}}}
    >>> print(format_run(stats, lang="en"))
    increment: 10 new claims of 1,000 (1 new batches); clusters described again 1 of 9 (card_bursts 1/9)
    >>> print(format_run(stats))
    增量计算:1,000 笔结算中新增 10 笔(1 个新批次);重新分析的群组 1 / 9(集中刷卡 1/9)
    >>> print(format_run({"mode": "full", "why_full": "no detection state kept yet (first run)"}))
    全量计算:尚未保存检测状态(首次运行)
    """
    if stats.get("mode") != "increment":
        why = stats.get("why_full", "")
        return f"全量计算:{why_zh(why)}" if lang == "zh" else f"full run: {why}"
    det = stats.get("detectors", {})
    total = sum(d.get("clusters", 0) for d in det.values())
    again = sum(d.get("described", 0) for d in det.values())
    parts = ", ".join(f"{k} {d.get('described', 0)}/{d.get('clusters', 0)}" for k, d in det.items())
    if lang == "zh":
        parts = ",".join(f"{MEMO_ZH.get(k, k)} {d.get('described', 0)}/{d.get('clusters', 0)}" for k, d in det.items())
        return (f"增量计算:{stats['claims']:,} 笔结算中新增 {stats['new_claims']:,} 笔({stats['new_batches']} 个新批次);"
                f"重新分析的群组 {again} / {total}({parts})")
    return (f"increment: {stats['new_claims']:,} new claims of {stats['claims']:,} ({stats['new_batches']} new batches); "
            f"clusters described again {again} of {total} ({parts})")


def run(args, ws) -> int:
    from graph.detect import pipeline
    from graph.detect.alerts import format_alerts

    if not ws.root.exists():
        raise WorkspaceError(
            f"The workspace {ws.root} does not exist, so there are no claims to search. "
            f"Run `ringtrace --home {ws.root} ingest PATH` first (or `ringtrace demo`)."
        )
    lang = getattr(args, "lang", "zh")
    stats: dict = {}
    with ws.lock("detect"):
        rings = pipeline.run(ws, out=getattr(args, "out", None), full=getattr(args, "full", False), stats=stats)
    print(format_rings(rings, top=getattr(args, "top", 10), lang=lang))
    alerts = stats.get("alerts", [])
    if stats.get("mode") == "increment" or alerts and len(alerts) < len(rings):
        print()
        print("今日提醒" if lang == "zh" else "Alerts", "(" + str(ws.root / "alerts.json") + ")")
        print(format_alerts(alerts, lang=lang, top=getattr(args, "top", 10) * 2))
    print(format_run(stats, lang=lang), file=sys.stderr)
    where = args.out if getattr(args, "out", None) else ws.rings_json
    print(f"rings written to {where}", file=sys.stderr)
    return 0

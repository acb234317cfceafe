"""The brief's charts as PNG bytes (matplotlib, the same Chinese font as the text).

Each takes the rows of :func:`reports.brief.data.summary` and returns ``None`` when there
is nothing to draw, so the PDF can say so in words instead of printing an empty frame.
"""

from __future__ import annotations

import io

from reports.fonts import matplotlib_fonts

__all__ = ["pattern_chart", "trend_chart", "status_chart"]


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.tight_layout()
        fig.savefig(buf, format="png", dpi=160)
    finally:
        plt.close(fig)
    return buf.getvalue()


def _wan(fen: int) -> float:
    """Fen in units of 10,000 yuan (万元), the unit leaders read."""
    return fen / 100 / 10_000


_LABELS = {
    "rings": ("团伙数", "Rings"),
    "fund_wan": ("涉及统筹基金(万元)", "Fund involved (10,000 yuan)"),
    "by_pattern": ("按团伙类型", "By pattern"),
    "trend_fund": ("涉案结算统筹基金(万元)", "Fund paid on ring claims (10,000 yuan)"),
    "trend_rings": ("新出现团伙数", "Rings starting"),
    "wan": ("万元", "10,000 yuan"),
    "status": ("案件处理状态", "Case status"),
}


def _t(key: str, lang: str) -> str:
    return _LABELS[key][1 if lang == "en" else 0]


def pattern_chart(by_pattern: list[dict], lang: str = "zh") -> bytes | None:
    if not by_pattern:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(reversed(by_pattern))
    with matplotlib_fonts():
        fig, (a, b) = plt.subplots(1, 2, figsize=(7.2, 0.5 * len(rows) + 1.4), sharey=True)
        labels = [r.get(f"label_{lang}") or r["label_zh"] for r in rows]
        a.barh(labels, [r["rings"] for r in rows], color="#4C78A8")
        a.set_xlabel(_t("rings", lang))
        from matplotlib.ticker import MaxNLocator

        a.xaxis.set_major_locator(MaxNLocator(integer=True))
        b.barh(labels, [_wan(r["fund_fen"]) for r in rows], color="#E45756")
        b.set_xlabel(_t("fund_wan", lang))
        for ax in (a, b):
            ax.spines[["top", "right"]].set_visible(False)
        fig.suptitle(_t("by_pattern", lang), fontsize=11)
        return _png(fig)


def trend_chart(trend: list[dict], lang: str = "zh") -> bytes | None:
    if not trend:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib_fonts():
        fig, ax = plt.subplots(figsize=(7.2, 3.0))
        months = [r["month"] for r in trend]
        ax.bar(months, [_wan(r["fund_fen"]) for r in trend], color="#E45756", label=_t("trend_fund", lang))
        ax.set_ylabel(_t("wan", lang))
        ax2 = ax.twinx()
        ax2.plot(months, [r["rings_started"] for r in trend], color="#4C78A8", marker="o", label=_t("trend_rings", lang))
        ax2.set_ylabel(_t("rings", lang))
        ax2.set_ylim(bottom=0)
        from matplotlib.ticker import MaxNLocator

        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        step = max(1, len(months) // 12)
        ax.set_xticks(range(0, len(months), step), [months[i] for i in range(0, len(months), step)],
                      rotation=45, ha="right", fontsize=7)
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=8, frameon=False)
        return _png(fig)


def status_chart(by_status: list[dict], lang: str = "zh") -> bytes | None:
    if not any(r["rings"] for r in by_status):
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib_fonts():
        fig, ax = plt.subplots(figsize=(7.2, 2.2))
        ax.bar([r.get(f"label_{lang}") or r["label_zh"] for r in by_status], [r["rings"] for r in by_status],
               color=["#9D9D9D", "#F58518", "#E45756", "#54A24B", "#4C78A8"][: len(by_status)])
        ax.set_ylabel(_t("rings", lang))
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(_t("status", lang), fontsize=11)
        return _png(fig)

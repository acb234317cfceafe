"""Leaders' dashboard: the summary REPORTS builds (no personal data), and the brief PDF."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.i18n import lang, t, tr
from app.views import session
from app.views.dashboard import extra_sections, headline, table

guard = session.guard()
L = lang()

st.title(t("dash_title"))
st.caption(t("dash_intro"))

summary = guard.dashboard()  # checks view_dashboard
totals = summary.get("totals") or {}
if not totals.get("rings"):
    st.info(t("dash_empty"))
    st.stop()
if summary.get("generated_at"):
    st.caption(t("dash.generated_at", at=summary["generated_at"]))

figures = headline(totals, L)
for i in range(0, len(figures), 5):
    for col, (name, value) in zip(st.columns(5), figures[i:i + 5]):
        col.metric(name, value)


def _bars(section: str, name_col: str) -> None:
    frame = table(summary.get(section) or [], section, L)
    if frame.empty:
        return
    name, rings, fund = tr(f"dash.col.{name_col}", L), tr("dash.col.rings", L), tr("dash.col.fund_fen", L)
    chart = alt.Chart(frame).mark_bar(color="#4e79a7").encode(
        x=alt.X(f"{fund}:Q", title=fund),
        y=alt.Y(f"{name}:N", sort="-x", title="", axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        tooltip=[f"{name}:N", f"{rings}:Q", alt.Tooltip(f"{fund}:Q", format=",.2f")],
    )
    st.altair_chart(chart.properties(height=max(120, 30 * len(frame))), width="stretch")


left, right = st.columns(2)
with left:
    st.subheader(t("dash.by_pattern"))
    _bars("by_pattern", "pattern")
    st.subheader(t("dash.by_status"))
    st.dataframe(table(summary.get("by_status") or [], "by_status", L), hide_index=True, width="stretch")
with right:
    st.subheader(t("dash.by_district"))
    _bars("by_district", "district")

trend = table(summary.get("trend") or [], "trend", L)
if not trend.empty:
    st.subheader(t("dash.trend"))
    month, fund, started = tr("dash.col.month", L), tr("dash.col.fund_fen", L), tr("dash.col.rings_started", L)
    base = alt.Chart(trend).encode(x=alt.X(f"{month}:O", title=""))
    chart = alt.layer(
        base.mark_bar(color="#a0cbe8").encode(y=alt.Y(f"{fund}:Q", title=fund)),
        base.mark_line(color="#e15759", point=True).encode(y=alt.Y(f"{started}:Q", title=started)),
    ).resolve_scale(y="independent")
    st.altair_chart(chart.properties(height=260), width="stretch")

for section in ("top_institutions", "top_doctors", "referrals"):
    frame = table(summary.get(section) or [], section, L)
    if not frame.empty:
        st.subheader(t(f"dash.{section}"))
        st.dataframe(frame, hide_index=True, width="stretch")

for key, value in extra_sections(summary):
    st.subheader(key)
    st.dataframe(pd.DataFrame(value if isinstance(value, list) else [value]), hide_index=True, width="stretch")

if st.button(t("brief_button"), key="brief_build"):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="ringtrace-brief-") as tmp:
        path = guard.brief(Path(tmp) / "brief.pdf")  # records the brief in the audit trail
        st.session_state["brief_pdf"] = Path(path).read_bytes()
if "brief_pdf" in st.session_state:
    st.download_button(t("brief_download"), st.session_state["brief_pdf"], file_name="brief.pdf",
                       mime="application/pdf", on_click="ignore", key="brief_dl")

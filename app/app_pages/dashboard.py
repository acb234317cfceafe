"""Leaders' dashboard: the summary REPORTS builds (no personal data), and the brief PDF."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.i18n import label, lang, t, tr
from app.views import session
from app.views.dashboard import mapping_frame, sections

guard = session.guard()
L = lang()

st.title(t("dash_title"))
st.caption(t("dash_intro"))

try:
    summary = guard.dashboard()  # checks view_dashboard
except FileNotFoundError:
    summary = {}
if not summary:
    st.info(t("dash_empty"))
    st.stop()


def _title(key: str) -> str:
    return tr(f"dash.{key}", L)


def _value_label(key: str, v) -> str:
    # Keys grouped by pattern or status read better by their names.
    if "pattern" in key:
        return label("pattern", v)
    if "status" in key:
        return label("status", v)
    return str(v)


parts = sections(summary)
metrics = [p for p in parts if p[0] == "metric"]
for i in range(0, len(metrics), 4):
    cols = st.columns(4)
    for col, (_, key, value) in zip(cols, metrics[i:i + 4]):
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        col.metric(_title(key), shown)

for kind, key, value in parts:
    if kind == "bars":
        st.subheader(_title(key))
        frame = mapping_frame({_value_label(key, k): v for k, v in value.items()})
        chart = alt.Chart(frame).mark_bar(color="#4e79a7").encode(
            x=alt.X("value:Q", title=""), y=alt.Y("name:N", sort="-x", title=""),
            tooltip=["name:N", alt.Tooltip("value:Q", format=",.2f")],
        )
        st.altair_chart(chart.properties(height=max(120, 26 * len(frame))), width="stretch")
    elif kind == "table":
        st.subheader(_title(key))
        st.dataframe(pd.DataFrame(value), hide_index=True, width="stretch", key=f"dash_{key}")
    elif kind == "text":
        st.caption(f"{_title(key)}: {value}")

if st.button(t("brief_button"), key="brief_build"):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="ringtrace-brief-") as tmp:
        path = guard.brief(Path(tmp) / "brief.pdf")  # records the brief in the audit trail
        st.session_state["brief_pdf"] = Path(path).read_bytes()
if "brief_pdf" in st.session_state:
    st.download_button(t("brief_download"), st.session_state["brief_pdf"], file_name="brief.pdf",
                       mime="application/pdf", on_click="ignore", key="brief_dl")

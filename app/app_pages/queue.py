"""Ring queue: rings by score with filters, search by any id, status and notes (layout only)."""

from __future__ import annotations

import streamlit as st

from app.i18n import label, lang, t
from app.views import data, session
from app.views.queue import QueueFilter, filter_queue, queue_frame, search_rings
from ringtrace.cases import STATUSES

ws = session.workspace()
user = session.current_user()
guard = session.guard()
L = lang()

st.title(t("queue_title"))
st.caption(t("queue_intro"))

try:
    rings = data.rings(ws, guard, user.role)
except FileNotFoundError:
    rings = []
if not rings:
    st.info(t("no_rings"))
    st.stop()

frame = queue_frame(rings, guard.statuses(), data.note_counts(ws), lang=L)

# --- search by any id --------------------------------------------------------------------
with st.form("search", border=False):
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    text = c1.text_input(t("search"), key="search_text", max_chars=64)
    searched = c2.form_submit_button(t("search_button"))
matched_rings: list[str] | None = None
if searched and text.strip():
    from access.validate import BadParameter, search_text

    try:
        needle = search_text(text)
    except BadParameter as e:
        st.warning(t("search_bad", msg=e.message(L)))
    else:
        matched_rings = search_rings(rings, needle)
        entities = guard.find(needle)  # records the search in the audit trail
        with st.container(border=True):
            st.markdown(f"**{t('search_results')}**")
            if not matched_rings and not entities:
                st.write(t("search_none", text=needle))
            for node in entities:
                st.page_link(
                    "app_pages/entity.py",
                    label=f"{label('kind', node.type)} {node.props.get('label') or node.id}",
                    query_params={"type": node.type, "id": node.id},
                )
            for rid in matched_rings[:50]:
                st.page_link("app_pages/ring.py", label=t("ring_title", ring_id=rid), query_params={"id": rid})

# --- filters -----------------------------------------------------------------------------
with st.expander(t("filters"), expanded=False):
    c1, c2, c3 = st.columns(3)
    patterns = c1.multiselect(t("filter_pattern"), sorted(frame["pattern"].unique()), format_func=lambda p: label("pattern", p))
    districts = c2.multiselect(t("filter_district"), sorted({d for ds in frame["districts"] for d in ds}))
    institutions = c3.multiselect(t("filter_institution"), sorted({i for xs in frame["institutions"] for i in xs}))
    c4, c5, c6 = st.columns(3)
    statuses = c4.multiselect(t("filter_status"), list(STATUSES), format_func=lambda s: label("status", s))
    top = float(frame["fund_amount"].max() or 0.0)
    amount = c5.slider(t("filter_amount"), 0.0, max(top, 1.0), (0.0, max(top, 1.0)), step=max(1.0, round(top / 200, 0)))
    lo_day, hi_day = frame["first_seen"].dropna().min(), frame["last_seen"].dropna().max()
    dates = c6.date_input(t("filter_dates"), value=(lo_day, hi_day) if lo_day and hi_day else (), format="YYYY-MM-DD")

f = QueueFilter(
    patterns=tuple(patterns),
    districts=tuple(districts),
    institutions=tuple(institutions),
    statuses=tuple(statuses),
    min_amount=amount[0] if amount[0] > 0 else None,
    max_amount=amount[1] if amount[1] < max(top, 1.0) else None,
    since=dates[0] if isinstance(dates, tuple) and len(dates) == 2 else None,
    until=dates[1] if isinstance(dates, tuple) and len(dates) == 2 else None,
)
shown = filter_queue(frame, f)
if matched_rings is not None:
    shown = shown[shown["ring_id"].isin(matched_rings)]
st.caption(t("rings_shown", shown=len(shown), total=len(frame)))

table = shown.assign(
    pattern=shown["pattern"].map(lambda p: label("pattern", p)),
    status=shown["status"].map(lambda s: label("status", s)),
    districts=shown["districts"].map(lambda ds: ", ".join(ds)),
    institutions=shown["institutions"].map(lambda xs: ", ".join(xs[:5]) + ("…" if len(xs) > 5 else "")),
)
cols = ["ring_id", "score", "pattern", "status", "fund_amount", "members", "claims", "first_seen", "last_seen",
        "notes", "districts", "institutions", "evidence"]
event = st.dataframe(
    table[cols],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="queue_table",
    column_config={
        c: st.column_config.Column(t(f"q.{c}")) for c in cols
    } | {
        "score": st.column_config.NumberColumn(t("q.score"), format="%.2f"),
        "fund_amount": st.column_config.NumberColumn(t("q.fund_amount"), format="localized"),
        "first_seen": st.column_config.DateColumn(t("q.first_seen"), format="YYYY-MM-DD"),
        "last_seen": st.column_config.DateColumn(t("q.last_seen"), format="YYYY-MM-DD"),
    },
)
selected = event.selection.rows if event is not None and hasattr(event, "selection") else []
if selected:
    st.switch_page("app_pages/ring.py", query_params={"id": table.iloc[selected[0]]["ring_id"]})

# Links to the first rings, for keyboard users and for sending a colleague a ring's address.
with st.container(horizontal=True):
    for rid in list(shown["ring_id"])[:12]:
        st.page_link("app_pages/ring.py", label=rid, query_params={"id": rid})

# Everything above is on screen. What the ring page needs is loading on a thread since the login
# page (started again here after a new ingest or detect); waiting for it here kept this page's run
# going, and a ring clicked meanwhile waited for it (the first ring took 2.4 s at a city-year).
data.warm_in_background(ws)

"""Ring page (``/ring?id=R0001``): network, evidence, claims, timeline, map, members, case.

Layout only: the data comes masked from the access guard through ``app.views.data``, the
drawing from ``app.netview`` and ``app.views.charts``.
"""

from __future__ import annotations

import streamlit as st

from app import netview
from app.i18n import label, lang, t
from app.views import charts, data, ringview, session
from app.views.export import XLSX_MIME, csv_bytes, display_frame, xlsx_bytes
from ringtrace import cases  # STATUSES

ws = session.workspace()
user = session.current_user()
guard = session.guard()
L = lang()

st.page_link("app_pages/queue.py", label=t("back_to_queue"))

from access.validate import BadParameter, ring_id as _valid_ring_id  # noqa: E402

raw_id = st.query_params.get("id")
if not raw_id:
    st.info(t("ring_missing"))
    st.stop()
try:
    rid = _valid_ring_id(raw_id)
except BadParameter as e:
    st.warning(e.message(L))
    st.stop()

rv = data.ring_view(ws, guard, user.role, rid)
if rv is None:
    st.warning(t("ring_not_found", ring_id=rid))
    st.stop()
ring = rv.ring  # guard.ring() recorded the view in the audit trail
status = guard.statuses().get(rid, "new")

st.title(t("ring_title", ring_id=rid) + f" · {label('pattern', ring.pattern)}")
st.caption(f"{t('m.period')}: {ring.first_seen} – {ring.last_seen}"
           + (f" · {', '.join(ring.districts)}" if ring.districts else ""))
m = st.columns(5)
m[0].metric(t("m.score"), f"{ring.score:.2f}")
m[1].metric(t("m.fund"), f"¥{ring.fund_amount:,.0f}")
m[2].metric(t("m.claims"), f"{len(ring.claim_ids):,}")
m[3].metric(t("m.members"), f"{sum(len(v) for v in ring.members.values()):,}")
m[4].metric(t("m.status"), label("status", status))

# --- network and neighbouring entities ------------------------------------------------------
st.subheader(t("network"))
left, right = st.columns([4, 1])
with left:
    weight = st.segmented_control(
        t("weight_by"), ["claims", "money"], default="claims", format_func=lambda w: t(f"weight.{w}"),
        key="ring_weight",
    ) or "claims"
    inst = data.institutions(ws)
    names = {}
    if inst is not None and not inst.empty and "name" in inst:
        names = {f"institution:{i}": str(n) for i, n in zip(inst["institution_id"], inst["name"]) if isinstance(n, str) and n}
    if rv.subgraph.truncated:
        st.warning(t("truncated", note=rv.subgraph.truncation_note(L)))
    page = netview.network_html(rv.subgraph, lang=L, weight=weight, height_px=560,
                                labels={k: v for k, v in names.items() if k.split(":", 1)[1] in set(ring.members.get("institutions", []))})
    st.iframe(page, height=580)
    st.caption(t("network_help"))
with right:
    st.markdown(f"**{t('neighbours')}**")
    st.caption(t("neighbours_help"))
    with st.container(height=560, border=False):
        for kind, eid, n in ringview.neighbour_links(rv.subgraph):
            st.page_link(
                "app_pages/entity.py", label=f"{label('kind', kind)} {guard.label(kind, eid)} · {n}",
                query_params={"type": kind, "id": eid},
            )

tabs = st.tabs([t("evidence"), t("claims"), t("timeline"), t("map"), t("members"), t("case")]
               + ([t("referral")] if guard.can("export_referral") else []))

# --- evidence: each sentence opens its claims ------------------------------------------------
with tabs[0]:
    for i, ev in enumerate(ring.evidence):
        text = ev.text_zh if L == "zh" else ev.text_en
        # The claims table is built only for an opened sentence: a ring has up to a few dozen
        # sentences, and a table per closed one cost every page view its rows and a grid each.
        box = st.expander(f"{text}  ({t('evidence_claims', n=len(ev.claim_ids))})", expanded=False,
                          key=f"ev_open_{rid}_{i}", on_change="rerun")
        if box.open:
            with box:
                sub = ringview.claims_for_evidence(rv.claims, ev.claim_ids)
                st.dataframe(display_frame(sub, L), hide_index=True, width="stretch", key=f"ev_{i}")

# --- claims table with exports ---------------------------------------------------------------
with tabs[1]:
    claims = rv.claims
    cap = 5000
    st.dataframe(display_frame(claims.head(cap), L), hide_index=True, width="stretch", key="claims_table")
    if len(claims) > cap:
        st.caption(t("claims_capped", shown=cap, total=len(claims)))
    if guard.can("export_claims"):
        # Generated on click (on a worker thread): the guard checks the permission and records
        # the export then, so the audit trail marks real downloads, not page views.
        def _csv(claims=claims, lang_=L):
            guard.record_export("claims", rid, {"format": "csv", "rows": len(claims)})
            return csv_bytes(claims, lang_)

        def _xlsx(claims=claims, lang_=L):
            guard.record_export("claims", rid, {"format": "xlsx", "rows": len(claims)})
            return xlsx_bytes(claims, lang_, sheet=rid)

        c1, c2, _ = st.columns([1, 1, 4])
        c1.download_button(t("export_csv"), _csv, file_name=f"{rid}_claims.csv", mime="text/csv", on_click="ignore", key="dl_csv")
        c2.download_button(t("export_xlsx"), _xlsx, file_name=f"{rid}_claims.xlsx", mime=XLSX_MIME, on_click="ignore", key="dl_xlsx")

# --- timeline ----------------------------------------------------------------------------------
with tabs[2]:
    st.caption(t("timeline_help"))
    if not rv.timeline.empty:
        st.altair_chart(charts.timeline_chart(rv.timeline, L), width="stretch")

# --- map ---------------------------------------------------------------------------------------
with tabs[3]:
    points = ringview.institutions_frame(data.institutions(ws), rv.claims)
    if points.empty:
        st.info(t("map_none"))
    else:
        st.altair_chart(charts.map_chart(points, L), width="stretch")

# --- members -------------------------------------------------------------------------------------
with tabs[4]:
    members = rv.members.assign(
        id=[guard.label(k, i) for k, i in zip(rv.members["kind"], rv.members["id"])],
        kind=rv.members["kind"].map(lambda k: label("kind", k)),
        role=rv.members["role"].map(lambda r: label("member_role", r) if r else ""),
    )
    st.dataframe(
        members.rename(columns={c: t(f"member.{c}") for c in ["kind", "id", "role", "claims"]} | {"fund_amount": t("member.fund")}),
        hide_index=True, width="stretch", key="members_table",
    )

# --- status and notes --------------------------------------------------------------------------
with tabs[5]:
    history = guard.status_history(rid)
    if guard.can("annotate"):
        with st.form("status_form"):
            new_status = st.selectbox(t("set_status"), list(cases.STATUSES), index=list(cases.STATUSES).index(status),
                                      format_func=lambda s: label("status", s))
            if st.form_submit_button(t("save_status")) and new_status != status:
                guard.set_status(rid, new_status)  # checks the permission, records the change
                st.success(t("status_saved", status=label("status", new_status)))
                st.rerun()
        with st.form("note_form", clear_on_submit=True):
            text = st.text_area(t("note"), max_chars=10_000)
            if st.form_submit_button(t("add_note")):
                if text.strip():
                    guard.add_note(rid, text)  # checks the permission, records the note
                    st.success(t("note_saved"))
                else:
                    st.warning(t("note_empty"))
    st.markdown(f"**{t('history')}**")
    for h in history:
        st.caption(t("history_line", at=h["at"], user=h["user"], status=label("status", h["status"])))
    notes = guard.notes(rid)  # masked for roles without view_identity
    if not notes:
        st.caption(t("notes_none"))
    for n in notes:
        with st.container(border=True):
            st.caption(t("note_line", at=n["at"], user=n["user"]))
            st.text(n["text"])

# --- police referral -----------------------------------------------------------------------------
if guard.can("export_referral"):
    with tabs[6]:
        key = f"referral_{rid}"
        if st.button(t("referral_build"), type="primary", key="referral_build"):
            import tempfile
            from pathlib import Path

            try:
                with st.spinner(t("referral_build")), tempfile.TemporaryDirectory(prefix="ringtrace-referral-") as tmp:
                    # The guard checks the police permission, builds the pack and records it.
                    pdf, xlsx = guard.export_referral(rid, Path(tmp))
                    st.session_state[key] = (Path(pdf).read_bytes(), Path(xlsx).read_bytes())
            except Exception as e:  # shown, not swallowed: the officer must know it failed
                st.error(t("referral_failed", msg=str(e)))
            else:
                st.success(t("referral_done"))
        if key in st.session_state:
            pdf_bytes, xlsx_bytes_ = st.session_state[key]
            c1, c2, _ = st.columns([1, 1, 3])
            c1.download_button(t("referral_pdf"), pdf_bytes, file_name=f"{rid}_referral.pdf", mime="application/pdf", on_click="ignore", key="dl_ref_pdf")
            c2.download_button(t("referral_xlsx"), xlsx_bytes_, file_name=f"{rid}_evidence.xlsx", mime=XLSX_MIME, on_click="ignore", key="dl_ref_xlsx")

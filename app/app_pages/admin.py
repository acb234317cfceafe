"""Admin page: the audit trail (read, filter, verify the hash chain) and the users (layout only).

Every read and change goes through the guard, which checks ``view_audit`` / ``manage_users``
and records it; personal ids in audit targets are masked for roles that may not see them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.i18n import label, lang, t
from app.views import session

guard = session.guard()
L = lang()

if not (guard.can("view_audit") or guard.can("manage_users")):
    st.warning(t("not_allowed"))
    st.stop()

if guard.can("view_audit"):
    st.title(t("audit_title"))
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    who = c1.text_input(t("audit_filter_user"), max_chars=64, key="audit_user").strip() or None
    from access.audit import ACTIONS

    action = c2.selectbox(t("audit_filter_action"), [""] + list(ACTIONS), key="audit_action") or None
    if c3.button(t("audit_verify"), key="audit_verify"):
        verdict = guard.audit_verify()
        if verdict.ok:
            st.success(t("audit_ok", n=verdict.entries))
        else:
            st.error(t("audit_broken", msg=verdict.message()))
    rows = guard.audit_entries(user=who, action=action, last=5000)
    frame = pd.DataFrame(rows, columns=["at", "user", "role", "action", "target", "detail"])
    frame["detail"] = frame["detail"].map(lambda d: "" if d in (None, {}) else str(d))
    st.dataframe(
        frame.iloc[::-1].rename(columns={c: t(f"audit.{c}") for c in frame.columns}),
        hide_index=True, width="stretch", height=420, key="audit_table",
    )

if guard.can("manage_users"):
    st.header(t("users_title"))
    from access.roles import ROLES

    users = guard.users()
    st.dataframe(
        pd.DataFrame(users, columns=["name", "role", "disabled", "created_at", "updated_at"]).assign(
            role=lambda d: d["role"].map(lambda r: label("role", r))
        ),
        hide_index=True, width="stretch", key="users_table",
    )
    with st.form("user_form", clear_on_submit=True):
        st.markdown(f"**{t('user_add')}**")
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(t("username"), max_chars=64)
        role = c2.selectbox(t("user_role"), list(ROLES), format_func=lambda r: label("role", r))
        password = c3.text_input(t("password"), type="password", max_chars=1024)
        if st.form_submit_button(t("user_add")):
            from access.users import UserError

            try:
                guard.add_user(name, role, password)
            except UserError as e:
                st.error(t("user_failed", msg=str(e)))
            else:
                st.success(t("user_saved", name=name.strip()))

"""Entry script of the app (``ringtrace app`` runs it with ``streamlit run``).

It sets the language switch, checks the login, and lets ``st.navigation`` pick the page from
the address: ``/`` the ring queue, ``/ring?id=R0001`` a ring, ``/entity?type=patient&id=…`` an
entity, ``/dashboard`` the leaders' dashboard, ``/admin`` the audit trail and users. While
nobody is logged in the login form is shown in place of the page the address names, and the
address is kept, so a link a colleague sent opens right after login.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import i18n
from app.i18n import t
from app.views import session

HERE = Path(__file__).parent

st.set_page_config(page_title="ringtrace", layout="wide", initial_sidebar_state="expanded")


def _language_switch() -> None:
    names = {"zh": "中文", "en": "English"}
    current = i18n.lang()
    choice = st.sidebar.radio(
        t("language"), list(i18n.LANGS), index=list(i18n.LANGS).index(current),
        format_func=names.get, horizontal=True, key="lang_choice",
    )
    if choice != current:
        i18n.set_lang(choice)
        st.rerun()


def _pages(user) -> list:
    from access.roles import can

    pages = [
        st.Page(HERE / "app_pages/queue.py", title=t("nav_queue"), url_path="queue", default=True),
        st.Page(HERE / "app_pages/ring.py", title=t("nav_ring"), url_path="ring", visibility="hidden"),
        st.Page(HERE / "app_pages/entity.py", title=t("nav_entity"), url_path="entity", visibility="hidden"),
    ]
    if user is None or can(user.role, "view_dashboard"):
        pages.append(st.Page(HERE / "app_pages/dashboard.py", title=t("nav_dashboard"), url_path="dashboard"))
    if user is None or can(user.role, "view_audit") or can(user.role, "manage_users"):
        pages.append(st.Page(HERE / "app_pages/admin.py", title=t("nav_admin"), url_path="admin"))
    return pages


_language_switch()
# Load the claims table and the drawing libraries on a thread now, while the user logs in.
from app.views import data  # noqa: E402

data.warm_in_background(session.workspace())
user = session.current_user()
page = st.navigation(_pages(user), position="sidebar" if user else "hidden")

if user is None:
    from app.app_pages import login

    login.render()
else:
    with st.sidebar:
        st.caption(t("signed_in_as", name=user.name, role=i18n.label("role", user.role)))
        if st.button(t("logout"), key="logout"):
            session.logout()
            st.rerun()
    try:
        page.run()
    finally:
        # The embedded store is opened read-only per request and closed at once, so a writer
        # (ringtrace ingest/detect) is never locked out and the next request sees its load.
        session.release()

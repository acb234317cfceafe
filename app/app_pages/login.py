"""Login page: inputs labelled 用户名 / 密码 (Username / Password in English).

The entry script shows this form in place of whatever page the address names while nobody is
logged in, so a shared link such as ``/ring?id=R0001`` opens that ring right after login.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from app.views import session

__all__ = ["render"]


def render() -> None:
    st.title(t("app_title"))
    if session.just_expired():
        st.warning(t("session_expired"))
    st.caption(t("login_intro"))
    with st.form("login", clear_on_submit=False):
        name = st.text_input(t("username"), key="login_name", max_chars=64)
        password = st.text_input(t("password"), type="password", key="login_password", max_chars=1024)
        submitted = st.form_submit_button(t("login_button"), type="primary")
    if not submitted:
        return
    if not name.strip() or not password:
        st.error(t("login_missing"))
        return
    from access.throttle import Throttled
    from access.users import LoginFailed

    try:
        session.login(name, password)
    except (LoginFailed, Throttled) as e:
        # The access module's messages are bilingual and say nothing about which part failed.
        st.error(str(e))
        return
    st.session_state.pop("login_password", None)
    st.rerun()


if __name__ == "__main__":  # run as a page by st.navigation
    render()

"""The browser session: workspace, login, expiry, the access guard and the audit helpers.

Pages never check a role themselves beyond choosing what to lay out: what data a role may see
is decided by :class:`access.guard.Guard`, which every read goes through and which records
every view, search, export, note and status change in the audit trail.
"""

from __future__ import annotations

import os

import streamlit as st

from ringtrace.workspace import Workspace

__all__ = [
    "workspace",
    "client_address",
    "login",
    "logout",
    "current_user",
    "guard",
    "can",
    "just_expired",
    "release",
]

_SESSION = "rt_session"
_EXPIRED = "rt_expired"


@st.cache_resource
def _workspace(root: str) -> Workspace:
    return Workspace(root)


def workspace() -> Workspace:
    """The workspace the launcher passed in ``RINGTRACE_HOME`` (one per server process)."""
    return _workspace(os.environ.get("RINGTRACE_HOME") or "./ringtrace-data")


def client_address() -> str:
    """The browser's address for login throttling ("local" when Streamlit cannot tell)."""
    try:
        return st.context.ip_address or "local"
    except Exception:  # AppTest and older runtimes have no request context
        return "local"


def login(name: str, password: str):
    """Authenticate (the access module records success or failure) and start a session.

    Raises ``access.users.LoginFailed`` or ``access.throttle.Throttled`` with a message fit
    to show.
    """
    from access.sessions import Session
    from access.users import authenticate

    from access.guard import Guard

    ws = workspace()
    user = authenticate(ws, name, password, address=client_address())
    # The guard holds the session, so expiry is checked where the data is read.
    # The guard reads the graph through the app's shared cache of store answers (keyed by the
    # data version); it still masks and records every read itself.
    from app.views.storecache import opener

    st.session_state[_SESSION] = Guard(ws, user, session=Session(user), store=opener(ws))
    st.session_state.pop(_EXPIRED, None)
    return user


def logout(reason: str = "logout") -> None:
    g = st.session_state.get(_SESSION)
    if g is not None:
        if reason == "logout":
            g.logout()  # records the logout in the audit trail
        else:
            from access import audit as _audit

            _audit.record(workspace(), g.user.name, g.user.role, "logout", g.user.name, {"reason": reason})
        g.close()
    st.session_state.pop(_SESSION, None)


def current_user():
    """The logged-in ``access.users.User``, or None (never logged in, or idle too long)."""
    g = st.session_state.get(_SESSION)
    if g is None:
        return None
    if g.expired():
        logout(reason="expired")
        st.session_state[_EXPIRED] = True
        return None
    g.touch()
    return g.user


def just_expired() -> bool:
    return bool(st.session_state.get(_EXPIRED))


def guard():
    """The session's :class:`access.guard.Guard` (made at login; it holds the session)."""
    g = st.session_state.get(_SESSION)
    if g is None or current_user() is None:
        raise RuntimeError("guard() needs a logged-in user; the app's entry script checks this first")
    return g


def release() -> None:
    """Close what the guard opened during this request (the graph store); it reopens on use."""
    g = st.session_state.get(_SESSION)
    if g is not None:
        g.close()


def can(permission: str) -> bool:
    from access.roles import can as _can

    user = current_user()
    return user is not None and _can(user.role, permission)

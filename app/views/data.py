"""Cached reads, keyed by the workspace version so new data is never served stale.

Everything a page shows is computed from the access guard's output; results are cached per
(workspace, version, role), because what the guard returns depends on the role only (masking),
never on the individual user. A ring's raw claims are read from the graph store by id (never
the whole year's table) and never shown as is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app.views import ringview

__all__ = [
    "RingView",
    "version",
    "rings",
    "ring_view",
    "institutions",
    "claims_by_id",
    "warm",
    "warm_in_background",
    "note_counts",
]


def version(ws) -> str:
    return ws.version()


def warm(ws) -> None:
    """Load what the first ring page needs now (on a thread: :func:`warm_in_background`), so the first
    ring opened is not slower than the next: the graph store's claim lookup, the rings file, the institutions,
    the network page's library and layout, and the chart library."""
    from app.netview import layout, vis_assets

    claims_by_id(ws, ["-"])  # opens the store and compiles the claim lookup; no claim has id "-"
    from access.guard import warm_rings

    warm_rings(ws)  # a city-year's rings.json takes a second to parse
    institutions(ws)
    vis_assets()
    layout(["a", "b"], [("a", "b")])
    _warm_charts()


_started: dict[tuple[str, str], threading.Thread] = {}
_started_lock = threading.Lock()


def warm_in_background(ws) -> None:
    """Start :func:`warm` on a thread, once per workspace version and server process.

    The entry script calls this on every run, the login page's first: the tables load while
    the user types the password, so neither the queue nor the first ring waits for them.
    A new version (after ingest or detect) warms again.
    """
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    key = (str(ws.root), ws.version())
    with _started_lock:
        if key in _started:
            return
        thread = threading.Thread(target=_warm_quietly, args=(ws,), name="ringtrace-warm", daemon=True)
        _started[key] = thread
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        add_script_run_ctx(thread, ctx)  # st.cache_* inside the thread without warnings
    thread.start()


def _warm_quietly(ws) -> None:
    try:
        warm(ws)
    except Exception:  # a page that needs the data reads it again and shows the error there
        pass


_charts_warm = False


def _warm_charts() -> None:
    # Altair's first chart imports its Vega-Lite schema validator; pay that once, off the click.
    global _charts_warm
    if _charts_warm:
        return
    import access.validate  # noqa: F401  the ring and entity pages' imports, compiled once here
    import app.views.export  # noqa: F401
    import ringtrace.cases  # noqa: F401
    from app.views import charts

    frame = pd.DataFrame({"member": ["P1"], "hour": pd.to_datetime(["2024-01-02 21:00"]),
                          "institution_id": ["H1"], "claims": [1], "fund_amount": [1.0]})
    charts.timeline_chart(frame, "zh").to_dict()
    _charts_warm = True


def claims_by_id(ws, claim_ids, store=None) -> pd.DataFrame:
    """Raw claims (analytic schema) with these ids, in settlement order; unknown ids skipped.

    Read from the graph store by primary key (``store``, or one opened for the call): a ring's
    thousands of claims in milliseconds, while holding a city-year's claims in a table took
    10 GiB and a minute to load. Ids the graph lacks (its load behind the analytic copy) are
    read from the Parquet copy.
    """
    from graph.store.base import Node
    from app.views.storecache import opener

    ids = sorted(set(map(str, claim_ids)))
    if not ids:
        return _empty_claims()
    own = store is None
    store = opener(ws)() if own else store
    try:
        found = store.claims_of([Node("claim", i) for i in ids], limit=len(ids))
    finally:
        if own:
            store.close()
    missing = sorted(set(ids) - set(found["claim_id"].astype(str)))
    if missing:
        found = pd.concat([found, _parquet_claims(ws, missing)], ignore_index=True)
    return found.sort_values(["settled_at", "claim_id"], kind="stable").reset_index(drop=True)


def _parquet_claims(ws, ids: list[str]) -> pd.DataFrame:
    import pyarrow.dataset as pads

    from ingest.analytic import CLAIM_SCHEMA, claim_files
    from ingest.columns import ANALYTIC_CLAIM_DTYPES

    files = [str(f) for f in claim_files(ws)]
    if not files:
        return _empty_claims()
    table = pads.dataset(files, schema=CLAIM_SCHEMA, format="parquet").to_table(
        filter=pads.field("claim_id").isin(ids))
    return table.to_pandas().astype(ANALYTIC_CLAIM_DTYPES)


@st.cache_resource(max_entries=8, show_spinner=False)
def _rings(root: str, version: str, role: str, _guard) -> tuple:
    # A resource, not data: st.cache_data unpickled every ring with its claim ids on each call
    # (0.9 s for a city-year's 3,698 rings, on every queue and entity page). The masked rings are
    # shared by the sessions of one role, so they are handed out as a tuple and never changed.
    return tuple(_guard.rings())


def rings(ws, guard, role: str) -> tuple:
    """The rings as the guard shows them to ``role``, highest score first (shared: do not change them)."""
    return _rings(str(ws.root), ws.version(), role, guard)


@dataclass
class RingView:
    """Everything the ring page draws, already masked for the role."""

    ring: object  # graph.detect.ring.Ring
    claims: pd.DataFrame
    subgraph: object  # graph.store.base.Subgraph
    members: pd.DataFrame
    timeline: pd.DataFrame


@st.cache_data(max_entries=32, show_spinner=False)
def _ring_parts(root: str, version: str, role: str, ring_id: str, _claim_ids: tuple, _ring, _guard, _ws):
    # The ring id and the version determine the claims; the ids themselves need not be hashed.
    raw = claims_by_id(_ws, _claim_ids, store=_guard.store) if _claim_ids else _empty_claims()
    sg = _guard.subgraph(ringview.ring_subgraph(raw))
    claims = _guard.claims(raw)
    return claims, sg, ringview.members_frame(_ring, claims), ringview.timeline_frame(claims)


def ring_view(ws, guard, role: str, ring_id: str) -> RingView | None:
    """The ring page's data, or None if there is no such ring.

    ``guard.ring`` runs on every call (it records the view in the audit trail); only the
    derived tables, computed by a guard of the same role, come from the cache.
    """
    ring = guard.ring(ring_id)
    if ring is None:
        return None
    claims, sg, members, timeline = _ring_parts(
        str(ws.root), ws.version(), role, ring.ring_id, tuple(map(str, ring.claim_ids)), ring, guard, ws
    )
    return RingView(ring=ring, claims=claims, subgraph=sg, members=members, timeline=timeline)


def _empty_claims() -> pd.DataFrame:
    from ingest.columns import ANALYTIC_CLAIM_DTYPES

    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ANALYTIC_CLAIM_DTYPES.items()})


@st.cache_data(max_entries=4, show_spinner=False)
def _institutions(root: str, version: str) -> pd.DataFrame | None:
    from ingest.analytic import read_reference
    from ringtrace.workspace import Workspace

    return read_reference(Workspace(root), "institutions")


def institutions(ws) -> pd.DataFrame | None:
    """The institutions reference file (not personal data: ids, names, kinds, coordinates)."""
    return _institutions(str(ws.root), ws.version())


def note_counts(ws) -> dict[str, int]:
    from ringtrace.cases import notes

    counts: dict[str, int] = {}
    for n in notes(ws):
        counts[n["ring_id"]] = counts.get(n["ring_id"], 0) + 1
    return counts

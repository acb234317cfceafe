"""Cached reads, keyed by the workspace version so new data is never served stale.

Everything a page shows is computed from the access guard's output; results are cached per
(workspace, version, role), because what the guard returns depends on the role only (masking),
never on the individual user. The raw claims table is held once per version as a shared
resource (``st.cache_resource``: no copy per read) and never shown as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from app.views import ringview

__all__ = [
    "RingView",
    "version",
    "rings",
    "ring_view",
    "institutions",
    "neighbourhood",
    "entity_summary",
    "claims_by_id",
    "note_counts",
]


def version(ws) -> str:
    return ws.version()


@st.cache_resource(max_entries=2, show_spinner=False)
def _claims_by_id(root: str, version: str) -> pd.DataFrame:
    from ingest.analytic import read_claims
    from ringtrace.workspace import Workspace

    df = read_claims(Workspace(root))
    return df.set_index(df["claim_id"].astype("string"), drop=False)


def claims_by_id(ws, claim_ids) -> pd.DataFrame:
    """Raw claims (analytic schema) with these ids, in settlement order; unknown ids skipped."""
    table = _claims_by_id(str(ws.root), ws.version())
    pos = table.index.get_indexer(pd.Index(list(map(str, claim_ids)), dtype="string"))
    out = table.iloc[pos[pos >= 0]].reset_index(drop=True)
    return out.sort_values(["settled_at", "claim_id"], kind="stable").reset_index(drop=True)


@st.cache_data(max_entries=8, show_spinner=False)
def _rings(root: str, version: str, role: str, _guard) -> list:
    return list(_guard.rings())


def rings(ws, guard, role: str) -> list:
    """The rings as the guard shows them to ``role``, highest score first."""
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
def _ring_view(root: str, version: str, role: str, ring_id: str, _guard, _ws) -> RingView | None:
    ring = _guard.ring(ring_id)
    if ring is None:
        return None
    raw = claims_by_id(_ws, ring.claim_ids) if ring.claim_ids else pd.DataFrame()
    if raw.empty:
        from ringtrace.workspace import Workspace  # noqa: F401  (kept for symmetry of imports)

        sg = ringview.ring_subgraph(_empty_claims())
        claims = _empty_claims()
    else:
        sg = _guard.subgraph(ringview.ring_subgraph(raw))
        claims = _guard.claims(raw)
    return RingView(
        ring=ring,
        claims=claims,
        subgraph=sg,
        members=ringview.members_frame(ring, claims),
        timeline=ringview.timeline_frame(claims) if not claims.empty else ringview.timeline_frame(_empty_claims()),
    )


def ring_view(ws, guard, role: str, ring_id: str) -> RingView | None:
    return _ring_view(str(ws.root), ws.version(), role, ring_id, guard, ws)


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


@st.cache_data(max_entries=64, show_spinner=False)
def _neighbourhood(root, version, role, type_, ref, hops, max_nodes, since, until, _guard):
    return _guard.neighbourhood(type_, ref, hops=hops, max_nodes=max_nodes, since=since, until=until)


def neighbourhood(ws, guard, role: str, type_: str, ref: str, hops: int, max_nodes: int,
                  since: datetime | None, until: datetime | None):
    return _neighbourhood(str(ws.root), ws.version(), role, type_, ref, hops, max_nodes, since, until, guard)


@st.cache_data(max_entries=64, show_spinner=False)
def _entity_summary(root, version, role, type_, ref, _guard):
    return _guard.entity_summary(type_, ref)


def entity_summary(ws, guard, role: str, type_: str, ref: str):
    return _entity_summary(str(ws.root), ws.version(), role, type_, ref, guard)


def note_counts(ws) -> dict[str, int]:
    from ringtrace.cases import notes

    counts: dict[str, int] = {}
    for n in notes(ws):
        counts[n["ring_id"]] = counts.get(n["ring_id"], 0) + 1
    return counts

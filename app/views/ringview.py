"""A ring's claims seen as a network, a timeline, a member table and institution points.

Pure functions over a claims DataFrame in the analytic schema (``ingest/columns.py``). The
network is built from raw claims and then handed to the access guard, which masks identities
in one place; the timeline and member tables are built from claims the guard already masked.

>>> import pandas as pd
>>> claims = pd.DataFrame({
...     "claim_id": ["X1", "X2", "X3"], "patient_id": ["P1", "P2", "P1"],
...     "card_id": ["C1", "C2", "C1"], "institution_id": ["H1", "H1", "H1"],
...     "doctor_id": ["D1", "D1", None], "operator_id": ["OP1", "OP1", "OP1"],
...     "settled_at": pd.to_datetime(["2024-01-02 21:05", "2024-01-02 21:09", "2024-01-09 21:01"]),
...     "total_amount": [100.0, 120.0, 90.0], "fund_amount": [80.0, 96.0, 72.0]})
>>> sg = ring_subgraph(claims)
>>> sorted((n.type, n.id) for n in sg.nodes)[:3]
[('card', 'C1'), ('card', 'C2'), ('doctor', 'D1')]
>>> {(e.source.id, e.target.id): e.claims for e in sg.edges if e.kind == "USED_AT"}
{('C1', 'H1'): 2, ('C2', 'H1'): 1}
>>> t = timeline_frame(claims)
>>> list(t["member"]), list(t["claims"])
(['P1', 'P1', 'P2'], [1, 1, 1])
"""

from __future__ import annotations

import pandas as pd

from graph.store.base import Edge, Node, Subgraph

__all__ = [
    "ring_subgraph",
    "timeline_frame",
    "members_frame",
    "institutions_frame",
    "neighbour_links",
    "claims_for_evidence",
]


def _present(series: pd.Series) -> pd.Series:
    return series.notna() & (series.astype("string").str.len() > 0)


def _edges(df: pd.DataFrame, a: str, b: str, ta: str, tb: str, kind: str) -> list[Edge]:
    cols = [a, b]
    sub = df[_present(df[a]) & _present(df[b])]
    if sub.empty:
        return []
    g = sub.groupby(cols, sort=True, observed=True).agg(
        claims=("claim_id", "size"),
        fund_amount=("fund_amount", "sum"),
        total_amount=("total_amount", "sum"),
        first=("settled_at", "min"),
        last=("settled_at", "max"),
    )
    out = []
    for (x, y), row in g.iterrows():
        out.append(
            Edge(
                Node(ta, str(x)), Node(tb, str(y)), kind,
                claims=int(row["claims"]),
                fund_amount=float(0.0 if pd.isna(row["fund_amount"]) else row["fund_amount"]),
                total_amount=float(0.0 if pd.isna(row["total_amount"]) else row["total_amount"]),
                first=None if pd.isna(row["first"]) else row["first"].to_pydatetime(),
                last=None if pd.isna(row["last"]) else row["last"].to_pydatetime(),
            )
        )
    return out


def ring_subgraph(claims: pd.DataFrame, operators: bool = True, max_nodes: int = 1000) -> Subgraph:
    """The entities of these claims and the claims between them.

    Edges: patient–card (HOLDS) where a card differs from the patient id, card–institution
    (USED_AT: where the swipe happened, which is what card collection is about), patient–doctor
    (TREATED), doctor–institution (WORKS_AT) and, with ``operators``, operator–institution
    (OPERATES: the cashier account behind a burst).

    Beyond ``max_nodes`` entities the ones in the fewest claims are left out (institutions,
    doctors and operators first kept: they are few and hold the structure) and the subgraph
    says it was truncated, so a very large community still draws in a browser.
    """
    df = claims.copy()
    if "fund_amount" in df:
        df["fund_amount"] = df["fund_amount"].fillna(0.0)
    else:
        df["fund_amount"] = 0.0
    if "total_amount" not in df:
        df["total_amount"] = 0.0
    if "card_id" not in df:
        df["card_id"] = df["patient_id"]
    df["card_id"] = df["card_id"].fillna(df["patient_id"])
    has_card = df["card_id"].astype("string") != df["patient_id"].astype("string")

    edges: list[Edge] = []
    edges += _edges(df[has_card], "patient_id", "card_id", "patient", "card", "HOLDS")
    edges += _edges(df[has_card], "card_id", "institution_id", "card", "institution", "USED_AT")
    edges += _edges(df[~has_card], "patient_id", "institution_id", "patient", "institution", "VISITED")
    if "doctor_id" in df:
        edges += _edges(df, "patient_id", "doctor_id", "patient", "doctor", "TREATED")
        edges += _edges(df, "doctor_id", "institution_id", "doctor", "institution", "WORKS_AT")
    if operators and "operator_id" in df:
        edges += _edges(df, "operator_id", "institution_id", "operator", "institution", "OPERATES")

    nodes: dict[tuple[str, str], Node] = {}
    for e in edges:
        for n in (e.source, e.target):
            nodes.setdefault((n.type, n.id), n)
    for pid in df["patient_id"].dropna().astype(str).unique():
        nodes.setdefault(("patient", pid), Node("patient", pid))
    total = len(nodes)
    if total > max_nodes:
        weight: dict[tuple[str, str], int] = {}
        for e in edges:
            for n in (e.source, e.target):
                weight[(n.type, n.id)] = weight.get((n.type, n.id), 0) + e.claims
        few = {"institution": 0, "doctor": 1, "operator": 2}
        keep = sorted(nodes, key=lambda k: (few.get(k[0], 3), -weight.get(k, 0), k))[:max_nodes]
        kept = set(keep)
        nodes = {k: nodes[k] for k in keep}
        edges = [e for e in edges if (e.source.type, e.source.id) in kept and (e.target.type, e.target.id) in kept]
    ordered = sorted(nodes.values(), key=lambda n: (n.type, n.id))
    return Subgraph(nodes=ordered, edges=edges, total_nodes=total, truncated=total > len(ordered))


def timeline_frame(claims: pd.DataFrame, member: str = "patient_id") -> pd.DataFrame:
    """Claims per member and hour: what the timeline draws.

    Columns: member, hour (the settlement time floored to the hour), institution_id, claims,
    fund_amount, sorted by member then hour. Members whose dots line up at the same hours are
    settling in step, which is what a card-collection burst or an admission wave looks like.
    """
    cols = ["member", "hour", "institution_id", "claims", "fund_amount"]
    if claims.empty:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(
        {
            "member": claims[member].astype("string").fillna(""),
            "hour": pd.to_datetime(claims["settled_at"]).dt.floor("h"),
            "institution_id": claims["institution_id"].astype("string").fillna(""),
            "fund_amount": claims["fund_amount"].fillna(0.0) if "fund_amount" in claims else 0.0,
        }
    )
    g = (
        df.groupby(["member", "hour", "institution_id"], sort=True, observed=True)
        .agg(claims=("fund_amount", "size"), fund_amount=("fund_amount", "sum"))
        .reset_index()
    )
    return g[cols].sort_values(["member", "hour"], kind="stable").reset_index(drop=True)


_KIND_COLUMN = {
    "patients": ("patient", "patient_id"),
    "cards": ("card", "card_id"),
    "doctors": ("doctor", "doctor_id"),
    "institutions": ("institution", "institution_id"),
    "operators": ("operator", "operator_id"),
}


def members_frame(ring, claims: pd.DataFrame) -> pd.DataFrame:
    """One row per ring member: kind, id, role, claims and fund amount within the ring.

    ``ring`` and ``claims`` must come from the same guard so their ids agree (both full or
    both masked).
    """
    rows = []
    for group, ids in ring.members.items():
        kind, col = _KIND_COLUMN.get(group, (group.rstrip("s"), None))
        stats = None
        if col is not None and col in claims and not claims.empty:
            stats = claims.groupby(claims[col].astype("string"), observed=True)["fund_amount"].agg(["size", "sum"])
        for mid in ids:
            n, fund = 0, 0.0
            if stats is not None and mid in stats.index:
                n, fund = int(stats.loc[mid, "size"]), float(stats.loc[mid, "sum"])
            role = ring.roles.get(f"{kind}:{mid}", "")
            rows.append({"kind": kind, "id": mid, "role": role, "claims": n, "fund_amount": round(fund, 2)})
    df = pd.DataFrame(rows, columns=["kind", "id", "role", "claims", "fund_amount"])
    return df.sort_values(["kind", "fund_amount"], ascending=[True, False], kind="stable").reset_index(drop=True)


def institutions_frame(institutions: pd.DataFrame | None, claims: pd.DataFrame) -> pd.DataFrame:
    """The ring's institutions with coordinates, claims and fund amount (for the map).

    Rows without both coordinates are dropped; the map is drawn only when some remain.
    """
    cols = ["institution_id", "name", "region", "lat", "lon", "claims", "fund_amount"]
    if institutions is None or institutions.empty or claims.empty or "lat" not in institutions:
        return pd.DataFrame(columns=cols)
    per = claims.groupby(claims["institution_id"].astype("string"), observed=True)["fund_amount"].agg(["size", "sum"])
    ref = institutions.copy()
    ref["institution_id"] = ref["institution_id"].astype("string")
    ref = ref[ref["institution_id"].isin(per.index)]
    ref = ref.assign(
        lat=pd.to_numeric(ref["lat"], errors="coerce"),
        lon=pd.to_numeric(ref["lon"], errors="coerce"),
    ).dropna(subset=["lat", "lon"])
    if ref.empty:
        return pd.DataFrame(columns=cols)
    ref["claims"] = ref["institution_id"].map(per["size"]).astype(int)
    ref["fund_amount"] = ref["institution_id"].map(per["sum"]).astype(float).round(2)
    for c in ("name", "region"):
        if c not in ref:
            ref[c] = ""
    return ref[cols].reset_index(drop=True)


def neighbour_links(subgraph, exclude: set[tuple[str, str]] = frozenset(), limit: int = 60) -> list[tuple[str, str, int]]:
    """(type, id, claims) of linkable entities in a subgraph, most claims first.

    Only the four entity types the entity page serves; operators and claims are not pages.
    """
    from graph.store.base import ENTITY_TYPES

    weight: dict[tuple[str, str], int] = {}
    for e in subgraph.edges:
        for n in (e.source, e.target):
            if n.type in ENTITY_TYPES and (n.type, n.id) not in exclude:
                weight[(n.type, n.id)] = weight.get((n.type, n.id), 0) + int(e.claims or 0)
    for n in subgraph.nodes:
        if n.type in ENTITY_TYPES and (n.type, n.id) not in exclude:
            weight.setdefault((n.type, n.id), 0)
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(t, i, c) for (t, i), c in ranked[:limit]]


def claims_for_evidence(claims: pd.DataFrame, claim_ids) -> pd.DataFrame:
    """The rows of ``claims`` named by one evidence sentence, in settlement order."""
    wanted = set(map(str, claim_ids))
    sub = claims[claims["claim_id"].astype("string").isin(wanted)]
    return sub.sort_values("settled_at", kind="stable") if "settled_at" in sub else sub

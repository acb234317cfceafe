from __future__ import annotations

import pandas as pd

from app.views.ringview import (
    claims_for_evidence,
    institutions_frame,
    members_frame,
    neighbour_links,
    ring_subgraph,
    timeline_frame,
)
from graph.detect.ring import Ring


def _claims() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["X1", "X2", "X3", "X4", "X5"],
            "patient_id": ["P1", "P2", "P3", "P1", "P4"],
            "card_id": ["C1", "C2", "C3", "C1", "P4"],  # P4 has no separate card
            "institution_id": ["H1", "H1", "H1", "H2", "H2"],
            "doctor_id": pd.array([None, None, None, "D1", "D1"], dtype="string"),
            "operator_id": ["OP1", "OP1", "OP1", "OP2", "OP2"],
            "settled_at": pd.to_datetime(
                ["2024-01-02 21:05", "2024-01-02 21:20", "2024-01-02 21:40", "2024-02-01 09:00", "2024-02-01 10:30"]
            ),
            "total_amount": [100.0, 100.0, 100.0, 500.0, 300.0],
            "fund_amount": [80.0, 80.0, 80.0, 400.0, None],
        }
    )


def test_subgraph_edges_and_totals():
    sg = ring_subgraph(_claims())
    by = {(e.kind, e.source.id, e.target.id): e for e in sg.edges}
    assert by[("USED_AT", "C1", "H1")].claims == 1
    assert by[("USED_AT", "C1", "H2")].fund_amount == 400.0
    assert by[("HOLDS", "P1", "C1")].claims == 2
    # a patient without a separate card is linked to the institution directly
    assert ("VISITED", "P4", "H2") in by and not any(k[0] == "HOLDS" and k[1] == "P4" for k in by)
    assert by[("TREATED", "P1", "D1")].claims == 1
    assert by[("WORKS_AT", "D1", "H2")].claims == 2
    assert by[("OPERATES", "OP1", "H1")].claims == 3
    assert by[("OPERATES", "OP1", "H1")].first == pd.Timestamp("2024-01-02 21:05").to_pydatetime()
    kinds = {n.type for n in sg.nodes}
    assert kinds == {"patient", "card", "institution", "doctor", "operator"}
    assert len({(n.type, n.id) for n in sg.nodes}) == len(sg.nodes) == sg.total_nodes
    assert not sg.truncated


def test_timeline_groups_by_member_and_hour():
    t = timeline_frame(_claims())
    p1 = t[t["member"] == "P1"]
    assert list(p1["hour"]) == [pd.Timestamp("2024-01-02 21:00"), pd.Timestamp("2024-02-01 09:00")]
    assert t["claims"].sum() == 5
    # three members at the same hour: the synchrony the chart is for
    assert t[t["hour"] == pd.Timestamp("2024-01-02 21:00")]["member"].nunique() == 3
    assert timeline_frame(_claims().iloc[0:0]).empty


def test_members_with_roles_and_amounts():
    ring = Ring("R1", 0.9, "card_collection", {"patients": ["P1", "P2"], "institutions": ["H1"], "operators": ["OP1"]},
                ["X1", "X2"], 160.0, "2024-01-02", "2024-01-02", roles={"institution:H1": "organiser"})
    m = members_frame(ring, _claims())
    row = m[(m["kind"] == "patient") & (m["id"] == "P1")].iloc[0]
    assert row["claims"] == 2 and row["fund_amount"] == 480.0
    assert m[m["id"] == "H1"].iloc[0]["role"] == "organiser"
    assert m[m["id"] == "OP1"].iloc[0]["claims"] == 3


def test_institutions_frame_drops_missing_coordinates():
    ref = pd.DataFrame({"institution_id": ["H1", "H2", "H9"], "name": ["甲", "乙", "丙"], "region": ["定海区", "普陀区", "x"],
                        "lat": [30.0, None, 29.0], "lon": [122.1, 122.3, 121.0]})
    f = institutions_frame(ref, _claims())
    assert list(f["institution_id"]) == ["H1"]
    assert f.iloc[0]["claims"] == 3 and f.iloc[0]["fund_amount"] == 240.0
    assert institutions_frame(None, _claims()).empty


def test_neighbour_links_rank_by_claims_and_skip_operators():
    sg = ring_subgraph(_claims())
    links = neighbour_links(sg, exclude={("institution", "H1")})
    assert ("institution", "H1") not in {(t, i) for t, i, _ in links}
    assert all(t != "operator" for t, _, _ in links)
    weights = [c for _, _, c in links]
    assert weights == sorted(weights, reverse=True)


def test_claims_for_evidence_in_time_order():
    sub = claims_for_evidence(_claims(), ["X4", "X1", "NOPE"])
    assert list(sub["claim_id"]) == ["X1", "X4"]


def test_large_ring_is_capped_keeping_the_structure():
    n = 60
    claims = pd.DataFrame({
        "claim_id": [f"X{i}" for i in range(n)],
        "patient_id": [f"P{i}" for i in range(n)],
        "card_id": [f"C{i}" for i in range(n)],
        "institution_id": ["H1"] * n,
        "doctor_id": pd.array([None] * n, dtype="string"),
        "operator_id": ["OP1"] * n,
        "settled_at": pd.to_datetime(["2024-01-02 21:05"] * n),
        "total_amount": [1.0] * n, "fund_amount": [1.0] * n,
    })
    full = ring_subgraph(claims)
    assert full.total_nodes == 2 * n + 2 and not full.truncated
    sg = ring_subgraph(claims, max_nodes=20)
    assert len(sg.nodes) == 20 and sg.total_nodes == 2 * n + 2 and sg.truncated
    kept = {(x.type, x.id) for x in sg.nodes}
    assert ("institution", "H1") in kept and ("operator", "OP1") in kept
    assert all((e.source.type, e.source.id) in kept and (e.target.type, e.target.id) in kept for e in sg.edges)
    assert "20" in sg.truncation_note("en")

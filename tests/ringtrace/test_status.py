import json

from ringtrace.cli import main
from ringtrace.status import format_status, gather_status

KEYS = ("claims", "patients", "cards", "doctors", "institutions", "rings", "quarantined")


def test_empty_workspace_is_all_zero(fresh_ws, capsys):
    assert main(["--home", str(fresh_ws.root), "status", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert all(s[k] == 0 and isinstance(s[k], int) for k in KEYS)


def test_counts_after_ingest_and_rings(fresh_ws, tmp_path, capsys):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,patient_id,card_id,institution_id,doctor_id,settled_at,total_amount\n"
        "C1,P1,K1,H1,D1,2024-01-01 10:00:00,10\n"
        "C2,P1,,H2,,2024-01-02 10:00:00,20\n"
        "C3,P2,K9,H1,D2,2024-01-03 10:00:00,-1\n",
        encoding="utf-8",
    )
    (tmp_path / "institutions.csv").write_text("institution_id,name\nH3,三院\n", encoding="utf-8")
    assert main(["--home", str(fresh_ws.root), "ingest", str(claims), str(tmp_path / "institutions.csv")]) == 0
    fresh_ws.rings_json.write_text(json.dumps({"generated_at": "x", "rings": [{"ring_id": "R1"}, {"ring_id": "R2"}]}))
    capsys.readouterr()
    s = gather_status(fresh_ws)
    # cards: K1, and P1 (C2 had no card and no patients file: the patient id stands in)
    assert {k: s[k] for k in KEYS} == {"claims": 2, "patients": 1, "cards": 2, "doctors": 1,
                                       "institutions": 3, "rings": 2, "quarantined": 1}
    assert "团伙 rings" in format_status(s)
    assert main(["--home", str(fresh_ws.root), "status"]) == 0
    assert "quarantine.csv" in capsys.readouterr().out
    # ingest loaded the graph store too, and status shows it in step with the analytic copy
    g = s["graph"]
    assert g["store"] == "ladybug"
    assert {k: g[k] for k in ("claims", "patients", "cards", "doctors", "institutions")} == {
        "claims": 2, "patients": 1, "cards": 2, "doctors": 1, "institutions": 3}


def test_graph_behind_the_analytic_copy_is_reported(fresh_ws, tmp_path, monkeypatch, capsys):
    import graph.store.sync

    claims = tmp_path / "claims.csv"
    claims.write_text("claim_id,patient_id,institution_id,settled_at,total_amount\n"
                      "C1,P1,H1,2024-01-01 10:00:00,10\n", encoding="utf-8")
    # the graph load is skipped (as if it had failed after the analytic commit)
    monkeypatch.setattr(graph.store.sync, "sync_graph", lambda ws, store=None: 0)
    assert main(["--home", str(fresh_ws.root), "ingest", str(claims)]) == 0
    capsys.readouterr()
    s = gather_status(fresh_ws)
    assert s["claims"] == 1 and s["graph"]["claims"] == 0
    assert "behind by 1 claims" in format_status(s)
    monkeypatch.undo()
    # the next ingest, even of the same file, catches the graph up
    assert main(["--home", str(fresh_ws.root), "ingest", str(claims)]) == 0
    assert gather_status(fresh_ws)["graph"]["claims"] == 1

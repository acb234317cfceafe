"""The guard over an in-memory city: what each role receives, and what is recorded."""

import sys
import types

import pandas as pd
import pytest

from access.audit import entries, verify
from access.guard import Guard, SessionExpired, warm_rings
from access.sessions import Session
from access.users import User
from access.validate import BadParameter, is_token
from ringtrace.errors import AccessDenied


def _leaks(obj, identities) -> list[str]:
    text = repr(obj)
    if isinstance(obj, pd.DataFrame):
        text += obj.to_csv()
    return [s for s in identities if s in text]


def test_leader_rings_carry_tokens_and_masked_evidence(city_guard, city):
    g = city_guard("leader")
    rings = g.rings()
    assert [r.ring_id for r in rings] == ["R0001", "R0002"]
    assert _leaks(rings, city.identities) == []
    r = rings[0]
    assert all(is_token(t) for t in r.members["patients"] + r.members["cards"])
    assert r.members["doctors"] == ["D01"] and r.members["institutions"] == ["H001"]
    assert r.members["operators"] == ["OP7"]
    assert "3309**********5678" in r.evidence[0].text_zh and "6222***********0123" in r.evidence[0].text_en
    assert "138****5678" in r.evidence[0].text_zh
    assert f"patient:{r.members['patients'][0]}" in r.roles and "doctor:D01" in r.roles
    # The same person has the same token in every read.
    assert g.rings()[0].members == r.members
    assert g.label("patient", r.members["patients"][0]) == "3309**********1234"


def test_investigator_sees_identities(city_guard, city):
    g = city_guard("investigator")
    r = g.ring("R0001")
    assert r.members["patients"][0] == city.patients.patient_id[0]
    assert city.patients.card_id[0] in r.evidence[0].text_en
    sg = g.neighbourhood("patient", city.patients.patient_id[0], hops=1)
    assert {n.id for n in sg.nodes} >= {city.patients.patient_id[0], city.patients.card_id[0], "D01"}
    assert any(n.props.get("name") == "张三" for n in sg.nodes)


def test_leader_follows_a_member_by_token_and_sees_only_masked_data(city_guard, city):
    g = city_guard("leader")
    token = g.rings()[0].members["patients"][0]
    sg = g.neighbourhood("patient", token, hops=2, max_nodes=50)
    assert sg.nodes and _leaks(sg, city.identities) == []
    me = next(n for n in sg.nodes if n.id == token)
    assert me.props["label"] == "3309**********1234" and me.props["name"] == "张*"
    assert me.props["phone"] == "138****5678" and "holder_note" not in me.props
    assert {n.id for n in sg.nodes if n.type == "doctor"} >= {"D01"}
    # Tokens from the network open the next page too.
    card = next(n for n in sg.nodes if n.type == "card")
    assert is_token(card.id) and g.neighbourhood("card", card.id).nodes
    # The store was asked with the real id; the audit names it, for accountability.
    assert ("neighbourhood", "patient", city.patients.patient_id[0], 2, 50) in city_guard.store.calls
    assert entries(city_guard.ws)[-1]["target"] == f"card:{city.patients.card_id[0]}"


def test_leader_cannot_use_a_raw_id_or_a_foreign_token(city_guard, city):
    g = city_guard("leader")
    with pytest.raises(AccessDenied):
        g.neighbourhood("patient", city.patients.patient_id[0])
    with pytest.raises(AccessDenied):
        g.entity("card", city.patients.card_id[0])
    with pytest.raises(BadParameter):
        g.neighbourhood("patient", "t_" + "a" * 20)
    token = g.rings()[0].members["patients"][0]
    with pytest.raises(BadParameter):  # a patient's token is not a card's
        g.neighbourhood("card", token)
    assert any(e["action"] == "access_denied" for e in entries(city_guard.ws))


def test_leader_search_finds_doctors_and_institutions_not_people(city_guard, city):
    g = city_guard("leader")
    for probe in (city.patients.patient_id[0], city.patients.patient_id[0][:6], city.patients.card_id[0][:8]):
        assert g.find(probe) == []
    assert [n.id for n in g.find("D0")] == ["D01", "D02"]
    token = g.rings()[0].members["cards"][0]
    hit = g.find(token)
    assert [(n.type, n.id) for n in hit] == [("card", token)] and _leaks(hit, city.identities) == []
    assert all(c[2] == ("doctor", "institution") for c in city_guard.store.calls if c[0] == "find")
    searches = [e for e in entries(city_guard.ws) if e["action"] == "search"]
    assert len(searches) == 5


def test_investigator_search_finds_people(city_guard, city):
    g = city_guard("investigator")
    assert [n.id for n in g.find("33090219")][:1] == [city.patients.patient_id[0]]


def test_claims_agree_with_ring_members_for_every_role(city_guard, city):
    for role in ("leader", "investigator"):
        g = city_guard(role)
        ring = g.ring("R0001")
        df = g.ring_claims("R0001")
        assert len(df) == 9
        assert set(df["patient_id"]) == set(ring.members["patients"])
        assert set(df["card_id"]) == set(ring.members["cards"])
        assert list(df["institution_id"].unique()) == ["H001"]
        if role == "leader":
            assert _leaks(df, city.identities) == []


def test_unknown_frame_columns_are_masked_for_leaders(city_guard, city):
    g = city_guard("leader")
    df = city.claims.head(3).assign(
        patient_name=["张三"] * 3, holder_phone=["13812345678"] * 3, remark=["身份证 330902199001011234"] * 3,
        institution_name=["舟山医院"] * 3)
    out = g.claims(df)
    assert _leaks(out, city.identities) == []
    assert list(out["patient_name"]) == ["张*"] * 3 and list(out["institution_name"]) == ["舟山医院"] * 3
    rows = g.patients(city.patients)
    assert _leaks(rows, city.identities) == [] and list(rows["birth_year"]) == list(city.patients.birth_year)
    assert g.claims(df) is not df and city_guard("police").claims(df) is df


def test_entity_summary_and_reference(city_guard, city):
    g = city_guard("leader")
    token = g.rings()[1].members["patients"][0]
    s = g.entity("patient", token)
    assert s.claims == 3 and _leaks(s, city.identities) == []
    row = g.patient(token)
    assert row["name"] == "王*" and row["patient_id"] == token
    assert _leaks(g.entity_claims("patient", token), city.identities) == []
    assert city_guard("police").patient(city.patients.patient_id[3])["name"] == "王五"


def test_views_are_audited_once_per_look(city_guard):
    g = city_guard("investigator", "wang")
    for _ in range(5):  # a page rerun five times
        g.ring("R0001")
    g.ring("R0002")
    views = [(e["user"], e["role"], e["target"]) for e in entries(city_guard.ws) if e["action"] == "view_ring"]
    assert views == [("wang", "investigator", "R0001"), ("wang", "investigator", "R0002")]
    assert verify(city_guard.ws).ok


def test_exports_need_the_permission_and_are_recorded(city_guard, city, monkeypatch):
    with pytest.raises(AccessDenied):
        city_guard("leader").export_claims(city.claims, "csv", target="R0001")
    data = city_guard("investigator").export_claims(city.claims, "csv", target="R0001")
    assert data.startswith(b"\xef\xbb\xbf") and city.patients.patient_id[0].encode() in data
    assert city_guard("police").export_claims(city.claims, "xlsx")[:2] == b"PK"
    with pytest.raises(AccessDenied):
        city_guard("investigator").export_referral("R0001", "/tmp/x")
    with pytest.raises(AccessDenied):
        city_guard("investigator").record_export("referral", "R0001")

    built = []
    fake = types.ModuleType("reports.referral.build")
    fake.build_pack = lambda ws, rid, out, user=None: built.append((rid, user.name)) or ("a.pdf", "b.xlsx")
    monkeypatch.setitem(sys.modules, "reports.referral.build", fake)
    assert city_guard("police", "zhao").export_referral("R0001", "/tmp/x") == ("a.pdf", "b.xlsx")
    assert built == [("R0001", "zhao")]
    acts = [(e["action"], e["role"]) for e in entries(city_guard.ws)]
    assert ("access_denied", "leader") in acts and ("export", "investigator") in acts
    assert ("referral", "police") in acts


def test_only_annotating_roles_write_notes_and_leaders_read_them_masked(city_guard, city):
    inv = city_guard("investigator")
    inv.add_note("R0001", f"问过 {city.patients.patient_id[1]}，电话 13987654321")
    inv.set_status("R0001", "under_review")
    with pytest.raises(AccessDenied):
        city_guard("leader").add_note("R0001", "fine")
    with pytest.raises(AccessDenied):
        city_guard("leader").set_status("R0001", "dismissed")
    with pytest.raises(BadParameter):
        inv.set_status("R0001", "bogus")
    leader_notes = city_guard("leader").notes("R0001")
    assert len(leader_notes) == 1 and _leaks(leader_notes, city.identities) == []
    assert "3309**********5678" in leader_notes[0]["text"]
    assert city.patients.patient_id[1] in inv.notes("R0001")[0]["text"]
    assert city_guard("leader").statuses() == {"R0001": "under_review"}


def test_admin_manages_users_and_reads_a_masked_audit(city_guard, city):
    inv = city_guard("investigator")
    inv.neighbourhood("patient", city.patients.patient_id[0])
    admin = city_guard("admin", "root")
    admin.add_user("zhou", "leader", "long-enough-pw")
    assert [u["name"] for u in admin.users()] == ["zhou"]
    admin.set_disabled("zhou")
    with pytest.raises(BadParameter):
        admin.set_disabled("root")
    rows = admin.audit_entries()
    assert _leaks(rows, city.identities) == []
    assert any(e["target"] == "patient:3309**********1234" for e in rows)
    assert any(e["action"] == "user_change" and e["user"] == "root" and e["role"] == "admin" for e in rows)
    assert admin.audit_verify().ok
    for role in ("leader", "investigator", "police"):
        with pytest.raises(AccessDenied):
            city_guard(role).users()
        with pytest.raises(AccessDenied):
            city_guard(role).audit_entries()
        with pytest.raises(AccessDenied):
            city_guard(role).add_user("x", "admin", "long-enough-pw")


def test_sessions_expire_after_inactivity(city_guard):
    g = Guard(city_guard.ws, User("wang", "investigator"), session=Session(User("wang", "investigator"), idle_s=60, now=0.0),
              store=city_guard.store, rings=lambda: [])
    assert g.expired()
    with pytest.raises(SessionExpired):
        g.touch()
    for read in (g.rings, lambda: g.ring("R0001"), lambda: g.find("D0"), lambda: g.neighbourhood("doctor", "D01")):
        with pytest.raises(SessionExpired):
            read()
    g2 = city_guard("investigator")
    g2.touch()
    assert not g2.expired()
    g2.logout()
    assert g2.expired() and entries(city_guard.ws)[-1]["action"] == "logout"


def test_unknown_role_is_refused(fresh_ws):
    with pytest.raises(AccessDenied):
        Guard(fresh_ws, User("x", "superuser"), rings=lambda: [])


def test_rings_from_the_workspace_file(fresh_ws, city):
    from graph.detect.ring import write_rings_json

    write_rings_json(city.rings(), fresh_ws.rings_json)
    g = Guard(fresh_ws, User("li", "leader"))
    assert _leaks(g.rings(), city.identities) == [] and len(g.rings()) == 2
    assert Guard(fresh_ws, User("wang", "investigator")).rings()[0].members["patients"][0] == city.patients.patient_id[0]


def test_one_ring_comes_from_the_newest_rings_file_and_each_caller_gets_a_copy(fresh_ws, city):
    """Opening a ring reads rings.json once per version (a city-year's is 69 MB), not per open."""
    import dataclasses
    import os

    from graph.detect.ring import write_rings_json

    rings = city.rings()
    write_rings_json(rings, fresh_ws.rings_json)
    g = Guard(fresh_ws, User("wang", "investigator"))
    first = g.ring(rings[0].ring_id)
    assert first.members == rings[0].members and g.ring("R9999") is None
    first.members["patients"].append("TAMPERED")  # the caller's copy, not the kept one
    assert "TAMPERED" not in g.ring(rings[0].ring_id).members["patients"]
    # a new detection run replaces the file: the next open sees the new ring
    changed = [dataclasses.replace(rings[0], score=0.123)] + list(rings[1:])
    write_rings_json(changed, fresh_ws.rings_json)
    st = fresh_ws.rings_json.stat()
    os.utime(fresh_ws.rings_json, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert g.ring(rings[0].ring_id).score == 0.123


def test_the_rings_file_is_parsed_once_by_callers_at_the_same_moment(fresh_ws, city, monkeypatch):
    """The login's warm-up and the queue ask for the rings together: one parse, not two side by side."""
    import threading
    import time

    from graph.detect import ring as ring_mod
    from graph.detect.ring import write_rings_json

    write_rings_json(city.rings(), fresh_ws.rings_json)
    parses = []
    real = ring_mod.read_rings_json

    def slow_read(path):
        parses.append(path)
        time.sleep(0.3)
        return real(path)

    monkeypatch.setattr(ring_mod, "read_rings_json", slow_read)
    got = []
    callers = [threading.Thread(target=lambda: got.append(len(Guard(fresh_ws, User("wang", "investigator")).rings())))
               for _ in range(3)]
    callers.append(threading.Thread(target=lambda: warm_rings(fresh_ws)))
    for t in callers:
        t.start()
    for t in callers:
        t.join(10)
    assert got == [2, 2, 2] and len(parses) == 1


def test_fields_a_detector_adds_later_are_scrubbed(fresh_ws, city):
    import dataclasses

    from graph.detect.ring import Ring

    @dataclasses.dataclass
    class WiderRing(Ring):
        hubs: list = dataclasses.field(default_factory=list)
        note: str = ""

    base = city.rings()[0]
    pid = city.patients.patient_id[0]
    wide = WiderRing(**{f.name: getattr(base, f.name) for f in dataclasses.fields(Ring)},
                     hubs=[pid, {"card": city.patients.card_id[0]}], note=f"hub {pid}")
    g = Guard(fresh_ws, User("li", "leader"), rings=lambda: [wide])
    r = g.rings()[0]
    assert _leaks(r, city.identities) == []
    assert r.hubs[0] == r.members["patients"][0]


def test_holder_ids_on_other_nodes_become_tokens(fresh_ws, city):
    from graph.store.base import Node, Subgraph

    pid = city.patients.patient_id[0]
    sg = Subgraph([Node("claim", "X1", {"patient_id": pid, "phone": "13812345678"}), Node("doctor", "D01", {"name": "李医生"})],
                  [], 2, False)
    out = Guard(fresh_ws, User("li", "leader"), rings=lambda: []).subgraph(sg)
    assert _leaks(out, city.identities) == [] and is_token(out.nodes[0].props["patient_id"])
    assert out.nodes[1].props["name"] == "李医生"

"""AppTest smoke tests: every page runs for every role it serves, logged in through the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import PASSWORDS

APP = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


@pytest.fixture
def app_env(city_ws, monkeypatch):
    monkeypatch.setenv("RINGTRACE_HOME", str(city_ws.root))
    return city_ws


def _login(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORDS[name][1])
    at.button(key="FormSubmitter:login-登录").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _open(at: AppTest, page: str, **params) -> AppTest:
    at.query_params.clear()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _table_with(at: AppTest, column: str):
    """The largest table on the page having ``column`` (AppTest does not expose table keys)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with a {column!r} column"
    return max(frames, key=len)


def _first_ring(ws) -> str:
    from graph.detect.ring import read_rings_json

    return read_rings_json(ws.rings_json)[0].ring_id


def test_login_form_has_chinese_labels_and_rejects_a_wrong_password(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    at.text_input(key="login_name").input("wang")
    at.text_input(key="login_password").input("not-the-password")
    at.button(key="FormSubmitter:login-登录").click()
    at.run()
    assert at.error and "用户名或密码错误" in at.error[0].value
    assert [w.label for w in at.text_input] == ["用户名", "密码"]  # still on the login form


def test_english_switch_relabels_the_login_form(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert [w.label for w in at.text_input] == ["Username", "Password"]


def test_pages_need_a_login_even_when_the_address_names_them(app_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["id"] = _first_ring(app_env)
    at.run()
    at.switch_page("app_pages/ring.py").run()
    assert not at.exception
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    assert not at.metric  # nothing of the ring was drawn


def test_queue_lists_rings_by_score(app_env):
    at = _login("wang")
    assert at.title[0].value == "疑似团伙队列"
    table = at.dataframe[0].value
    assert len(table) >= 3
    assert list(table["score"]) == sorted(table["score"], reverse=True)


def test_queue_search_by_institution_id_finds_its_rings(app_env):
    from graph.detect.ring import read_rings_json

    ring = next(r for r in read_rings_json(app_env.rings_json) if r.members.get("institutions"))
    inst = ring.members["institutions"][0]
    at = _login("wang")
    at.text_input(key="search_text").input(inst)
    at.button(key="FormSubmitter:search-搜索").click()
    at.run()
    assert not at.exception
    shown = set(at.dataframe[0].value["ring_id"])
    assert ring.ring_id in shown


def test_ring_page_for_an_investigator(app_env):
    rid = _first_ring(app_env)
    at = _open(_login("wang"), "app_pages/ring.py", id=rid)
    assert at.title[0].value.startswith(f"团伙 {rid}")
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["评分", "基金金额", "结算单"]
    # claims table holds the ring's claims with Chinese headers
    claims = _table_with(at, "结算单号")
    assert "结算单号" in claims.columns and len(claims) > 0
    # an investigator may annotate: the status form is there
    assert any(s.label == "案件状态" for s in at.selectbox)


def test_ring_page_status_and_note_are_saved_and_audited(app_env):
    from access.audit import entries
    from ringtrace import cases

    rid = _first_ring(app_env)
    at = _open(_login("wang"), "app_pages/ring.py", id=rid)
    status_box = next(s for s in at.selectbox if s.label == "案件状态")
    status_box.set_value("under_review")
    at.button(key="FormSubmitter:status_form-保存状态").click()
    at.run()
    assert cases.current_statuses(app_env)[rid] == "under_review"
    at.text_area[0].input("已约谈机构负责人")
    at.button(key="FormSubmitter:note_form-添加备注").click()
    at.run()
    assert any(n["text"] == "已约谈机构负责人" for n in cases.notes(app_env, rid))
    actions = [(e["user"], e["action"], e["target"]) for e in entries(app_env)]
    assert ("wang", "status_change", rid) in actions
    assert ("wang", "note", rid) in actions
    assert ("wang", "view_ring", rid) in actions


def test_ring_page_unknown_and_malformed_ids(app_env):
    at = _open(_login("wang"), "app_pages/ring.py", id="R9999")
    assert "R9999" in at.warning[0].value
    at = _open(at, "app_pages/ring.py", id="R1'; DROP")
    assert at.warning and "R1'" not in at.warning[0].value  # the message does not echo the input


def test_entity_page_for_an_institution(app_env):
    from graph.detect.ring import read_rings_json

    ring = next(r for r in read_rings_json(app_env.rings_json) if r.members.get("institutions"))
    inst = ring.members["institutions"][0]
    at = _open(_login("wang"), "app_pages/entity.py", type="institution", id=inst)
    assert at.title[0].value == f"定点机构 {inst}"
    assert [m.label for m in at.metric][:2] == ["结算单", "医疗总费用"]


def test_entity_page_for_a_patient_and_a_bad_type(app_env):
    from graph.detect.ring import read_rings_json

    ring = next(r for r in read_rings_json(app_env.rings_json) if r.members.get("patients"))
    pid = ring.members["patients"][0]
    at = _open(_login("wang"), "app_pages/entity.py", type="patient", id=pid)
    assert at.title[0].value == f"参保人 {pid}"
    at = _open(at, "app_pages/entity.py", type="Patient) DETACH DELETE n //", id=pid)
    assert at.warning and "DETACH" not in at.warning[0].value


def test_leader_sees_masked_ring_and_no_patient_ids(app_env):
    from graph.detect.ring import read_rings_json

    ring = next(r for r in read_rings_json(app_env.rings_json) if r.members.get("patients"))
    at = _open(_login("li"), "app_pages/ring.py", id=ring.ring_id)
    claims = _table_with(at, "结算单号")
    shown = set(claims["人员编号"].astype(str))
    assert shown and not shown & set(ring.members["patients"])
    # no status form for a leader
    assert not any(s.label == "案件状态" for s in at.selectbox)


def test_leader_cannot_open_a_person_by_raw_id(app_env):
    from graph.detect.ring import read_rings_json

    ring = next(r for r in read_rings_json(app_env.rings_json) if r.members.get("patients"))
    pid = ring.members["patients"][0]
    at = _open(_login("li"), "app_pages/entity.py", type="patient", id=pid)
    assert at.warning
    assert not at.metric
    assert pid not in " ".join(w.value for w in at.warning)


def test_dashboard_for_a_leader(app_env):
    at = _open(_login("li"), "app_pages/dashboard.py")
    assert at.title[0].value == "领导看板"


def test_admin_page_shows_the_audit_and_users(app_env):
    at = _open(_login("admin"), "app_pages/admin.py")
    assert at.title[0].value == "审计日志"
    audit = _table_with(at, "操作")
    assert "操作" in audit.columns and len(audit) > 0
    users = _table_with(at, "name")
    assert {"wang", "zhao", "li", "admin"} <= set(users["name"])
    at.button(key="audit_verify").click().run()
    assert at.success and "审计链完整" in at.success[0].value


def test_admin_page_is_not_served_to_an_investigator(app_env):
    at = _login("wang")
    with pytest.raises(ValueError):
        # not registered for this role: AppTest refuses to switch to it
        at.switch_page("app_pages/admin.py")


def test_police_sees_the_referral_tab(app_env):
    rid = _first_ring(app_env)
    at = _open(_login("zhao"), "app_pages/ring.py", id=rid)
    assert any(b.key == "referral_build" for b in at.button)
    at_inv = _open(_login("wang"), "app_pages/ring.py", id=rid)
    assert not any(b.key == "referral_build" for b in at_inv.button)


def test_logout_returns_to_the_login_form(app_env):
    from access.audit import entries

    at = _login("wang")
    at.sidebar.button(key="logout").click().run()
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    assert entries(app_env)[-1]["action"] == "logout"


def test_police_builds_a_referral_pack_and_it_is_audited(app_env):
    from access.audit import entries

    rid = _first_ring(app_env)
    at = _open(_login("zhao"), "app_pages/ring.py", id=rid)
    at.button(key="referral_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.success and at.success[0].value == "移送材料已生成。"
    pdf, xlsx = at.session_state[f"referral_{rid}"]
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")
    assert any(e["action"] == "referral" and e["target"] == rid and e["user"] == "zhao" for e in entries(app_env))


def test_admin_adds_a_user_through_the_form(app_env):
    from access.users import authenticate

    at = _open(_login("admin"), "app_pages/admin.py")
    form_inputs = [w for w in at.text_input if w.label in ("用户名", "密码")]
    form_inputs[0].input("sun")
    form_inputs[1].input("sun-pass-2024")
    next(s for s in at.selectbox if s.label == "角色").set_value("police")
    at.button(key="FormSubmitter:user_form-新增或更新用户").click().run()
    assert at.success and "sun" in at.success[0].value
    assert authenticate(app_env, "sun", "sun-pass-2024").role == "police"


def test_ring_page_in_english(app_env):
    rid = _first_ring(app_env)
    at = _login("wang")
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    at = _open(at, "app_pages/ring.py", id=rid)
    assert at.title[0].value.startswith(f"Ring {rid} · ")
    assert [m.label for m in at.metric][:3] == ["Score", "Fund amount", "Claims"]
    assert "Claim id" in _table_with(at, "Claim id").columns


def test_idle_session_expires_back_to_the_login_form(app_env):
    from access.audit import entries

    at = _login("wang")
    at.session_state["rt_session"].session.last_seen -= 24 * 3600  # a day without activity
    at.run()
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    assert at.warning and "过期" in at.warning[0].value
    last = entries(app_env)[-1]
    assert (last["user"], last["action"], last["detail"].get("reason")) == ("wang", "logout", "expired")


def test_an_empty_workspace_says_what_to_do(tmp_path, monkeypatch):
    from access.users import add_user
    from ringtrace.workspace import Workspace

    ws = Workspace(tmp_path / "empty").ensure()
    add_user(ws, "wang", "investigator", PASSWORDS["wang"][1])
    monkeypatch.setenv("RINGTRACE_HOME", str(ws.root))
    at = _login("wang")
    assert at.info and "ringtrace detect" in at.info[0].value
    at = _open(at, "app_pages/ring.py", id="R0001")
    assert at.warning and "R0001" in at.warning[0].value
    at = _open(at, "app_pages/dashboard.py")
    assert at.info and at.info[0].value == "暂无汇总数据。"

import pytest

from access import throttle
from access.throttle import Policy, Throttled, check, note_failure, note_success
from access.users import LoginFailed, add_user, authenticate
from ringtrace.workspace import Workspace


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Throttling is about counting, not hashing: argon2id with small costs keeps these fast
    (test_users checks the real parameters)."""
    from argon2 import PasswordHasher

    import access.users as users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)
    monkeypatch.setattr(users, "_DUMMY_HASH", cheap.hash("no-such-user"))


def _fail(ws, name, address, times):
    for _ in range(times):
        with pytest.raises(LoginFailed):
            authenticate(ws, name, "wrong-password", address=address)


def test_a_user_is_locked_after_five_failures_even_with_the_right_password(fresh_ws):
    add_user(fresh_ws, "wang", "investigator", "right-password")
    _fail(fresh_ws, "wang", "10.0.0.1", 5)
    with pytest.raises(Throttled) as e:
        authenticate(fresh_ws, "wang", "right-password", address="10.0.0.2")
    assert "Too many failed logins" in str(e.value) and e.value.retry_after > 0
    # The lock is in app.db: a new process (a new Workspace object) still sees it.
    with pytest.raises(Throttled):
        authenticate(Workspace(fresh_ws.root), "wang", "right-password")


def test_an_address_is_locked_after_many_failures_across_names(fresh_ws):
    add_user(fresh_ws, "li", "leader", "right-password")
    for i in range(throttle.DEFAULT_POLICY.address_failures):
        with pytest.raises(LoginFailed):
            authenticate(fresh_ws, f"guess{i % 4}", "wrong-password", address="10.9.9.9")
    with pytest.raises(Throttled):
        authenticate(fresh_ws, "li", "right-password", address="10.9.9.9")
    assert authenticate(fresh_ws, "li", "right-password", address="10.0.0.5").name == "li"


def test_backoff_doubles_and_success_resets(fresh_ws):
    p = Policy(user_failures=2, address_failures=1000, base_lock_s=60)
    t = 1_000_000.0
    for _ in range(2):
        until = note_failure(fresh_ws, "wang", "a", policy=p, now=t)
    assert until == t + 60
    t = until + 1
    for _ in range(2):
        until = note_failure(fresh_ws, "wang", "a", policy=p, now=t)
    assert until == t + 120
    with pytest.raises(Throttled):
        check(fresh_ws, "wang", "b", now=t + 100)
    check(fresh_ws, "wang", "b", now=t + 121)
    note_success(fresh_ws, "wang", "a")
    for _ in range(2):
        until = note_failure(fresh_ws, "wang", "a", policy=p, now=t + 200)
    assert until == t + 200 + 60


def test_failures_outside_the_window_do_not_count(fresh_ws):
    p = Policy(user_failures=3, address_failures=1000, window_s=60)
    assert note_failure(fresh_ws, "wang", "a", policy=p, now=0.0) is None
    assert note_failure(fresh_ws, "wang", "a", policy=p, now=10.0) is None
    assert note_failure(fresh_ws, "wang", "a", policy=p, now=100.0) is None
    check(fresh_ws, "wang", "a", now=101.0)


def test_attempts_during_a_lock_are_refused_without_checking_the_password(fresh_ws, monkeypatch):
    add_user(fresh_ws, "wang", "investigator", "right-password")
    _fail(fresh_ws, "wang", "x", 5)
    import access.users as users

    monkeypatch.setattr(users, "_verify", lambda *a: pytest.fail("password checked during a lock"))
    with pytest.raises(Throttled):
        authenticate(fresh_ws, "wang", "right-password")

import os
import stat

import pytest

from access.pseudonym import pseudonym, pseudonyms, resolve, secret_path
from access.validate import is_token
from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace


def test_tokens_are_stable_typed_and_resolvable(fresh_ws):
    t = pseudonym(fresh_ws, "patient", "330902199001011234")
    assert is_token(t) and "1234" not in t[2:6]
    assert pseudonym(fresh_ws, "patient", "330902199001011234") == t
    assert pseudonym(fresh_ws, "card", "330902199001011234") != t
    assert resolve(fresh_ws, t) == ("patient", "330902199001011234")
    assert resolve(fresh_ws, "t_" + "0" * 20) is None
    assert resolve(fresh_ws, "not a token") is None
    assert stat.S_IMODE(secret_path(fresh_ws).stat().st_mode) == 0o600


def test_workspaces_have_their_own_keys(tmp_path):
    a, b = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    assert pseudonym(a, "patient", "P1") != pseudonym(b, "patient", "P1")
    assert resolve(b, pseudonym(a, "patient", "P1")) is None


def test_many_at_once(fresh_ws):
    got = pseudonyms(fresh_ws, "card", ["C1", "C2", "C1"])
    assert set(got) == {"C1", "C2"} and len(set(got.values())) == 2


def test_a_key_readable_by_others_is_refused(tmp_path):
    ws = Workspace(tmp_path / "w").ensure()
    secret_path(ws).write_text("ab" * 32)
    os.chmod(secret_path(ws), 0o644)
    with pytest.raises(WorkspaceError, match="chmod 600"):
        pseudonym(ws, "patient", "P1")

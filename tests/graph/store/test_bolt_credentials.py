"""The Bolt store takes its password only from the environment or an owner-only file."""

import os

import pytest

from graph.store.factory import open_store
from ringtrace.errors import RingtraceError
from ringtrace.workspace import Workspace


def _env(monkeypatch, srv, **extra):
    monkeypatch.setenv("NEO4J_URI", srv.uri)
    monkeypatch.setenv("NEO4J_USER", srv.auth[0])
    monkeypatch.setenv("NEO4J_DATABASE", srv.database)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    for k, v in extra.items():
        monkeypatch.setenv(k, v)


def test_password_file_readable_by_its_owner_only_connects(arcade_server, monkeypatch, tmp_path):
    secret = tmp_path / "neo4j.pw"
    secret.write_text(arcade_server.auth[1] + "\n")
    os.chmod(secret, 0o600)
    _env(monkeypatch, arcade_server, NEO4J_PASSWORD_FILE=str(secret))
    with open_store(Workspace(tmp_path / "ws")) as store:
        assert set(store.counts()) >= {"claims", "patients"}


def test_password_file_readable_by_others_is_refused_without_showing_it(arcade_server, monkeypatch, tmp_path):
    secret = tmp_path / "neo4j.pw"
    secret.write_text(arcade_server.auth[1] + "\n")
    os.chmod(secret, 0o644)
    _env(monkeypatch, arcade_server, NEO4J_PASSWORD_FILE=str(secret))
    with pytest.raises(RingtraceError) as e:
        open_store(Workspace(tmp_path / "ws"))
    assert arcade_server.auth[1] not in str(e.value)


def test_a_wrong_password_is_a_clear_error_without_the_password(arcade_server, monkeypatch, tmp_path):
    _env(monkeypatch, arcade_server, NEO4J_PASSWORD="not-the-password-42")
    with pytest.raises(RingtraceError) as e:
        open_store(Workspace(tmp_path / "ws"))
    assert "not-the-password-42" not in str(e.value)

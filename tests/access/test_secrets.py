import os

import pytest

from access.secrets import neo4j_auth, scrub
from ringtrace.errors import StoreError


def test_from_the_environment():
    assert neo4j_auth({"NEO4J_USER": "ops", "NEO4J_PASSWORD": "pw"}) == ("ops", "pw")
    assert neo4j_auth({}) is None


def test_from_a_private_file(tmp_path):
    f = tmp_path / "neo4j.pw"
    f.write_text("Very$ecret\n")
    os.chmod(f, 0o600)
    assert neo4j_auth({"NEO4J_PASSWORD_FILE": str(f)}) == ("neo4j", "Very$ecret")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_file_others_can_read_is_refused_without_showing_the_password(tmp_path, mode):
    f = tmp_path / "neo4j.pw"
    f.write_text("Very$ecret\n")
    os.chmod(f, mode)
    with pytest.raises(StoreError) as e:
        neo4j_auth({"NEO4J_PASSWORD_FILE": str(f)})
    assert "chmod 600" in str(e.value) and "Very$ecret" not in str(e.value)


def test_missing_or_empty_file(tmp_path):
    with pytest.raises(StoreError):
        neo4j_auth({"NEO4J_PASSWORD_FILE": str(tmp_path / "none")})
    f = tmp_path / "empty"
    f.write_text("")
    os.chmod(f, 0o600)
    with pytest.raises(StoreError, match="empty"):
        neo4j_auth({"NEO4J_PASSWORD_FILE": str(f)})


def test_scrub():
    assert scrub("bolt://neo4j:pw123@host failed", {"NEO4J_PASSWORD": "pw123"}) == "bolt://neo4j:***@host failed"
    assert scrub("nothing", {}) == "nothing"

"""The Neo4j credentials: from the environment, or from a file only its owner can read.

``NEO4J_USER`` (default ``neo4j``) with ``NEO4J_PASSWORD``, or ``NEO4J_PASSWORD_FILE`` naming a
file whose first line is the password and whose mode lets no one but its owner read it (0600 or
0400). The password never appears in a message; :func:`scrub` removes it from text that might
(driver errors echo URIs and sometimes credentials).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ringtrace.errors import StoreError

__all__ = ["neo4j_auth", "scrub"]


def _from_file(path: str) -> str:
    p = Path(path).expanduser()
    try:
        st = p.stat()
    except OSError as e:
        raise StoreError(
            f"NEO4J_PASSWORD_FILE names {p}, which cannot be read ({e.strerror}). Point it at the file "
            f"holding the Neo4j password, or set NEO4J_PASSWORD instead."
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"NEO4J_PASSWORD_FILE names {p}, which is not a regular file.")
    if st.st_mode & 0o077:
        raise StoreError(
            f"The Neo4j password file {p} can be read by other users (mode {stat.S_IMODE(st.st_mode):04o}). "
            f"Make it private with `chmod 600 {p}` and run again; ringtrace will not use it as it is."
        )
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise StoreError(
            f"The Neo4j password file {p} belongs to another user; use a file you own with mode 600."
        )
    text = p.read_text(encoding="utf-8")
    password = text.splitlines()[0] if text else ""
    if not password:
        raise StoreError(f"The Neo4j password file {p} is empty; write the password on its first line.")
    return password


def neo4j_auth(environ=None) -> tuple[str, str] | None:
    """``(user, password)`` for the Bolt driver, or None when no password is configured.

    >>> neo4j_auth({"NEO4J_PASSWORD": "s3cret"})
    ('neo4j', 's3cret')
    >>> neo4j_auth({}) is None
    True
    """
    env = os.environ if environ is None else environ
    user = env.get("NEO4J_USER") or "neo4j"
    if env.get("NEO4J_PASSWORD"):
        return user, env["NEO4J_PASSWORD"]
    if env.get("NEO4J_PASSWORD_FILE"):
        return user, _from_file(env["NEO4J_PASSWORD_FILE"])
    return None


def scrub(text: str, environ=None) -> str:
    """``text`` with the configured Neo4j password replaced by ``***``.

    >>> scrub("auth failed for neo4j/s3cret", {"NEO4J_PASSWORD": "s3cret"})
    'auth failed for neo4j/***'
    """
    try:
        auth = neo4j_auth(environ)
    except StoreError:
        return str(text)
    if not auth or not auth[1]:
        return str(text)
    return str(text).replace(auth[1], "***")

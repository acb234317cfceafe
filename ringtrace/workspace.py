"""The workspace (RINGTRACE_HOME): where every piece of state lives, and its version.

Layout (each owner module documents its own files):
- ``claims/``            analytic copy of clean claims, partitioned Parquet (ingest)
- ``reference/``         institutions, doctors, patients as Parquet (ingest)
- ``quarantine/``        rejected rows, CSV with BOM (ingest)
- ``graph/``             the embedded LadybugDB store (graph.store)
- ``rings.json``         the latest detection, contract format (graph.detect)
- ``app.db``             users, ring status history, notes, referrals (SQLite)
- ``audit.jsonl``        the hash-chained audit trail (access.audit)
- ``version``            bumped by every committed change; app caches key on it
- ``ringtrace.toml``     optional settings written by the operator (see :meth:`Workspace.config`)
- ``detect/``            detection state kept between runs for daily increments (graph.detect)
"""

from __future__ import annotations

import fcntl
import os
import tomllib
import uuid
from contextlib import contextmanager
from pathlib import Path

from ringtrace.errors import WorkspaceError

__all__ = ["Workspace", "default_home"]


def default_home() -> Path:
    return Path(os.environ.get("RINGTRACE_HOME") or "./ringtrace-data")


class Workspace:
    """Paths and coordination for one workspace folder."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_home()

    # --- paths -----------------------------------------------------------------
    @property
    def claims_dir(self) -> Path:
        return self.root / "claims"

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference"

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def rings_json(self) -> Path:
        return self.root / "rings.json"

    @property
    def app_db(self) -> Path:
        return self.root / "app.db"

    @property
    def audit_log(self) -> Path:
        return self.root / "audit.jsonl"

    @property
    def config_path(self) -> Path:
        return self.root / "ringtrace.toml"

    @property
    def detect_dir(self) -> Path:
        """State that detection keeps between runs (daily increments)."""
        return self.root / "detect"

    def config(self) -> dict:
        """Operator settings from ``ringtrace.toml`` (empty when absent), e.g.::

            [detect]
            projection_engine = "spark"   # or "pandas" (default)

        A file that is not valid TOML is an error naming the file, never silently ignored.
        """
        try:
            text = self.config_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise WorkspaceError(f"The settings file {self.config_path} is not valid TOML ({e}). "
                                 f"Fix or remove it and run the command again.") from e

    @property
    def staging_dir(self) -> Path:
        """Scratch space for a run in progress; committed by rename, removed on failure."""
        return self.root / ".staging"

    def ensure(self) -> "Workspace":
        self.root.mkdir(parents=True, exist_ok=True)
        return self

    # --- coordination ----------------------------------------------------------
    @contextmanager
    def lock(self, what: str = "write"):
        """Exclusive lock for runs that change the workspace (ingest, detect).

        A second writer fails at once with a clear message instead of interleaving.
        """
        self.ensure()
        path = self.root / ".lock"
        with open(path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise WorkspaceError(
                    f"The workspace {self.root} is busy: another ringtrace run ({what}) holds "
                    f"its lock. Wait for it to finish and run the command again."
                ) from e
            try:
                yield self
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def version(self) -> str:
        """An opaque token that changes whenever committed data changes (cache key)."""
        try:
            return (self.root / "version").read_text().strip()
        except FileNotFoundError:
            return "empty"

    def bump_version(self) -> str:
        token = uuid.uuid4().hex
        self.ensure()
        tmp = self.root / ".version.tmp"
        tmp.write_text(token)
        os.replace(tmp, self.root / "version")
        return token

"""Stage a run's files, then commit them into the workspace by rename, all or nothing.

Every file a run changes is first written complete under ``ws.staging_dir/<run_id>/files/``
at its final relative path. Commit writes a journal listing those paths (atomically), then
renames each into place, the claims manifest last (readers see a batch only once the manifest
names it). A run that fails before the journal exists leaves the workspace as it was; a
process killed between journal and the last rename is rolled forward by the next run
(``recover``), since every staged file was already complete.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ringtrace.workspace import Workspace

__all__ = ["Stage", "recover", "atomic_replace"]

_JOURNAL = "COMMIT"


def _move(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def atomic_replace(src: Path, dst: Path) -> None:
    """Rename ``src`` over ``dst`` (same filesystem), creating ``dst``'s folder."""
    _move(src, dst)


class Stage:
    """The staging area of one run."""

    def __init__(self, ws: Workspace, run_id: str):
        self.ws = ws
        self.dir = ws.staging_dir / run_id
        self.files = self.dir / "files"
        self._had_staging_dir = ws.staging_dir.exists()
        self.files.mkdir(parents=True, exist_ok=False)
        self.targets: list[str] = []
        self.journaled = False

    def path(self, rel: str) -> Path:
        """Where to write the staged copy of workspace file ``rel`` (e.g. ``reference/doctors.parquet``)."""
        if rel not in self.targets:
            self.targets.append(rel)
        p = self.files / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def commit(self, last: str | None = None) -> None:
        """Rename every staged file into the workspace; ``last`` (the manifest) goes last."""
        order = [t for t in self.targets if t != last] + ([last] if last in self.targets else [])
        order = [t for t in order if (self.files / t).exists()]
        tmp = self.dir / (_JOURNAL + ".tmp")
        tmp.write_text(json.dumps(order, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.dir / _JOURNAL)
        self.journaled = True  # from here on the run is committed: finish it, never undo it
        _roll_forward(self.ws, self.dir)
        self._cleanup()

    def abort(self) -> None:
        """Forget everything staged; the workspace is as it was before the run.

        After the journal is written this does nothing: ``recover`` finishes the commit.
        """
        if self.journaled:
            return
        shutil.rmtree(self.dir, ignore_errors=True)
        self._cleanup()

    def _cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        if not self._had_staging_dir:
            try:
                self.ws.staging_dir.rmdir()
            except OSError:
                pass


def _roll_forward(ws: Workspace, run_dir: Path) -> None:
    order = json.loads((run_dir / _JOURNAL).read_text(encoding="utf-8"))
    for rel in order:
        src = run_dir / "files" / rel
        if src.exists():  # already moved by an earlier, interrupted attempt otherwise
            _move(src, ws.root / rel)


def recover(ws: Workspace) -> list[str]:
    """Finish journaled commits and drop abandoned stages; returns the run ids rolled forward.

    Call with the workspace lock held.
    """
    done = []
    if not ws.staging_dir.is_dir():
        return done
    for run_dir in sorted(ws.staging_dir.iterdir()):
        if (run_dir / _JOURNAL).exists():
            _roll_forward(ws, run_dir)
            done.append(run_dir.name)
        shutil.rmtree(run_dir, ignore_errors=True)
    try:
        ws.staging_dir.rmdir()
    except OSError:
        pass
    return done

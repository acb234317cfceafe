"""Detection state kept between runs in ``HOME/detect/`` (daily increments).

Layout: ``CURRENT`` names the folder of the last complete run (``run-<token>/``), which holds
``state.json`` (what the run saw: batches, fingerprints of the code, reference files and
settings) and one ``memo-<name>.json`` (+ ``memo-<name>-pairs.parquet`` and a
``memo-<name>-<array>.npy`` per kept per-row array) per detector memo
(:mod:`graph.detect.memo`), and the run's claim frame (``frame-*.npy`` and ``frame-*.arrow``,
:mod:`graph.detect.kept_frame`), into which the next increment merges only the new claims. A run writes a new folder and then swaps ``CURRENT`` with one
``os.replace``, so a crash at any point leaves the previous state whole; folders that
``CURRENT`` does not name are removed afterwards.

An increment is allowed only when the kept state fits: same state version, same detection
code, same reference files, same settings, and the batches it saw are exactly the first
batches committed now (none removed or reordered). Anything else is a full run, and
:func:`load` says why.

>>> fits({"version": STATE_VERSION, "code": "c", "reference": "r", "settings": "s", "batches": ["b1"]},
...      {"code": "c", "reference": "r", "settings": "s"}, ["b1", "b2"])
(True, ['b2'], '')
>>> fits({"version": STATE_VERSION, "code": "c", "reference": "r0", "settings": "s", "batches": ["b1"]},
...      {"code": "c", "reference": "r", "settings": "s"}, ["b1", "b2"])[2]
'the reference files (institutions, doctors, patients) changed since the last run'
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["STATE_VERSION", "fingerprints", "fits", "load", "start", "save", "clear", "FrameWriter"]

STATE_VERSION = 2  # 2: the claim frame is kept too


def _sha(chunks) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(c if isinstance(c, bytes) else str(c).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _code() -> str:
    # read once per process, at the first run: the code this process runs, even if the files
    # are edited while it lives
    here = Path(__file__).parent
    return _sha(x for p in sorted(here.rglob("*.py")) for x in (p.relative_to(here).as_posix(), p.read_bytes()))


def fingerprints(ws) -> dict:
    """Fingerprints of what detection depends on besides the claims: its own code (any change
    to a detector may change any ring), the reference files and the ``[detect]`` settings."""
    ref = sorted(p for p in ws.reference_dir.rglob("*") if p.is_file()) if ws.reference_dir.exists() else []
    return {
        "code": _code(),
        "reference": _sha(x for p in ref for x in (p.relative_to(ws.reference_dir).as_posix(), p.read_bytes())),
        "settings": _sha([json.dumps(ws.config().get("detect", {}), sort_keys=True, default=str)]),
    }


def fits(meta: dict, now: dict, batches: list[str]) -> tuple[bool, list[str], str]:
    """(usable, new batches, why not) for kept ``meta`` against fingerprints ``now`` and the
    committed ``batches``."""
    if meta.get("version") != STATE_VERSION:
        return False, [], "the kept state is from another version of ringtrace"
    if meta.get("code") != now["code"]:
        return False, [], "the detection code changed since the last run"
    if meta.get("reference") != now["reference"]:
        return False, [], "the reference files (institutions, doctors, patients) changed since the last run"
    if meta.get("settings") != now["settings"]:
        return False, [], "the [detect] settings in ringtrace.toml changed since the last run"
    seen = list(meta.get("batches", []))
    if batches[:len(seen)] != seen:
        return False, [], "batches seen by the last run are no longer all there, or in another order"
    return True, batches[len(seen):], ""


def _current(ws) -> Path | None:
    try:
        name = (ws.detect_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    d = ws.detect_dir / name
    return d if name and d.is_dir() else None


def load(ws, now: dict, batches: list[str]) -> tuple[dict | None, list[str], str]:
    """(state, new batches, reason): the kept state when an increment may use it, else None and
    the reason a full run is needed."""
    d = _current(ws)
    if d is None:
        return None, [], "no detection state kept yet (first run)"
    try:
        meta = json.loads((d / "state.json").read_text(encoding="utf-8"))
        ok, new, why = fits(meta, now, batches)
        if not ok:
            return None, [], why
        memos = {}
        for name in meta.get("memos", []):
            rec = json.loads((d / f"memo-{name}.json").read_text(encoding="utf-8"))
            pairs = d / f"memo-{name}-pairs.parquet"
            if pairs.exists():
                rec["pairs"] = pd.read_parquet(pairs)
            rec["arrays"] = {a: np.load(d / f"memo-{name}-{a}.npy", allow_pickle=False) for a in rec.pop("array_names", [])}
            memos[name] = rec
    except (OSError, ValueError, KeyError) as e:
        return None, [], f"the kept detection state could not be read ({type(e).__name__}: {e})"
    meta["memos"] = memos
    meta["folder"] = d  # the kept frame is read from here (kept_frame.load), after this check
    return meta, new, ""


class FrameWriter:
    """The run's claim frame written into the next state's folder on a thread of its own while
    the detectors run (:func:`start`): writing ~400 MB of arrays at 5M claims is mostly the
    kernel copying pages, which the second core does during detection instead of after it
    (1.5 s of an increment's wall). The folder is a hidden one until :func:`save` switches it
    in; :meth:`discard` (a run that fails) waits for the thread and removes it."""

    def __init__(self, ws, frame):
        import threading

        from graph.detect import kept_frame

        ws.detect_dir.mkdir(parents=True, exist_ok=True)
        self.name = f"run-{uuid.uuid4().hex[:12]}"
        self.tmp = ws.detect_dir / f".{self.name}.tmp"
        self.tmp.mkdir()
        self.error: BaseException | None = None

        def write():
            try:
                kept_frame.save(frame, self.tmp)
            except BaseException as e:  # re-raised by wait(), in the run's own thread
                self.error = e

        self.thread = threading.Thread(target=write, name="ringtrace-keep-frame", daemon=True)
        self.thread.start()

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error

    def discard(self) -> None:
        self.thread.join()
        shutil.rmtree(self.tmp, ignore_errors=True)


def start(ws, frame) -> FrameWriter:
    """Begin keeping ``frame`` for the next increment (finished by :func:`save`)."""
    return FrameWriter(ws, frame)


def save(ws, now: dict, batches: list[str], memos: dict, extra: dict | None = None, frame=None,
         writer: FrameWriter | None = None) -> Path:
    """Write the state of a finished run (call only after rings.json is written); ``frame``:
    the run's ClaimFrame, kept for the next increment, or ``writer``: the :func:`start` that is
    keeping it already."""
    if writer is None:
        writer = start(ws, frame) if frame is not None else None
    if writer is not None:
        name, tmp = writer.name, writer.tmp
    else:
        ws.detect_dir.mkdir(parents=True, exist_ok=True)
        name = f"run-{uuid.uuid4().hex[:12]}"
        tmp = ws.detect_dir / f".{name}.tmp"
        tmp.mkdir()
    try:
        for mname, memo in memos.items():
            rec = memo.record()
            pairs = rec.pop("pairs", None)
            if pairs is not None:
                pairs.to_parquet(tmp / f"memo-{mname}-pairs.parquet", index=False)
            arrays = rec.pop("arrays", {})
            for aname, arr in arrays.items():
                np.save(tmp / f"memo-{mname}-{aname}.npy", np.asarray(arr), allow_pickle=False)
            rec["array_names"] = sorted(arrays)
            (tmp / f"memo-{mname}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
        if writer is not None:
            writer.wait()
        meta = {"version": STATE_VERSION, **now, "batches": list(batches), "memos": sorted(memos),
                "frame": writer is not None, **(extra or {})}
        (tmp / "state.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, ws.detect_dir / name)
        pointer = ws.detect_dir / ".CURRENT.tmp"
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, ws.detect_dir / "CURRENT")  # the one step that switches states
    except BaseException:
        if writer is not None:
            writer.thread.join()  # no thread left writing into the folder removed below
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in ws.detect_dir.iterdir():
        if old.is_dir() and old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return ws.detect_dir / name


def clear(ws) -> None:
    """Forget the kept state (the next run is a full one)."""
    p = ws.detect_dir / "CURRENT"
    if p.exists():
        p.unlink()

"""Every detector over all claims, merged into scored rings; and the workspace run around it.

:func:`detect` is pure: the same claims (in any row order) give the same rings, ids included.
:func:`run` reads the workspace's analytic copy, detects, writes ``rings.json`` atomically,
replaces the rings in the graph store and bumps the workspace version.

>>> import pandas as pd
>>> rows = []
>>> for d in range(5):
...     for k in range(8):
...         rows.append((f"b{d}{k}", f"P{k}", "Y1", "OP9", f"2024-03-{d * 7 + 1:02d} 21:{10 + 2 * k}", 98.0))
>>> claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "operator_id", "settled_at", "total_amount"])
>>> claims["settled_at"] = pd.to_datetime(claims["settled_at"])
>>> rings = detect(claims)
>>> [(r.ring_id, r.pattern, len(r.members["cards"]), len(r.claim_ids)) for r in rings]
[('R0001', 'card_collection', 8, 40)]
>>> detect(claims.sample(frac=1, random_state=1)) == rings
True
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from graph.detect import card_collection, collusion, communities, copycatch, drug_reselling, fraudar, impersonation
from graph.detect import split_hospitalization
from graph.detect.frame import ClaimFrame
from graph.detect.merge import to_rings
from graph.detect.ring import Ring, write_rings_json

__all__ = ["DETECTORS", "detect", "candidates", "run"]

# name -> function(ClaimFrame) -> list[Candidate]; run in this order
DETECTORS = {
    "card_bursts": card_collection.detect,
    "admission_waves": collusion.detect,
    "impersonation": impersonation.detect,
    "drug_tours": drug_reselling.detect,
    "split_stays": split_hospitalization.detect,
    "leiden": communities.leiden,
    "shared_identifiers": communities.shared_identifiers,
    "fraudar": fraudar.detect,
    "copycatch": copycatch.detect,
}


def candidates(f: ClaimFrame, timings: dict | None = None) -> list:
    out = []
    for name, fn in DETECTORS.items():
        t0 = time.perf_counter()
        out += fn(f)
        if timings is not None:
            timings[name] = round(time.perf_counter() - t0, 3)
    return out


def detect(claims: pd.DataFrame, institutions=None, doctors=None, patients=None, timings: dict | None = None) -> list[Ring]:
    """Rings in ``claims`` (analytic schema), sorted by score, ids R0001... in that order."""
    t0 = time.perf_counter()
    f = ClaimFrame(claims, institutions=institutions, doctors=doctors, patients=patients)
    if timings is not None:
        timings["frame"] = round(time.perf_counter() - t0, 3)
    cands = candidates(f, timings)
    t1 = time.perf_counter()
    rings = to_rings(f, cands)
    if timings is not None:
        timings["merge"] = round(time.perf_counter() - t1, 3)
    return rings


def run(ws, out: str | Path | None = None, timings: dict | None = None, full: bool = False,
        stats: dict | None = None) -> list[Ring]:
    """Detect over the workspace's claims; write rings.json (and ``out`` if given); store rings.

    The caller holds ``ws.lock()`` (the ``detect`` command does). The JSON is written first
    (atomically), then the alert list (:mod:`.alerts`, new rings and rings that grew against
    the rings.json it replaces), then the graph store's rings are replaced in one transaction,
    the workspace version is bumped so the app reloads, and last the detection state for the
    next increment is kept (:mod:`.state`; its claim frame is written into a hidden folder while
    the detectors run): a run that fails anywhere leaves the previous state.

    When a kept state fits (same code, reference files and settings; only batches added since)
    the run is a daily increment: it re-examines only the pairs, clusters and seeds that the
    new claims touch (:mod:`.memo`) and gives the rings a full run gives. ``full=True`` forces
    a full run. ``stats`` receives what was done: mode, why, claims, new claims and, per
    detector memo, clusters seen, reused and described.
    """
    from ingest.analytic import batches as committed, read_reference

    from graph.detect import state

    stats = stats if stats is not None else {}
    t0 = time.perf_counter()
    seen = committed(ws)
    now = state.fingerprints(ws)
    if full:
        kept, new_batches, why = None, [], "a full run was asked for (--full)"
    else:
        kept, new_batches, why = state.load(ws, now, seen)
    from graph.detect import engine

    # the workspace's own ringtrace.toml chooses the projection engine (not RINGTRACE_HOME's):
    # every cooccurrence below runs inside engine.use(eng)
    eng = engine.settings(ws)
    if kept is not None and eng.name != "pandas":
        kept, why = None, f"increments count pairs with the pandas engine; the projection engine is {eng.name}"
    from ingest.analytic import read_claim_table  # Arrow: no pandas copy of a city-year's ids
    refs = {k: read_reference(ws, k) for k in ("institutions", "doctors", "patients")}
    f = new_rows = None
    if kept is not None:
        f, new_rows, why = _kept_frame(kept, read_claim_table(ws, batches=new_batches), refs)
        kept = kept if f is not None else None
    if f is None:
        claims = read_claim_table(ws)
        f = ClaimFrame(claims, **refs)
        del claims
        import pyarrow as pa  # Arrow keeps freed buffers in its pool: give the table's back, for numpy

        pa.default_memory_pool().release_unused()
    if timings is not None:
        timings["frame"] = round(time.perf_counter() - t0, 3)
    # the frame is final: it is written for the next increment while the detectors run
    writer = state.start(ws, f)
    try:
        rings, memos, kept, new_rows, why, t3 = _detect_and_write(ws, f, kept, new_rows, why, eng, timings, stats,
                                                                  seen, new_batches, out)
    except BaseException:
        writer.discard()
        raise
    state.save(ws, now, seen, memos, writer=writer)
    if timings is not None:
        timings["keep_state"] = round(time.perf_counter() - t3, 3)
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return rings


def _detect_and_write(ws, f, kept, new_rows, why, eng, timings, stats, seen, new_batches, out):
    """Detect on frame ``f`` (an increment when ``kept``), write rings.json, the alert list and
    the graph store's rings: (rings, memos, kept, new rows, why full, time the store finished)."""
    from graph.detect import alerts, engine
    from graph.detect.memo import StateMismatch

    with engine.use(eng):
        try:
            memos = _memos(f, kept, new_rows)
            cands = candidates(f, timings)
        except StateMismatch as e:
            kept, new_rows, why = None, None, f"the kept state does not fit the claims ({e})"
            f.cache.clear()
            memos = _memos(f, None, None)
            cands = candidates(f, timings)
        t1 = time.perf_counter()
        rings = to_rings(f, cands)
    if timings is not None:
        timings["merge"] = round(time.perf_counter() - t1, 3)
    stats.update({"mode": "increment" if kept is not None else "full", "why_full": why if kept is None else "",
                  "claims": int(f.n), "new_claims": int(new_rows.sum()) if new_rows is not None else int(f.n),
                  "new_batches": len(new_batches) if kept is not None else len(seen),
                  "detectors": {name: dict(m.stats) for name, m in memos.items()}})
    previous = _previous(ws)
    write_rings_json(rings, ws.rings_json)
    if out is not None and Path(out).resolve() != ws.rings_json.resolve():
        write_rings_json(rings, out)
    day = f.date(int(f.day.max())) if f.n else None
    stats["alerts"] = alerts.write(ws, alerts.compare(previous, rings), day=day, first_run=previous is None)
    t2 = time.perf_counter()
    _store(ws, rings)
    ws.bump_version()
    t3 = time.perf_counter()
    if timings is not None:
        timings["store_rings"] = round(t3 - t2, 3)
    return rings, memos, kept, new_rows, why, t3


def _kept_frame(kept: dict, new_claims, refs: dict):
    """(frame, new rows mask, "") from the kept frame and the new batches' claims, or (None,
    None, why) when the kept frame is missing, unreadable or does not fit them."""
    from graph.detect import kept_frame
    from graph.detect.memo import StateMismatch

    if not kept.get("frame"):
        return None, None, "the kept state holds no claim frame"
    try:
        rows, labels, patient_ref = kept_frame.load(kept["folder"])
        f, new_rows = kept_frame.extend(rows, labels, new_claims, **refs, patient_ref=patient_ref)
    except (OSError, ValueError) as e:
        return None, None, f"the kept claim frame could not be read ({type(e).__name__}: {e})"
    except StateMismatch as e:
        return None, None, f"the kept state does not fit the claims ({e})"
    return f, new_rows, ""


MEMOS = ("card_bursts", "impersonation", "drug_tours", "communities", "legit")


def _memos(f, kept: dict | None, new_rows) -> dict:
    from graph.detect.memo import Memo

    old = kept["memos"] if kept is not None else {}
    memos = {name: Memo(f, name, old.get(name, {"items": {}}) if kept is not None else None, new_rows) for name in MEMOS}
    f.cache["memos"] = memos
    return memos


def _previous(ws) -> list[Ring] | None:
    """The rings of the last run, for the alert list (None when there is none or it is unreadable)."""
    from graph.detect.ring import read_rings_json

    try:
        return read_rings_json(ws.rings_json, evidence=False)  # compared by members and claims
    except (OSError, ValueError, KeyError, TypeError):
        return None


def engine_name(ws) -> str:
    """The projection engine this workspace's run uses (:mod:`graph.detect.engine`)."""
    from graph.detect import engine

    return engine.settings(ws).name


def _store(ws, rings: list[Ring]) -> None:
    """Replace the stored rings; first bring the graph up to date, so the rings' links to
    their members and claims find every node (a no-op when ingest already loaded them)."""
    from graph.store.factory import open_store
    from graph.store.sync import sync_graph

    with open_store(ws) as store:
        sync_graph(ws, store=store)
        store.store_rings(rings)

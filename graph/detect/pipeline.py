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


def run(ws, out: str | Path | None = None, timings: dict | None = None) -> list[Ring]:
    """Detect over the workspace's claims; write rings.json (and ``out`` if given); store rings.

    The caller holds ``ws.lock()`` (the ``detect`` command does). The JSON is written first
    (atomically), then the graph store's rings are replaced in one transaction, then the
    workspace version is bumped so the app reloads.
    """
    from ingest.analytic import read_claims, read_reference

    claims = read_claims(ws)
    refs = {k: read_reference(ws, k) for k in ("institutions", "doctors", "patients")}
    rings = detect(claims, timings=timings, **refs)
    write_rings_json(rings, ws.rings_json)
    if out is not None and Path(out).resolve() != ws.rings_json.resolve():
        write_rings_json(rings, out)
    _store(ws, rings)
    ws.bump_version()
    return rings


def _store(ws, rings: list[Ring]) -> None:
    """Replace the stored rings; first bring the graph up to date, so the rings' links to
    their members and claims find every node (a no-op when ingest already loaded them)."""
    from graph.store.factory import open_store
    from graph.store.sync import sync_graph

    with open_store(ws) as store:
        sync_graph(ws, store=store)
        store.store_rings(rings)

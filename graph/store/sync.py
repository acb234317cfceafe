"""Bring the active graph store up to date with the workspace's analytic copy.

Each store records which analytic batches (and which version of each reference file) it has
fully loaded, as ``Batch`` nodes written after the load succeeds; ``sync_graph`` loads the rest.
Loads are idempotent, so a sync interrupted between a load and its record is simply redone.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from graph.store.factory import open_store
from ringtrace.workspace import Workspace

__all__ = ["sync_graph", "reference_version"]

_REFERENCE_KINDS = ("institutions", "doctors", "patients")


def reference_version(kind: str, frame: pd.DataFrame) -> str:
    """A content fingerprint of a reference table, so a changed file is loaded again.

    >>> reference_version("doctors", pd.DataFrame({"doctor_id": ["D1"]}))[:12]
    'ref:doctors:'
    """
    h = hashlib.sha256()
    h.update(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy().tobytes())
    return f"ref:{kind}:{h.hexdigest()[:20]}"


def sync_graph(ws: Workspace, store=None) -> int:
    """Load every analytic batch the active store lacks, then changed reference files.

    Returns the number of claims newly added to the graph.
    """
    from ingest import analytic

    own = store is None
    store = open_store(ws) if own else store
    try:
        done = store.loaded_batches()
        added = 0
        fresh_batches = [b for b in analytic.batches(ws) if b not in done]
        for batch in fresh_batches:
            added += store.load(analytic.read_claims(ws, batches=[batch]))
            store.mark_batch(batch)
        refs, marks = {}, []
        for kind in _REFERENCE_KINDS:
            frame = analytic.read_reference(ws, kind)
            if frame is None or len(frame) == 0:
                continue
            version = reference_version(kind, frame)
            # Reference links (a card's holder, a doctor's registered institution) need the nodes
            # claims create, so the reference files are re-applied whenever new claims arrived.
            if version not in done or fresh_batches:
                refs[kind] = frame
                marks.append(version)
        if refs:
            store.load(None, **refs)
            for m in marks:
                store.mark_batch(m)
        return added
    finally:
        if own:
            store.close()

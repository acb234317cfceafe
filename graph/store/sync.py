"""Bring the active graph store up to date with the workspace's analytic copy.

Each store records which analytic batches (and which version of each reference file) it has
fully loaded, as ``Batch`` nodes written after the load succeeds; ``sync_graph`` loads the rest.
Loads are idempotent, so a sync interrupted between a load and its record is simply redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from graph.store.factory import open_store
from ringtrace.workspace import Workspace

__all__ = ["sync_graph", "reference_version", "reference_versions"]

_REFERENCE_KINDS = ("institutions", "doctors", "patients")
# Fingerprints of the reference files, by file version: every sync compares them with what the
# store has applied, and hashing a city's million patients on each (ingest, then detect) took 1.3 s.
# (beside the reference folder, not in it: detection fingerprints every file in there)
_VERSIONS_FILE = ".reference-versions.json"


def reference_version(kind: str, frame: pd.DataFrame) -> str:
    """A content fingerprint of a reference table, so a changed file is loaded again.

    >>> reference_version("doctors", pd.DataFrame({"doctor_id": ["D1"]}))[:12]
    'ref:doctors:'
    """
    h = hashlib.sha256()
    h.update(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy().tobytes())
    return f"ref:{kind}:{h.hexdigest()[:20]}"


def reference_versions(ws: Workspace, frames: dict | None = None) -> dict[str, str]:
    """:func:`reference_version` of each reference file the workspace has, each file version hashed once.

    Kept in ``.reference-versions.json`` by the file's size, modification time and inode (a
    reference file is replaced whole, never written in place), so a file replaced by a later
    ingest is hashed again and an unchanged one is not read at all. The frames it had to read are
    put into ``frames`` (when given), so a caller about to load them does not read them twice.
    """
    from ingest import analytic

    cache_path = ws.root / _VERSIONS_FILE
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    out, fresh = {}, False
    for kind in _REFERENCE_KINDS:
        try:
            st = (ws.reference_dir / f"{kind}.parquet").stat()
        except FileNotFoundError:
            continue
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        hit = cache.get(kind)
        if not (isinstance(hit, dict) and hit.get("stamp") == stamp):
            frame = analytic.read_reference(ws, kind)
            if frames is not None:
                frames[kind] = frame
            hit = {"stamp": stamp, "version": reference_version(kind, frame) if frame is not None and len(frame) else ""}
            cache[kind], fresh = hit, True
        if hit["version"]:
            out[kind] = hit["version"]
    if fresh:
        try:  # a cache: a workspace it cannot be written to is hashed again next time
            tmp = cache_path.with_name(cache_path.name + ".tmp")
            tmp.write_text(json.dumps(cache), encoding="utf-8")
            os.replace(tmp, cache_path)
        except OSError:
            pass
    return out


def _batch_claims(ws: Workspace, batch: str) -> pa.Table:
    """One analytic batch's claims as the store's rows, in Arrow (a city-year stays out of pandas).

    Built file by file (one file per month), so a year's raw columns are never all in memory
    beside the rows made from them.
    """
    from graph.store.arrow_frames import claims_table
    from ingest import analytic

    files = analytic.claim_files(ws, [batch])
    if not files:
        return claims_table(analytic.CLAIM_SCHEMA.empty_table())
    return pa.concat_tables([claims_table(pq.read_table(f, schema=analytic.CLAIM_SCHEMA)) for f in files])


def _batch_pieces(ws: Workspace, batch: str):
    """One analytic batch's claim files (one per month), read one at a time as they are asked for."""
    from ingest import analytic

    for f in analytic.claim_files(ws, [batch]):
        yield pq.read_table(f, schema=analytic.CLAIM_SCHEMA)


def sync_graph(ws: Workspace, store=None) -> int:
    """Load every analytic batch the active store lacks, then changed reference files.

    Each batch is loaded together with the reference files, so the nodes it creates get their
    names and registered links in the same load; a reference file already applied unchanged is
    passed as ``settled`` (only the rows about entities the batch creates matter). A changed
    reference file is applied in full with the first new batch, or on its own when no batch is new.
    Returns the number of claims newly added to the graph.
    """
    from ingest import analytic

    own = store is None
    store = open_store(ws) if own else store
    try:
        rebuilt = store.outdated
        if rebuilt:
            # written by an older ringtrace in a format it can no longer add to: the graph is a
            # projection of the analytic copy, so it is built again from it, rings included
            print("图存储格式已更新,正在从分析副本重建 the graph store was written by an older ringtrace; "
                  "rebuilding it from the analytic copy ...", file=sys.stderr, flush=True)
            store.rebuild()
        store.finish_pending()  # e.g. edge totals a stopped LadybugDB merging load left
        done = store.loaded_batches()
        read: dict = {}
        versions = reference_versions(ws, frames=read)
        changed = [k for k in versions if versions[k] not in done]
        new = [b for b in analytic.batches(ws) if b not in done]
        # the files themselves only when something is to load (detect's sync after ingest: nothing)
        refs = {k: read[k] if k in read else analytic.read_reference(ws, k) for k in versions} if new or changed else {}
        added = 0
        for batch in new:
            settled = tuple(k for k in refs if k not in changed)
            if hasattr(store, "load_pieces"):
                # month by month: a city-year's first load never holds the whole year's rows
                added += store.load_pieces(_batch_pieces(ws, batch), **refs, settled=settled)
            else:
                added += store.load(_batch_claims(ws, batch), **refs, settled=settled)
            store.mark_batch(batch)
            for k in changed:
                store.mark_batch(versions[k])
            changed = []
        if changed:
            store.load(None, **{k: refs[k] for k in changed})
            for k in changed:
                store.mark_batch(versions[k])
        if rebuilt and ws.rings_json.exists():
            from graph.detect.ring import read_rings_json

            store.store_rings(read_rings_json(ws.rings_json))
        return added
    finally:
        if own:
            store.close()

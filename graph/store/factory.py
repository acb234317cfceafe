"""Which graph store a workspace uses: Neo4j over Bolt when ``NEO4J_URI`` is set, else LadybugDB.

>>> import os, tempfile
>>> from ringtrace.workspace import Workspace
>>> os.environ.pop("NEO4J_URI", None) and None
>>> with open_store(Workspace(tempfile.mkdtemp())) as store:
...     store.name, store.counts()["claims"]
('ladybug', 0)
"""

from __future__ import annotations

import os

from graph.store.base import GraphStore
from ringtrace.workspace import Workspace

__all__ = ["open_store", "active_store_name"]


def active_store_name() -> str:
    """``"bolt"`` when NEO4J_URI is set, else ``"ladybug"``."""
    return "bolt" if os.environ.get("NEO4J_URI") else "ladybug"


def open_store(ws: Workspace, read_only: bool = False) -> GraphStore:
    """Open the workspace's active graph store; close it (or use ``with``) when done.

    The embedded store opened ``read_only`` may be opened by many readers while one writer
    loads. A read-only store may be held open (the app caches one): LadybugDB would keep it on
    the snapshot it opened, so the store reopens itself before a read when the database file
    has changed since (see :mod:`graph.store.ladybug_store`).
    """
    if active_store_name() == "bolt":
        from graph.store.bolt_store import from_env

        return from_env()
    from graph.store.ladybug_store import LadybugStore

    return LadybugStore(ws.graph_dir, read_only=read_only)

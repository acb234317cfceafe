"""A graph store whose entity reads are remembered per data version (what the guard reads through).

The entity page reruns top to bottom on every click: choosing 2 hops reads the entity's
summary and claims again although only the neighbourhood changed, and going back to 1 hop
reads the 1-hop neighbourhood again. :class:`CachingStore` wraps the store the access guard
opens and remembers the answers of ``summary``, ``neighbourhood`` and ``claims_of`` in one
process-wide LRU shared by all sessions. The key holds the workspace version (bumped by
ingest and detect) and the size and modification time of the graph store's files (a graph
sync does not bump the version), so new data is never served stale.

Only raw store answers are kept here; the guard still masks them for the role and records
every view in the audit trail on each call, so caching changes nothing about who sees what.
:func:`prefetch` fills the cache ahead of a click (the next hop) without going through the
guard: nothing is shown or recorded until the user asks for it.

>>> class Fake:
...     calls = 0
...     def neighbourhood(self, type, id, hops=1, **kw):
...         Fake.calls += 1
...         return (type, id, hops)
...     def close(self): pass
>>> from ringtrace.workspace import Workspace
>>> import tempfile
>>> ws = Workspace(tempfile.mkdtemp())
>>> s = CachingStore(ws, Fake())
>>> s.neighbourhood("card", "C1", hops=2) == s.neighbourhood("card", "C1", hops=2) == ("card", "C1", 2)
True
>>> Fake.calls
1
>>> _ = ws.bump_version(); _ = s.neighbourhood("card", "C1", hops=2); Fake.calls
2
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

__all__ = ["CachingStore", "opener", "prefetch", "prefetch_in_background", "data_key"]

_CACHED = ("summary", "neighbourhood", "claims_of")
_MAX_ENTRIES = 256
_MAX_ROWS = 5_000  # larger answers (bulk claim reads) pass through uncached, bounding memory
_LOCK = threading.Lock()
_CACHE: OrderedDict = OrderedDict()
_PENDING: dict = {}  # key -> Event set when the read under way ends (in the cache or failed)


def data_key(ws) -> tuple:
    """What the store's answers depend on: the workspace version and the graph files' state."""
    sig = []
    try:
        for f in sorted(ws.graph_dir.iterdir()):
            if f.is_file():
                st = f.stat()
                sig.append((f.name, st.st_size, st.st_mtime_ns))
    except FileNotFoundError:
        pass
    return (str(ws.root), ws.version(), tuple(sig))


def _small(value) -> bool:
    """Whether an answer is worth keeping: a page's worth, not a bulk read (an export's claims)."""
    n = getattr(value, "shape", (0,))[0] if hasattr(value, "shape") else len(getattr(value, "nodes", ()) or ())
    return n <= _MAX_ROWS


def _freeze(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if hasattr(value, "type") and hasattr(value, "id"):  # graph.store.base.Node
        return ("node", value.type, value.id)
    return value


class CachingStore:
    """Wraps an open store; the entity reads come from the shared cache when the data is unchanged.

    Anything else (``find``, ``counts``, ...) passes straight through to the wrapped store.
    """

    def __init__(self, ws, store):
        self._ws = ws
        # An open store, or a callable opening one: opened on the first read the cache cannot
        # answer, so a rerun served from the cache does not open the database at all.
        self._store = None if callable(store) and not hasattr(store, "close") else store
        self._open = store if self._store is None else None

    def _real(self):
        if self._store is None:
            self._store = self._open()
        return self._store

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in _CACHED:
            return getattr(self._real(), name)

        def cached(*args, **kwargs):
            key = (data_key(self._ws), name, _freeze(args), _freeze(kwargs))
            while True:
                with _LOCK:
                    if key in _CACHE:
                        _CACHE.move_to_end(key)
                        # the guard reshapes what it gets (masking): hand out a copy, keep ours clean
                        return copy.deepcopy(_CACHE[key])
                    pending = _PENDING.get(key)
                    if pending is None:
                        pending = _PENDING[key] = threading.Event()
                        break
                # The same read is under way (a prefetch, or a rerun Streamlit started while the
                # previous run still reads): wait for it instead of reading twice at once.
                pending.wait()
            try:
                value = getattr(self._real(), name)(*args, **kwargs)
                if _small(value):
                    with _LOCK:
                        _CACHE[key] = copy.deepcopy(value)
                        while len(_CACHE) > _MAX_ENTRIES:
                            _CACHE.popitem(last=False)
            finally:
                with _LOCK:
                    _PENDING.pop(key, None)
                pending.set()
            return value

        return cached

    def close(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            if self._open is None:  # handed in open: closed once, like the store itself
                self._open = _closed
            store.close()


def _closed():
    raise RuntimeError("this store was closed")


def opener(ws):
    """The callable the guard opens its store with (``Guard(ws, user, store=opener(ws))``)."""
    from graph.store.factory import open_store

    def open_cached():
        return CachingStore(ws, lambda: open_store(ws, read_only=True))

    return open_cached


def prefetch(ws, type: str, id: str, *, open_store=None, **kwargs) -> None:
    """Read a neighbourhood into the cache (raw id, as the store knows it); nothing is returned."""
    store = (open_store or opener(ws))()
    try:
        store.neighbourhood(type, id, **kwargs)
    finally:
        store.close()


def prefetch_in_background(ws, type: str, id: str, **kwargs) -> threading.Thread:
    """:func:`prefetch` on a thread, so the page's run ends as soon as it is drawn.

    Run inside the page, a city-year's 2-hop read (about a second) kept the run going and any
    click waited for it. A click that needs the same neighbourhood meanwhile waits for this read
    (the cache's pending reads) instead of reading it a second time. A failure is left to that
    read, which tries again and shows the error.
    """
    def run():
        try:
            prefetch(ws, type, id, **kwargs)
        except Exception:
            pass

    thread = threading.Thread(target=run, name="ringtrace-prefetch", daemon=True)
    thread.start()
    return thread

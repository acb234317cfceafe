"""The shared cache of store answers: never stale, never shared mutably, one read at a time."""

from __future__ import annotations

import threading
import time

import pytest

from app.views import storecache
from ringtrace.workspace import Workspace


class CountingStore:
    """A store double that counts reads and answers with a fresh mutable object each time."""

    def __init__(self, delay: float = 0.0):
        self.calls = 0
        self.delay = delay
        self.closed = False
        self._lock = threading.Lock()

    def neighbourhood(self, type, id, hops=1, max_nodes=200, since=None, until=None):
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        return {"nodes": [f"{type}:{id}"], "hops": hops, "max_nodes": max_nodes}

    def summary(self, type, id):
        with self._lock:
            self.calls += 1
        return {"id": id}

    def counts(self):
        with self._lock:
            self.calls += 1
        return {"claims": 1}

    def close(self):
        self.closed = True


@pytest.fixture
def ws(tmp_path):
    storecache._CACHE.clear()
    w = Workspace(tmp_path / "ws").ensure()
    w.graph_dir.mkdir(parents=True, exist_ok=True)
    (w.graph_dir / "db").write_bytes(b"x")
    return w


def test_same_read_is_answered_once_until_the_data_changes(ws):
    raw = CountingStore()
    s = storecache.CachingStore(ws, raw)
    first = s.neighbourhood("card", "C1", hops=2, max_nodes=200)
    assert s.neighbourhood("card", "C1", hops=2, max_nodes=200) == first
    assert raw.calls == 1
    # other arguments are other reads
    s.neighbourhood("card", "C1", hops=1, max_nodes=200)
    s.neighbourhood("card", "C2", hops=2, max_nodes=200)
    assert raw.calls == 3
    # ingest or detect bumps the version: read again
    ws.bump_version()
    s.neighbourhood("card", "C1", hops=2, max_nodes=200)
    assert raw.calls == 4
    # a graph sync changes the store's files without a version bump: read again
    (ws.graph_dir / "db").write_bytes(b"xy")
    s.neighbourhood("card", "C1", hops=2, max_nodes=200)
    assert raw.calls == 5


def test_callers_get_copies_so_masking_one_answer_cannot_change_the_cache(ws):
    s = storecache.CachingStore(ws, CountingStore())
    a = s.summary("patient", "P1")
    a["id"] = "3309**********1234"
    assert s.summary("patient", "P1") == {"id": "P1"}


def test_other_reads_pass_through_uncached_and_close_closes_the_store(ws):
    raw = CountingStore()
    s = storecache.CachingStore(ws, raw)
    s.counts()
    s.counts()
    assert raw.calls == 2
    s.close()
    assert raw.closed


def test_concurrent_identical_reads_wait_for_the_one_under_way(ws):
    raw = CountingStore(delay=0.3)
    results = []

    def read():
        results.append(storecache.CachingStore(ws, raw).neighbourhood("doctor", "D1", hops=2))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert raw.calls == 1
    assert len(results) == 3 and all(r == results[0] for r in results)


def test_a_failed_read_is_not_cached_and_does_not_block_the_next(ws):
    class Failing(CountingStore):
        def neighbourhood(self, *a, **k):
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("store busy")
            return "ok"

    raw = Failing()
    s = storecache.CachingStore(ws, raw)
    with pytest.raises(RuntimeError):
        s.neighbourhood("card", "C1")
    assert s.neighbourhood("card", "C1") == "ok"
    assert not storecache._PENDING


def test_a_store_is_opened_only_when_the_cache_cannot_answer(ws):
    opened = []

    def open_store():
        opened.append(CountingStore())
        return opened[-1]

    s = storecache.CachingStore(ws, open_store)
    s.neighbourhood("card", "C9", hops=1)
    s.close()
    assert len(opened) == 1 and opened[0].closed
    again = storecache.CachingStore(ws, open_store)
    assert again.neighbourhood("card", "C9", hops=1)["nodes"] == ["card:C9"]
    again.close()
    assert len(opened) == 1  # answered from the cache: no database opened
    again.counts()  # not cached: opens the store
    assert len(opened) == 2


def test_bulk_answers_are_not_kept(ws):
    import pandas as pd

    class Bulk(CountingStore):
        def claims_of(self, nodes, limit=10_000, **kw):
            self.calls += 1
            return pd.DataFrame({"claim_id": [f"X{i}" for i in range(limit)]})

    raw = Bulk()
    s = storecache.CachingStore(ws, raw)
    for _ in range(2):
        s.claims_of(["n"], limit=20_000)
    assert raw.calls == 2
    for _ in range(2):
        s.claims_of(["n"], limit=2_000)
    assert raw.calls == 3


def test_a_background_prefetch_is_waited_for_not_read_twice(ws):
    """The entity page prefetches the next hop on a thread; a click meanwhile gets that read."""
    raw = CountingStore(delay=0.3)
    thread = storecache.prefetch_in_background(
        ws, "card", "C1", open_store=lambda: storecache.CachingStore(ws, raw), hops=2, max_nodes=200)
    time.sleep(0.05)  # the prefetch's read is under way
    assert thread.is_alive()
    page = CountingStore()  # the page's own store: must not be read
    got = storecache.CachingStore(ws, page).neighbourhood("card", "C1", hops=2, max_nodes=200)
    thread.join(5)
    assert got == {"nodes": ["card:C1"], "hops": 2, "max_nodes": 200}
    assert raw.calls == 1 and raw.closed and page.calls == 0


def test_a_failed_background_prefetch_leaves_the_read_to_the_page(ws):
    class Broken(CountingStore):
        def neighbourhood(self, *a, **k):
            raise RuntimeError("store went away")

    thread = storecache.prefetch_in_background(
        ws, "card", "C1", open_store=lambda: storecache.CachingStore(ws, Broken()), hops=2, max_nodes=200)
    thread.join(5)
    page = CountingStore()
    assert storecache.CachingStore(ws, page).neighbourhood("card", "C1", hops=2, max_nodes=200)["hops"] == 2
    assert page.calls == 1

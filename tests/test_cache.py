"""The response cache: LRU by entries and bytes."""

from __future__ import annotations

from server.cache import Cached, ResponseCache


def test_lru_by_entries() -> None:
    cache = ResponseCache(max_entries=2)
    for key in "abc":
        cache.put(key, Cached(key.encode(), "text/plain"))
    assert cache.get("a") is None and cache.get("c") is not None and len(cache) == 2


def test_bounded_by_bytes_and_huge_items_skipped() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=400)
    cache.put("huge", Cached(b"x" * 101, "text/plain"))
    assert cache.get("huge") is None
    for i in range(10):
        cache.put(i, Cached(b"x" * 100, "text/plain"))
    assert len(cache) == 4 and cache.get(9) is not None and cache.get(0) is None


def test_hits_misses_and_clear() -> None:
    cache = ResponseCache(max_entries=10)
    cache.put("k", Cached(b"v", "text/plain"))
    assert cache.get("k") == Cached(b"v", "text/plain") and cache.get("x") is None
    assert (cache.hits, cache.misses) == (1, 1)
    cache.clear()
    assert len(cache) == 0

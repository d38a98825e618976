"""Rendered feeds, cached per (snapshot version, base URL, format, language, normalised filter): what makes
polling feed readers cheap, together with ETag / Last-Modified and 304 answers."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from service.snapshot import Version

# Feeds with closing-within or a calendar window depend on the clock, not only on the data.
CACHE_TTL_S = 600
CACHE_MAX_BYTES = 128 * 1024 * 1024

# (snapshot version, ...): the version comes first, drop_other_versions reads it there.
CacheKey = tuple[Hashable, ...]


@dataclass
class CachedFeed:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    last_modified: datetime
    created: float


class FeedCache:
    """LRU of rendered feeds, bounded in bytes; concurrent misses for one key render once."""

    def __init__(self, max_bytes: int = CACHE_MAX_BYTES, ttl: float = CACHE_TTL_S) -> None:
        self.max_bytes, self.ttl = max_bytes, ttl
        self._entries: OrderedDict[CacheKey, CachedFeed] = OrderedDict()
        self._bytes = 0
        self._inflight: dict[CacheKey, asyncio.Future[CachedFeed]] = {}

    def _store(self, key: CacheKey, entry: CachedFeed) -> None:
        old = self._entries.pop(key, None)
        if old:
            self._bytes -= len(old.body) + len(old.gzipped)
        self._entries[key] = entry
        self._bytes += len(entry.body) + len(entry.gzipped)
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body) + len(evicted.gzipped)

    async def get(self, key: CacheKey, build: Callable[[CachedFeed | None], CachedFeed]) -> CachedFeed:
        """The cached feed, or build(previous entry or None) in a worker thread."""
        entry = self._entries.get(key)
        if entry and time.monotonic() - entry.created < self.ttl:
            self._entries.move_to_end(key)
            return entry
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[CachedFeed] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            fresh = await run_in_threadpool(build, entry)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters, if any, get it re-raised
            raise
        finally:
            self._inflight.pop(key, None)
        self._store(key, fresh)
        future.set_result(fresh)
        return fresh

    def drop_other_versions(self, version: Version) -> None:
        for key in [k for k in self._entries if k[0] != version]:
            old = self._entries.pop(key)
            self._bytes -= len(old.body) + len(old.gzipped)

"""The playback cache: query, timeline and XProtect sequence results per camera, with a TTL (seeds'
PLAYBACK_CACHE_TTL, 300 s) and a short TTL for ranges that reach "now" (they still grow).

Invalidation: ``invalidate(camera_id)`` drops the camera's entries and bumps its generation; a result computed
while that happened (``generation`` read before computing, ``put(..., generation=...)`` after) is not stored,
so a slow query never puts back what a segment write just made stale. Time comes from the injected clock's
``monotonic()`` (tests use ``milestone.clock.ManualClock``). Thread-safe (one lock); bounded by
``max_entries`` (least recently used evicted first). Hits and misses are counted per kind for /metrics.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from milestone.clock import Clock

CacheKey = tuple[Hashable, ...]  # (kind, camera_id, ...)
OnCount = Callable[[str, str], None]  # (kind, "hit" | "miss" | "invalidation")


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """``ttl_s`` for ranges in the past, ``live_ttl_s`` for ranges ending less than ``live_margin_s`` before
    now; ``enabled`` False turns the cache into a pass-through (benchmarks, debugging). Seconds."""

    enabled: bool = True
    ttl_s: float = 300.0
    live_ttl_s: float = 5.0
    live_margin_s: float = 10.0
    max_entries: int = 2048

    def ttl_for(self, end_us: int, now_us: int) -> float:
        """The TTL of a result whose range ends at ``end_us`` (UTC µs), asked at ``now_us``."""
        return self.live_ttl_s if end_us > now_us - self.live_margin_s * 1_000_000 else self.ttl_s


@dataclass(slots=True)
class _Entry:
    value: Any
    expires: float  # monotonic s
    generation: int


class PlaybackCache:
    """See the module docstring. Keys are tuples whose first item is the kind and second the camera id."""

    def __init__(self, policy: CachePolicy, clock: Clock, on_count: OnCount | None = None) -> None:
        self.policy = policy
        self._clock = clock
        self._on_count = on_count
        self._lock = threading.Lock()
        self._entries: OrderedDict[CacheKey, _Entry] = OrderedDict()
        self._generations: dict[str, int] = {}
        self.hits = 0
        self.misses = 0
        self.invalidations = 0

    def __len__(self) -> int:
        return len(self._entries)

    def generation(self, camera_id: str) -> int:
        """The camera's current generation (read it before computing a result to ``put``)."""
        with self._lock:
            return self._generations.get(camera_id, 0)

    def get(self, key: CacheKey) -> Any | None:
        """The cached value, or None (expired, invalidated, absent or caching disabled); counts hit/miss."""
        kind = str(key[0])
        with self._lock:
            entry = self._entries.get(key) if self.policy.enabled else None
            if entry is not None and (
                entry.expires <= self._clock.monotonic() or entry.generation != self._generations.get(str(key[1]), 0)
            ):
                del self._entries[key]
                entry = None
            if entry is None:
                self.misses += 1
            else:
                self._entries.move_to_end(key)
                self.hits += 1
        self._count(kind, "miss" if entry is None else "hit")
        return None if entry is None else entry.value

    def put(self, key: CacheKey, value: Any, ttl_s: float, generation: int) -> bool:
        """Store ``value`` for ``ttl_s`` seconds unless the camera was invalidated since ``generation`` was
        read (or caching is disabled or ``ttl_s`` <= 0). Returns whether it was stored."""
        if not self.policy.enabled or ttl_s <= 0:
            return False
        camera_id = str(key[1])
        with self._lock:
            if self._generations.get(camera_id, 0) != generation:
                return False
            self._entries[key] = _Entry(value, self._clock.monotonic() + ttl_s, generation)
            self._entries.move_to_end(key)
            while len(self._entries) > self.policy.max_entries:
                self._entries.popitem(last=False)
        return True

    def invalidate(self, camera_id: str) -> None:
        """Forget everything cached about ``camera_id`` (callable from any thread)."""
        with self._lock:
            self._generations[camera_id] = self._generations.get(camera_id, 0) + 1
            for key in [k for k in self._entries if k[1] == camera_id]:
                del self._entries[key]
            self.invalidations += 1
        self._count("any", "invalidation")

    def _count(self, kind: str, what: str) -> None:
        if self._on_count is not None:
            self._on_count(kind, what)

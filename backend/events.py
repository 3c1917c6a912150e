"""In-process event bus feeding the WebSocket ``/api/v1/events`` (DESIGN.md §6).

Services publish with ``bus.publish(type, camera_id=None, **data)`` from the event loop or from any thread;
each subscriber (one per WebSocket client) has a bounded queue: when a client is too slow the oldest queued
event is dropped and counted, and publishers never block or fail because of a client.

Wire shape of an event (JSON): ``{"type": str, "time_us": int (UTC µs), "camera_id": str | null, "data": {...}}``.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from milestone.clock import Clock, SystemClock

log = logging.getLogger(__name__)

# Event types of the WebSocket (DESIGN.md §6). Publishing another type raises ValueError.
EVENT_TYPES = frozenset(
    {
        "recording_started",
        "recording_progress",
        "recording_stopped",
        "segment_uploaded",
        "camera_status",
        "quota_changed",
        "detection",
        "milestone_status",
        "export_progress",
        "clip_changed",
        "annotation_changed",
        "incident_changed",
        "layout_changed",
    }
)
DEFAULT_QUEUE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Event:
    """One published event; ``time_us`` is the publish time in UTC microseconds."""

    type: str
    time_us: int
    camera_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "time_us": self.time_us, "camera_id": self.camera_id, "data": self.data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), default=str)


class Subscription:
    """A bounded queue of events for one consumer, filled by the bus in the bus's loop.

    ``await get()`` returns the next event (raises ``EOFError`` once the subscription is closed and drained);
    ``dropped`` counts events discarded because the queue was full (oldest first). Use as an async context
    manager or call ``close()``.
    """

    def __init__(
        self,
        bus: EventBus,
        maxsize: int,
        types: frozenset[str] | None,
        camera_ids: frozenset[str] | None,
    ) -> None:
        self._bus = bus
        self._queue: collections.deque[Event] = collections.deque(maxlen=maxsize)
        self._ready = asyncio.Event()
        self._closed = False
        self.types = types
        self.camera_ids = camera_ids
        self.dropped = 0
        self.delivered = 0

    def wants(self, event: Event) -> bool:
        if self.types is not None and event.type not in self.types:
            return False
        return self.camera_ids is None or event.camera_id in self.camera_ids

    def _offer(self, event: Event) -> bool:
        """Queue ``event`` (loop thread only); returns False when an older event had to be dropped."""
        if self._closed:
            return True
        full = len(self._queue) == self._queue.maxlen
        if full:
            self.dropped += 1
        self._queue.append(event)
        self._ready.set()
        return not full

    async def get(self) -> Event:
        while not self._queue:
            if self._closed:
                raise EOFError("subscription closed")
            self._ready.clear()
            await self._ready.wait()
        self.delivered += 1
        return self._queue.popleft()

    def close(self) -> None:
        """Stop receiving; a waiting ``get()`` raises EOFError once the queue is empty."""
        if not self._closed:
            self._closed = True
            self._ready.set()
            self._bus._remove(self)

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.close()


class EventBus:
    """Publish/subscribe for backend events. Bind it to the running loop with ``start()`` (the app's lifespan
    does); before that, or after ``close()``, publishing still returns the event but delivers nothing.

    ``publish`` is thread-safe; subscription methods are for the loop thread. ``on_publish``/``on_drop``
    callbacks (metrics) are called in the loop thread with the event type.
    """

    def __init__(self, clock: Clock | None = None, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self._clock: Clock = clock or SystemClock()
        self._queue_size = queue_size
        self._subs: list[Subscription] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._lock = threading.Lock()
        self.published = 0
        self.dropped = 0
        self.on_publish: Callable[[str], None] | None = None
        self.on_drop: Callable[[str], None] | None = None

    def start(self) -> None:
        """Bind to the running event loop (call from a coroutine)."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()

    def close(self) -> None:
        """Close every subscription (their WebSocket clients get a normal close) and stop delivering."""
        for sub in list(self._subs):
            sub.close()
        self._loop = None

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def subscribe(
        self,
        *,
        types: Iterable[str] | None = None,
        camera_ids: Iterable[str] | None = None,
        maxsize: int | None = None,
    ) -> Subscription:
        """A new subscription receiving events published from now on, optionally only of ``types`` and for
        ``camera_ids``. Raises ValueError for an unknown type."""
        wanted = frozenset(types) if types is not None else None
        if wanted is not None and not wanted <= EVENT_TYPES:
            raise ValueError(f"unknown event types: {sorted(wanted - EVENT_TYPES)}")
        sub = Subscription(self, maxsize or self._queue_size, wanted, frozenset(camera_ids) if camera_ids else None)
        with self._lock:
            self._subs.append(sub)
        return sub

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def publish(self, type: str, camera_id: str | None = None, **data: Any) -> Event:
        """Publish an event of ``type`` (one of EVENT_TYPES) about ``camera_id`` with JSON-serialisable ``data``.

        Never blocks: from the loop thread it is queued to every subscriber at once, from another thread it is
        handed to the loop. Raises ValueError for an unknown type.
        """
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {type!r}")
        event = Event(type, int(self._clock.time() * 1_000_000), camera_id, dict(data))
        loop = self._loop
        if loop is None or loop.is_closed():
            return event
        if threading.get_ident() == self._thread:
            self._deliver(event)
        else:
            try:
                loop.call_soon_threadsafe(self._deliver, event)
            except RuntimeError:  # the loop closed meanwhile
                pass
        return event

    def _deliver(self, event: Event) -> None:
        self.published += 1
        if self.on_publish is not None:
            self.on_publish(event.type)
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            if sub.wants(event) and not sub._offer(event):
                self.dropped += 1
                if self.on_drop is not None:
                    self.on_drop(event.type)

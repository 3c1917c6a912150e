"""The playback component of the backend's lifespan: recordings query, timeline, playback sources, outages.

Start (after storage, before recording, see ``backend.app.default_components``): close the outages a crashed
run left open (at their last heartbeat), record the backend's downtime during LOCAL/BOTH sessions still marked
active as ``recorder_down`` outages, then follow the event bus:
- ``camera_status`` with a ``recorder`` state (the local recorder's source): ``reconnecting`` opens a
  ``camera_offline`` outage, ``auth_failed``/``no_permission`` a ``recorder_down`` one, ``live``/``stopped``
  close them;
- ``segment_uploaded``, ``recording_*``, ``camera_status``, ``quota_changed``: the camera's cached query and
  timeline results are dropped.
Open outages get a heartbeat every ``HEARTBEAT_S``. Puts ``playback_query``, ``playback_access`` and
``outages`` on ``app.state``; counts cache hits and misses in /metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.orm import sessionmaker

from backend.db.reads import ReadDatabase
from backend.events import Event, Subscription
from backend.settings import PlaybackSettings

from .access import PlaybackAccess
from .cache import CachePolicy, PlaybackCache
from .local_index import SuspectCameras
from .milestone_source import MilestoneSource
from .outages import OutageLog
from .query import RecordingsQuery
from .sources import SegmentLocator

log = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
INVALIDATING = (
    "segment_uploaded",
    "recording_started",
    "recording_progress",
    "recording_stopped",
    "camera_status",
    "quota_changed",
)
# The local recorder's source state -> the outage it starts (None: it ends the recorder's outages).
RECORDER_STATES: dict[str, str | None] = {
    "reconnecting": "camera_offline",
    "auth_failed": "recorder_down",
    "no_permission": "recorder_down",
    "live": None,
    "stopped": None,
}


class PlaybackComponent:
    """See the module docstring."""

    name = "playback"

    def __init__(self, ctx: Any) -> None:
        settings: PlaybackSettings = ctx.settings.playback
        self._clock = ctx.clock
        self._bus = ctx.bus
        metrics = ctx.metrics
        hits = metrics.counter("backend_playback_cache_hits_total", "Playback cache hits by kind", ["kind"])
        misses = metrics.counter("backend_playback_cache_misses_total", "Playback cache misses by kind", ["kind"])
        invalidations = metrics.counter(
            "backend_playback_cache_invalidations_total", "Cameras whose cached playback results were dropped"
        )

        def count(kind: str, what: str) -> None:
            if what == "hit":
                hits.labels(kind).inc()
            elif what == "miss":
                misses.labels(kind).inc()
            else:
                invalidations.inc()

        policy = CachePolicy(
            enabled=settings.cache_enabled,
            ttl_s=settings.cache_ttl_s,
            live_ttl_s=settings.live_cache_ttl_s,
            live_margin_s=settings.live_margin_s,
            max_entries=settings.cache_max_entries,
        )
        self.cache = PlaybackCache(policy, ctx.clock, on_count=count)
        metrics.gauge_callback(
            "backend_playback_cache_entries", "Results in the playback cache", lambda: len(self.cache)
        )
        self.outages = OutageLog(sessionmaker(ctx.db.engine, expire_on_commit=False), ctx.clock, self.cache.invalidate)
        storage = getattr(ctx.state, "storage", None)
        locator = SegmentLocator(
            storage.spool.root if storage is not None else ctx.settings.spool_path,
            storage.store if storage is not None else None,
            presign=settings.presign_urls,
            presign_expiry_s=settings.presign_expiry_s,
        )
        milestone = MilestoneSource(ctx.milestone, timeout_s=settings.milestone_timeout_s)
        self.reads: ReadDatabase = ctx.state.reads  # the app's read-only engine (backend.app)
        suspects = SuspectCameras(ctx.clock, ttl_s=max(1.0, settings.live_cache_ttl_s))
        self.query = RecordingsQuery(
            self.reads, milestone, self.cache, ctx.clock, spool_root=locator.spool_root, suspects=suspects
        )
        self.access = PlaybackAccess(
            self.reads,
            milestone,
            locator,
            suspects=suspects,
            max_segments=settings.max_source_segments,
            snapshot_concurrency=settings.snapshot_concurrency,
        )
        self._open: dict[tuple[str, str], int] = {}  # (camera id, kind) -> open outage id written by us
        self._subscription: Subscription | None = None
        self._tasks: list[asyncio.Task[None]] = []
        metrics.gauge_callback("backend_playback_open_outages", "Outages being recorded now", lambda: len(self._open))
        ctx.state.playback_query = self.query
        ctx.state.playback_access = self.access
        ctx.state.outages = self.outages
        ctx.state.playback_settings = settings

    async def start(self) -> None:
        stale = await asyncio.to_thread(self.outages.close_stale)
        downtime = await asyncio.to_thread(self.outages.record_backend_downtime)
        if stale or downtime:
            log.info(
                "outages: %d left open by the previous run closed, %d backend downtime(s) recorded",
                len(stale),
                len(downtime),
            )
        self._subscription = self._bus.subscribe(types=INVALIDATING, maxsize=4096)
        self._tasks = [
            asyncio.create_task(self._follow(self._subscription), name="playback-events"),
            asyncio.create_task(self._heartbeat(), name="playback-outage-heartbeat"),
        ]

    async def stop(self) -> None:
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            subscription.close()  # the follower drains what is queued (e.g. the recorders' "stopped"), then ends
        follower = self._tasks[0] if self._tasks else None
        if follower is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(follower), 5.0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _follow(self, subscription: Subscription) -> None:
        while True:
            try:
                event = await subscription.get()
            except EOFError:
                return
            try:
                await self._handle(event)
            except Exception:
                log.exception("playback: handling %s event failed", event.type)

    async def _handle(self, event: Event) -> None:
        camera_id = event.camera_id
        if camera_id is None:
            return
        self.cache.invalidate(camera_id)
        state = event.data.get("recorder") if event.type == "camera_status" else None
        if not isinstance(state, str) or state not in RECORDER_STATES:
            return
        starts = RECORDER_STATES[state]
        detail = str(event.data.get("detail") or "") or None
        for kind in ("camera_offline", "recorder_down"):
            outage_id = self._open.get((camera_id, kind))
            if outage_id is not None and kind != starts:
                await asyncio.to_thread(self.outages.close, outage_id, event.time_us)
                del self._open[(camera_id, kind)]
        if starts is not None and (camera_id, starts) not in self._open:
            try:
                self._open[(camera_id, starts)] = await asyncio.to_thread(
                    self.outages.open, camera_id, starts, source="recorder", start_us=event.time_us, detail=detail
                )
            except ValueError as exc:  # the camera was removed meanwhile
                log.warning("outage of camera %s not recorded: %s", camera_id, exc)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            if self._open:
                try:
                    await asyncio.to_thread(self.outages.heartbeat, list(self._open.values()))
                except Exception:
                    log.exception("playback: outage heartbeat failed")

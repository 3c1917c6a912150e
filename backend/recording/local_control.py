"""LocalRecordingControl: the backend records a camera itself (stream copy into spool segments, then upload).

Source per camera: its RTSP URL when set, else XProtect's ImageServer live H.264 through the backend's
Milestone session. Each closed segment is indexed and queued for upload at once (``Uploader.add_closed_segment``);
``stop()`` returns after the last segment is durable and indexed. A recorder that ends by itself (its source
failed) is reported to ``on_ended(camera_id)`` (the manager gives its stream slot back and starts it again). An
ImageServer recorder keeps the Milestone session it started with; when the link logs in again (a new session,
the old one closed) ``needs_restart`` says so and the manager restarts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from backend.milestone_link import MilestoneLink
from backend.storage.component import StorageComponent
from backend.storage.errors import StorageError
from media.recorder import LocalRecorder
from media.recorder_packets import PacketSource
from media.segment_writer import SegmentWriter
from media.stream_stats import StreamState
from milestone.clock import Clock
from milestone.session import MilestoneSession

from .camera_stream import CameraStreamUnavailable, open_camera_stream, session_replaced
from .errors import LocalRecordingUnavailableError
from .ports import CameraTarget, Publisher

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Running:
    recorder: LocalRecorder
    task: asyncio.Task[None]
    session_id: str
    milestone: MilestoneSession | None  # the XProtect session an ImageServer source reads through (None: RTSP)
    indexing: set[asyncio.Task[int]] = field(default_factory=set)


class LocalRecorders:
    """One LocalRecorder per recording camera; see the module docstring."""

    def __init__(
        self,
        storage: StorageComponent,
        link: MilestoneLink,
        clock: Clock,
        *,
        segment_seconds: float,
        publish: Publisher | None = None,
        on_ended: Callable[[str], None] | None = None,
    ) -> None:
        self._publish = publish
        self._on_ended = on_ended
        self._storage = storage
        self._link = link
        self._clock = clock
        self._segment_seconds = segment_seconds
        self._running: dict[str, _Running] = {}

    def ensure_can_record(self, camera: CameraTarget) -> None:
        """Raises LocalRecordingUnavailableError when the spool's disk is nearly full."""
        try:
            self._storage.spool.ensure_space()
        except StorageError as exc:
            raise LocalRecordingUnavailableError(exc.message, exc.message_ar) from exc

    async def start(self, camera: CameraTarget, session_id: str) -> None:
        """Start recording ``camera`` (idempotent: a running recorder takes the new session id)."""
        running = self._running.get(camera.id)
        if running is not None and not running.task.done():
            running.session_id = session_id
            return
        source, milestone = await self._source(camera)
        uploader = self._storage.uploader
        writer = SegmentWriter(self._storage.spool.root, camera.id, segment_seconds=self._segment_seconds)
        entry: _Running

        def on_segment(closed) -> None:
            task = asyncio.ensure_future(uploader.add_closed_segment(closed, camera.id, entry.session_id))
            entry.indexing.add(task)
            task.add_done_callback(entry.indexing.discard)

        recorder = LocalRecorder(source, writer, on_segment=on_segment)
        task = asyncio.create_task(recorder.run(), name=f"local-recorder-{camera.id}")
        entry = _Running(recorder, task, session_id, milestone)
        self._running[camera.id] = entry
        task.add_done_callback(lambda _t: self._ended(camera.id, entry))
        log.info("local recording of camera %s started", camera.id)

    async def stop(self, camera_id: str) -> None:
        """Stop and close the camera's current segment durably; returns once its segments are indexed."""
        entry = self._running.pop(camera_id, None)
        if entry is None:
            return
        await entry.recorder.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await entry.task
        if entry.indexing:
            await asyncio.gather(*entry.indexing, return_exceptions=True)
        log.info("local recording of camera %s stopped", camera_id)

    def needs_restart(self, camera_id: str) -> bool:
        """True when the camera's running ImageServer recorder reads through a Milestone session the link has
        replaced (closed: its vms_token is gone, so the recorder gets nothing until it is started again)."""
        entry = self._running.get(camera_id)
        if entry is None or entry.milestone is None or entry.task.done():
            return False
        return session_replaced(self._link, entry.milestone)  # not connected now: False, the next connection tells

    def _ended(self, camera_id: str, entry: _Running) -> None:
        """The recorder's task finished: unless ``stop()`` ended it, tell ``on_ended``."""
        if self._running.get(camera_id) is entry and self._on_ended is not None:
            try:
                self._on_ended(camera_id)
            except Exception:
                log.exception("on_ended of camera %s failed", camera_id)

    def _on_state(self, camera_id: str):
        """The source's connection state, published as ``camera_status`` (``recorder`` = the state's value)."""

        def on_state(state: StreamState, detail: str) -> None:
            if self._publish is not None:
                self._publish("camera_status", camera_id=camera_id, recorder=state.value, detail=detail)

        return on_state

    async def _source(self, camera: CameraTarget) -> tuple[PacketSource, MilestoneSession | None]:
        """The camera's packet source and the Milestone session it reads through (None: RTSP). Raises
        LocalRecordingUnavailableError when XProtect's live stream cannot be had now."""
        try:
            return await open_camera_stream(camera, self._link, self._clock, self._on_state(camera.id))
        except CameraStreamUnavailable as exc:
            raise LocalRecordingUnavailableError(
                f"the camera's XProtect live stream is not available ({exc.reason})",
                "البث المباشر للكاميرا من XProtect غير متاح",
            ) from exc

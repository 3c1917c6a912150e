"""Live mode of object detection (issue 6 §2): the cameras of ``detection.live_cameras`` are watched on their live
stream, one picture about every ``1 / detection.live_fps`` seconds going through the pipeline's detectors.

Per configured camera, one task (:class:`LiveCamera`) loops through:

1. **Resolve** the configured name (backend camera id or XProtect device id, ``live_source.LiveCameras``). An
   unknown or disabled camera is state ``error`` with a bilingual message in ``GET /api/v1/detection/status``,
   the ``detection`` health check and the log; it is looked up again every ``RESOLVE_RETRY_S`` (the camera may
   be imported later). Never a crash.
2. **Wait for the detectors**: while the pipeline's worker processes load or no detector works, state
   ``waiting`` (no stream is pulled for nothing).
3. **Reserve a stream slot** of kind ``live`` (holder ``detection:<host>:<pid>``, ``live_source.LiveSlot``). A
   full agency is state ``quota_full`` (retried every TTL/3: live detection never takes a stream beyond the
   quota); a quota store that does not answer is ``waiting`` (retried with back-off).
4. **Open the live stream** as the local recorder does (``live_source.open_live_source``: RTSP URL, else the
   ImageServer through the backend's XProtect session). The source reconnects with back-off by itself; its
   states (``connecting``, ``live``, ``reconnecting``, ``auth_failed``, ``no_permission``) are the camera's.
5. **Sample** (``live_sampler.LiveSampler``: key frames only when the GOP fits the interval, else the partial
   GOP up to the due frame) and hand each sample to :meth:`DetectionPipeline.analyse_live` (the existing
   worker pool: decoding and models run there). At most one picture per camera is in flight and one waits
   behind it (the ImageServer delivers a second of packets at a time, so samples come in bursts); a newer
   sample replaces the waiting one, which is counted as ``skipped``. Detections are stored with ``segment_id`` NULL and
   ``at_us`` = the picture's wall time (the packet time the source gave it), and watched labels are announced.
6. While streaming, every ``TICK_S`` a keeper heartbeats the slot when due (TTL/3; a refused re-reservation
   stops the stream: ``quota_full``; a store that is down keeps the stream, the slot's TTL still runs) and
   reopens an ImageServer stream whose XProtect session the link replaced.

:meth:`LiveDetection.stop` (shutdown) cancels the tasks; each closes its stream and releases its slot.
Timers use real-time sleeps; the slot heartbeat is due by the injected clock's ``monotonic()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from datetime import UTC, datetime

from backend.detection.live_sampler import LiveSample, LiveSampler
from backend.detection.live_source import (
    LiveCameraError,
    LiveCameras,
    LiveSlot,
    LiveSourceUnavailableError,
    open_live_source,
)
from backend.detection.live_worker import LiveJob
from backend.detection.pipeline import DetectionPipeline
from backend.detection.status import NO_DETECTOR, STARTING, LiveCameraStatus
from backend.milestone_link import MilestoneLink
from backend.quotas.base import QuotaExceededError
from backend.quotas.service import QuotaStoreUnavailableError
from backend.recording.camera_stream import session_replaced
from backend.recording.ports import CameraTarget
from backend.recording.quota import QuotaPort
from media.backoff import Backoff, ReconnectPolicy
from media.recorder_packets import PacketSource
from media.stream_stats import StreamState
from milestone.clock import Clock
from milestone.session import MilestoneSession

log = logging.getLogger(__name__)

RESOLVE_RETRY_S = 5.0  # an unknown camera is looked up again this often (real seconds)
DETECTORS_RETRY_S = 2.0  # while the detectors load or none works
QUOTA_RETRY_S = 20.0  # a full agency without quotas' own interval (never used: quotas give TTL/3)
TICK_S = 1.0  # the keeper's look at the slot and the XProtect session (real seconds)
RETRY_POLICY = ReconnectPolicy(initial_delay=1.0, max_delay=60.0)  # XProtect or the quota store not available

_STREAM_TEXT: dict[StreamState, tuple[str, str]] = {
    StreamState.CONNECTING: ("Connecting to the camera's live stream.", "جارٍ الاتصال بالبث المباشر للكاميرا."),
    StreamState.RECONNECTING: (
        "The live stream dropped or failed; reconnecting.",
        "انقطع البث المباشر أو تعذر؛ جارٍ إعادة الاتصال.",
    ),
    StreamState.AUTH_FAILED: (
        "The live stream refused the backend's credentials; retrying.",
        "رفض البث المباشر بيانات اعتماد الخادم؛ جارٍ إعادة المحاولة.",
    ),
    StreamState.NO_PERMISSION: (
        "The backend's XProtect user may not view this camera; retrying.",
        "لا يملك مستخدم XProtect الخاص بالخادم صلاحية عرض هذه الكاميرا؛ جارٍ إعادة المحاولة.",
    ),
}
ANALYSIS_FAILED = ("The live picture could not be analysed: {}.", "تعذر تحليل الصورة المباشرة: {}.")
UNEXPECTED = (
    "Live detection failed unexpectedly ({}); retrying.",
    "تعطل الكشف المباشر بشكل غير متوقع ({})؛ ستتم إعادة المحاولة.",
)


def detection_holder() -> str:
    """This backend instance's name in its live-mode stream reservations."""
    return f"detection:{socket.gethostname()}:{os.getpid()}"


class LiveCamera:
    """One configured live camera's task and state (see the module docstring). ``name``: as configured."""

    def __init__(self, name: str, owner: LiveDetection) -> None:
        self.name = name
        self._owner = owner
        self._camera_id = name
        self._state, self._message, self._message_ar = "starting", *STARTING
        self._last_frame_us: int | None = None
        self._frames = 0
        self._skipped = 0
        self._connections = 0
        self._live = False  # the current stream delivered since its last (re)connection
        self._problem: str | None = None  # the trouble last logged, to log each episode once
        self._job: asyncio.Task[None] | None = None
        self._pending: LiveSample | None = None  # the newest sample waiting for the one in flight
        self._retry = Backoff(RETRY_POLICY, owner.clock)

    def status(self) -> LiveCameraStatus:
        last = self._last_frame_us
        return LiveCameraStatus(
            camera_id=self._camera_id,
            state=self._state,
            message=self._message,
            message_ar=self._message_ar,
            last_frame=datetime.fromtimestamp(last / 1_000_000, UTC) if last is not None else None,
            frames=self._frames,
            skipped=self._skipped,
            reconnects=max(0, self._connections - 1),
        )

    # -- the loop --------------------------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            while True:
                try:
                    delay = await self._once()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a bug or an unforeseen failure: report, wait, try again
                    log.exception("live detection of camera %s failed", self.name)
                    self._set("waiting", *UNEXPECTED, type(exc).__name__, problem="unexpected")
                    delay = self._retry.next_delay()
                await asyncio.sleep(delay)
        finally:
            self._set("stopped", "", "")

    async def _once(self) -> float:
        """One attempt: resolve, wait for detectors, reserve, stream until the stream must stop. Returns the
        seconds to wait before the next attempt."""
        owner = self._owner
        try:
            camera = await asyncio.to_thread(owner.cameras.find, self.name)
        except LiveCameraError as exc:
            self._set("error", exc.message, exc.message_ar, problem=f"camera-{exc.reason}", level=logging.ERROR)
            return RESOLVE_RETRY_S
        self._camera_id = camera.id
        if not owner.pipeline.ready():
            status = owner.pipeline.status()
            text = STARTING if status.loading else NO_DETECTOR
            broken = [d for d in status.detectors if d.state != "ok"]
            if broken and not status.loading:
                text = (" ".join(d.message for d in broken), " ".join(d.message_ar for d in broken))
            self._set("waiting", *text, problem="detectors")
            return DETECTORS_RETRY_S
        slot = LiveSlot(owner.quotas, owner.holder, camera)
        try:
            await slot.acquire()
        except QuotaExceededError as exc:
            self._set("quota_full", exc.message, exc.message_ar, problem="quota_full")
            return slot.interval_s or QUOTA_RETRY_S
        except QuotaStoreUnavailableError as exc:
            self._set("waiting", exc.message, exc.message_ar, problem="quota_store")
            return self._retry.next_delay()
        try:
            return await self._stream(camera, slot)
        finally:
            await slot.release(lambda why: log.warning("live slot of camera %s not released: %s", camera.id, why))

    async def _stream(self, camera: CameraTarget, slot: LiveSlot) -> float:
        owner = self._owner
        try:
            source, session = await open_live_source(camera, owner.link, owner.clock, self._on_state)
        except LiveSourceUnavailableError as exc:
            self._set("waiting", exc.message, exc.message_ar, problem="source")
            return self._retry.next_delay()
        self._live = False
        if self._state not in ("connecting", "reconnecting"):
            self._set("connecting", *_STREAM_TEXT[StreamState.CONNECTING])
        sampler = LiveSampler(1.0 / owner.fps)
        consume = asyncio.create_task(self._consume(source, camera.id, sampler), name=f"live-consume-{camera.id}")
        keeper = asyncio.create_task(self._keep(slot, session), name=f"live-keep-{camera.id}")
        try:
            done, _ = await asyncio.wait({consume, keeper}, return_when=asyncio.FIRST_COMPLETED)
            if keeper in done:
                delay = keeper.result()
            else:
                consume.result()  # a packet source never ends by itself: re-raise what ended it
                delay = self._retry.next_delay()
        finally:
            await source.aclose()
            for task in (consume, keeper, self._job):
                if task is not None:
                    task.cancel()
            for task in (consume, keeper, self._job):
                if task is not None:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
            self._job, self._pending = None, None
        return delay

    async def _consume(self, source: PacketSource, camera_id: str, sampler: LiveSampler) -> None:
        async with contextlib.aclosing(source.packets()) as packets:
            async for packet in packets:
                sample = sampler.push(packet)
                if sample is None:
                    continue
                if self._pending is not None:  # still waiting behind the picture in flight: the newer one wins
                    self._skipped += 1
                self._pending = sample
                if self._job is None or self._job.done():
                    self._job = asyncio.create_task(self._analyse_pending(camera_id), name=f"live-analyse-{camera_id}")

    async def _analyse_pending(self, camera_id: str) -> None:
        while self._pending is not None:
            sample, self._pending = self._pending, None
            await self._analyse(camera_id, sample)

    async def _keep(self, slot: LiveSlot, session: MilestoneSession | None) -> float:
        """Heartbeat the slot and watch the XProtect session; returns (seconds before the next attempt) when the
        stream must stop."""
        owner = self._owner
        interval = slot.interval_s
        due = owner.clock.monotonic() + interval if interval is not None else None
        while True:
            await asyncio.sleep(TICK_S)
            if session_replaced(owner.link, session):
                log.info("live detection of camera %s moves to the new XProtect session", slot.camera.id)
                return 0.0
            if due is None or owner.clock.monotonic() < due:
                continue
            due = owner.clock.monotonic() + (interval or TICK_S)
            try:
                await slot.keep()
            except QuotaExceededError as exc:
                self._set("quota_full", exc.message, exc.message_ar, problem="quota_full")
                return interval or QUOTA_RETRY_S
            except QuotaStoreUnavailableError:
                if self._problem != "quota_store_keep":
                    log.warning("live detection of camera %s: the quota store does not answer", slot.camera.id)
                    self._problem = "quota_store_keep"

    async def _analyse(self, camera_id: str, sample: LiveSample) -> None:
        job = LiveJob(camera_id, sample.codec, sample.packets, sample.times_us)
        result = await self._owner.pipeline.analyse_live(job)
        if result is None:  # no worker usable now: the dispatcher restarts them
            self._skipped += 1
            return
        if result.at_us is not None and result.error is None:
            self._frames += 1
            self._last_frame_us = result.at_us
            if self._state == "live" and self._message:
                self._set("live", "", "")
            return
        log.warning("live picture of camera %s not analysed: %s", camera_id, result.error)
        if self._state == "live":
            self._set("live", *ANALYSIS_FAILED, (result.error or "")[:200])

    # -- state -----------------------------------------------------------------------------------------------

    def _on_state(self, state: StreamState, detail: str) -> None:
        """The packet source's connection state (called on the loop)."""
        if state is StreamState.LIVE:
            if not self._live:
                self._live = True
                self._connections += 1
                self._retry.reset()
            self._set("live", "", "")
            return
        self._live = False
        text = _STREAM_TEXT.get(state)
        if text is None:  # STOPPED: the task says what comes next
            return
        en, ar = text
        if detail:
            en, ar = f"{en} ({detail})", f"{ar} ({detail})"
        self._set(state.value, en, ar)

    def _set(
        self,
        state: str,
        message: str,
        message_ar: str,
        *args: str,
        problem: str | None = None,
        level: int = logging.WARNING,
    ) -> None:
        if args:
            message, message_ar = message.format(*args), message_ar.format(*args)
        self._state, self._message, self._message_ar = state, message, message_ar
        if problem is not None and problem != self._problem:
            log.log(level, "live detection of camera %s: %s", self.name, message)
        self._problem = problem


class LiveDetection:
    """Live mode for ``cameras`` (the configured names) at ``fps`` pictures per second; see the module
    docstring. ``link``: the backend's XProtect link (None: RTSP cameras only); ``quotas``: the QuotaService
    (None: no stream quotas); ``holder``: the reservations' holder name."""

    def __init__(
        self,
        cameras: list[str],
        fps: float,
        pipeline: DetectionPipeline,
        lookup: LiveCameras,
        link: MilestoneLink | None,
        quotas: QuotaPort | None,
        clock: Clock,
        *,
        holder: str | None = None,
    ) -> None:
        if fps <= 0:
            raise ValueError("fps must be > 0")
        self.fps = fps
        self.pipeline = pipeline
        self.cameras = lookup
        self.link = link
        self.quotas = quotas
        self.clock = clock
        self.holder = holder or detection_holder()
        names = list(dict.fromkeys(name.strip() for name in cameras if name.strip()))
        self._cameras = [LiveCamera(name, self) for name in names]
        self._tasks: list[asyncio.Task[None]] = []

    def status(self) -> tuple[LiveCameraStatus, ...]:
        """Every configured camera's state, in configuration order."""
        return tuple(camera.status() for camera in self._cameras)

    async def start(self) -> None:
        """Start one task per camera (returns at once)."""
        if self._tasks:
            return
        for camera in self._cameras:
            self._tasks.append(asyncio.create_task(camera.run(), name=f"live-detection-{camera.name}"))
        if self._cameras:
            log.info("live detection of %d camera(s) at %g picture(s) per second", len(self._cameras), self.fps)

    async def stop(self) -> None:
        """Stop every camera: streams closed, slots released."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

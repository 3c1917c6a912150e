"""The recording manager: manual recordings with the operator's chosen duration, enforced by the backend.

XProtect has no duration parameter and stops a manual recording by itself after the camera's
``manualRecordingTimeoutMinutes`` (MILESTONE_PROTOCOL.md §4). So the backend:
- persists every session (``recording_sessions``) with its scheduled end, and stops it when due — also after a
  restart: a session whose end passed while the backend was down is stopped at once and marked
  ``overdue_at_restart``;
- renews XProtect's manual recording (stop + start, a gap of one round trip, covered by the recorder's
  pre-buffer) shortly before the camera's own timeout when the chosen duration is longer, and a watchdog
  re-starts it when the recording server reports it stopped early;
- runs the local recorder for LOCAL and BOTH cameras (``LocalRecordingControl``), holding a stream slot of the
  camera's agency while it runs (``RecordingQuota``: a manual start into a full agency is refused with 429);
- retries a failed XProtect stop until it succeeds (the camera's own timeout is the last resort).

All state changes are persisted before events are published. Times: wall seconds from the injected clock,
integer UTC microseconds in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from milestone.clock import Clock, SystemClock

from .errors import (
    AlreadyRecordingError,
    DurationOutOfRangeError,
    LocalRecordingUnavailableError,
    NoStreamError,
    NotRecordingError,
    RecordingError,
    TooManyRecordingsError,
)
from .ports import CameraTarget, LocalRecordingControl, MilestoneRecordingControl, Publisher
from .quota import RecordingQuota
from .store import SessionStore, SessionView

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecordingLimits:
    """Durations in seconds (RECORDING_DEFAULT/MIN/MAX_DURATION), concurrency (RECORDING_MAX_CONCURRENT), and
    the manager's own periods: progress events, the XProtect watchdog, the renewal margin before XProtect's
    timeout, and the retry period of a failed XProtect stop."""

    default_s: int = 900
    min_s: int = 60
    max_s: int = 7200
    max_concurrent: int = 50
    progress_interval_s: float = 5.0
    watchdog_interval_s: float = 15.0
    renew_margin_s: float = 5.0
    stop_retry_s: float = 10.0


@dataclass(slots=True)
class _Active:
    view: SessionView
    camera: CameraTarget
    milestone_since: float | None = None  # wall s when XProtect's current manual recording began
    next_progress: float = 0.0
    next_watchdog: float = 0.0


@dataclass(slots=True)
class _PendingStop:
    camera: CameraTarget
    next_try: float
    attempts: int = 0


@dataclass(slots=True)
class _State:
    active: dict[str, _Active] = field(default_factory=dict)  # by camera id
    pending_stops: dict[str, _PendingStop] = field(default_factory=dict)  # by camera id
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)


class RecordingManager:
    """Starts, stops, extends and reports manual recordings; see the module docstring.

    ``start()`` resumes persisted sessions and starts the scheduler task; ``close()`` stops the task and the
    local recorders but leaves sessions ``recording`` in the database, so that the next start resumes them.
    ``quota`` (None: no stream quotas) holds a stream slot for each running local recorder.
    Public methods raise ``backend.recording.errors.RecordingError`` subclasses.
    """

    def __init__(
        self,
        store: SessionStore,
        limits: RecordingLimits,
        *,
        milestone: MilestoneRecordingControl,
        local: LocalRecordingControl | None,
        publish: Publisher,
        clock: Clock | None = None,
        quota: RecordingQuota | None = None,
    ) -> None:
        self._store = store
        self._quota = quota
        self.limits = limits
        self._milestone = milestone
        self._local = local
        self._publish = publish
        self._clock = clock or SystemClock()
        self._state = _State()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # ----------------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Resume persisted sessions (stopping the overdue ones) and start the scheduler."""
        self._wake = asyncio.Event()
        if self._quota is not None:
            await self._quota.start()
        now = self._clock.time()
        for view in await asyncio.to_thread(self._store.active):
            try:
                camera = await asyncio.to_thread(self._store.camera, view.camera_id)
            except RecordingError as exc:
                await asyncio.to_thread(self._store.finish, view.id, _us(now), "error", exc.message)
                continue
            if view.scheduled_end_us <= _us(now):
                await self._finish(_Active(view, camera), "overdue_at_restart")
                continue
            entry = _Active(view, camera, next_progress=now, next_watchdog=now + self.limits.watchdog_interval_s)
            self._state.active[camera.id] = entry
            await self._resume(entry)
        self._task = asyncio.create_task(self._run(), name="recording-scheduler")

    async def close(self) -> None:
        """Stop the scheduler and the local recorders; sessions stay ``recording`` for the next start."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._local is not None:
            for entry in list(self._state.active.values()):
                if entry.camera.records_local:
                    try:
                        await self._local.stop(entry.camera.id)
                    except Exception:
                        log.exception("stopping the local recorder of %s failed", entry.camera.id)
        if self._quota is not None:
            await self._quota.close()
        self._state.active.clear()

    # -------------------------------------------------------------------------------------------- queries

    def active(self) -> list[SessionView]:
        """The running sessions, oldest first."""
        return sorted((e.view for e in self._state.active.values()), key=lambda v: v.started_us)

    async def status(self, camera_id: str) -> tuple[SessionView | None, SessionView | None]:
        """(running session or None, last finished session or None). Raises CameraNotFoundError."""
        await asyncio.to_thread(self._store.camera, camera_id)
        entry = self._state.active.get(camera_id)
        last = await asyncio.to_thread(self._store.last, camera_id)
        return (entry.view if entry else None), last

    def now_us(self) -> int:
        return _us(self._clock.time())

    # ------------------------------------------------------------------------------------------- commands

    async def start_recording(self, camera_id: str, duration_s: int | None, started_by: str | None) -> SessionView:
        """Start recording ``camera_id`` for ``duration_s`` seconds (default RECORDING_DEFAULT_DURATION).

        Raises DurationOutOfRangeError, CameraNotFoundError, AlreadyRecordingError (with the current session),
        TooManyRecordingsError, NoStreamError, LocalRecordingUnavailableError, RecordingQuotaExceededError
        (LOCAL/BOTH: the agency's stream quota is used up), MilestoneRefusedError, MilestoneUnavailableError.
        On any error nothing stays started (no stream slot held either) and no session row is left behind
        except a ``failed`` one when the local recorder failed after XProtect had started.
        """
        limits = self.limits
        duration = limits.default_s if duration_s is None else int(duration_s)
        if not limits.min_s <= duration <= limits.max_s:
            raise DurationOutOfRangeError(duration, limits.min_s, limits.max_s)
        async with self._lock(camera_id):
            camera = await asyncio.to_thread(self._store.camera, camera_id)
            current = self._state.active.get(camera_id)
            if current is not None:
                raise AlreadyRecordingError(self.current_summary(current.view))
            if len(self._state.active) >= limits.max_concurrent:
                raise TooManyRecordingsError(limits.max_concurrent)
            self._check_sources(camera)
            if camera.records_local:
                if self._local is None:
                    raise LocalRecordingUnavailableError(
                        "this backend has no local recorder", "لا يملك هذا الخادم مسجلاً محلياً"
                    )
                self._local.ensure_can_record(camera)
                if self._quota is not None:
                    await self._quota.acquire(camera, refusable=True)  # before anything starts
            try:
                entry = await self._begin(camera, duration, started_by)
            except BaseException:
                await self._release_quota(camera)
                raise
            self._state.active[camera_id] = entry
        self._emit("recording_started", entry.view, reason=None)
        self._poke()
        return entry.view

    async def _begin(self, camera: CameraTarget, duration: int, started_by: str | None) -> _Active:
        """Start XProtect and/or the local recorder and persist the session (see ``start_recording``)."""
        now, limits = self._clock.time(), self.limits
        if camera.records_milestone:
            self._state.pending_stops.pop(camera.id, None)
            await self._milestone.start(camera)
        view = await asyncio.to_thread(
            self._store.create,
            camera,
            duration,
            _us(now),
            started_by,
            milestone_started=camera.records_milestone,
            local_started=False,
        )
        entry = _Active(view, camera, milestone_since=now if camera.records_milestone else None)
        entry.next_progress = now + limits.progress_interval_s
        entry.next_watchdog = now + limits.watchdog_interval_s
        if camera.records_local and self._local is not None:
            try:
                await self._local.start(camera, view.id)
            except Exception as exc:
                await self._abort_start(entry, exc)
                raise
            await asyncio.to_thread(self._store.note, view.id, _us(now), local_started=True)
        return entry

    async def stop_recording(self, camera_id: str, reason: str = "user") -> SessionView:
        """Stop the camera's running session now. Raises CameraNotFoundError, NotRecordingError."""
        async with self._lock(camera_id):
            await asyncio.to_thread(self._store.camera, camera_id)
            entry = self._state.active.get(camera_id)
            if entry is None:
                raise NotRecordingError(camera_id)
            return await self._finish(entry, reason)

    async def extend_recording(self, camera_id: str, extra_s: int) -> SessionView:
        """Extend the running session by ``extra_s`` seconds, within RECORDING_MAX_DURATION in total."""
        async with self._lock(camera_id):
            entry = self._state.active.get(camera_id)
            if entry is None:
                await asyncio.to_thread(self._store.camera, camera_id)
                raise NotRecordingError(camera_id)
            total = entry.view.duration_s + int(extra_s)
            if extra_s <= 0 or total > self.limits.max_s:
                raise DurationOutOfRangeError(total, self.limits.min_s, self.limits.max_s)
            view = await asyncio.to_thread(self._store.extend, entry.view.id, int(extra_s), self.now_us())
            if view is not None:
                entry.view = view
        self._emit("recording_progress", entry.view, reason="extended")
        self._poke()
        return entry.view

    def current_summary(self, view: SessionView) -> dict[str, object]:
        """The seeds' ``currentRecording`` shape for a running session."""
        return {
            "recordingId": view.id,
            "startTime": view.started_us,
            "remainingSeconds": self.remaining_s(view),
        }

    def remaining_s(self, view: SessionView) -> int:
        return max(0, round((view.scheduled_end_us - self.now_us()) / 1_000_000))

    def elapsed_s(self, view: SessionView) -> int:
        return max(0, round((self.now_us() - view.started_us) / 1_000_000))

    # ------------------------------------------------------------------------------------------ internals

    def _check_sources(self, camera: CameraTarget) -> None:
        if camera.records_milestone and not (camera.milestone_device_id and camera.recording_server_uri):
            raise NoStreamError(camera.id)
        if camera.records_local and not (camera.milestone_device_id or camera.rtsp_url):
            raise NoStreamError(camera.id)

    async def _abort_start(self, entry: _Active, exc: BaseException) -> None:
        log.warning("local recorder of %s failed to start: %s", entry.camera.id, exc)
        if entry.camera.records_milestone:
            await self._stop_milestone(entry.camera)
        await asyncio.to_thread(self._store.finish, entry.view.id, self.now_us(), "error", str(exc))

    async def _resume(self, entry: _Active) -> None:
        camera, now = entry.camera, self._clock.time()
        if camera.records_milestone:
            try:
                if camera.manual_recording_timeout_minutes:
                    await self._milestone.stop(camera)  # restart the camera's own timeout from a known time
                await self._milestone.start(camera)
                entry.milestone_since = now
            except RecordingError as exc:
                log.warning("resuming XProtect recording of %s failed: %s", camera.id, exc.message)
                await asyncio.to_thread(self._store.note, entry.view.id, _us(now), error=exc.message)
        if camera.records_local and self._local is not None:
            if self._quota is not None:  # admitted before the restart: never refused, retried while refused
                await self._quota.acquire(camera, refusable=False)
            try:
                await self._local.start(camera, entry.view.id)
            except Exception as exc:
                log.warning("resuming the local recorder of %s failed: %s", camera.id, exc)
                await self._release_quota(camera)
                await asyncio.to_thread(self._store.note, entry.view.id, _us(now), error=str(exc))
        log.info("resumed recording session %s of camera %s", entry.view.id, camera.id)

    async def _finish(self, entry: _Active, reason: str) -> SessionView:
        camera = entry.camera
        if camera.records_local and self._local is not None:
            try:
                await self._local.stop(camera.id)
            except Exception:
                log.exception("stopping the local recorder of %s failed", camera.id)
            await self._release_quota(camera)
        if camera.records_milestone:
            await self._stop_milestone(camera)
        view = await asyncio.to_thread(self._store.finish, entry.view.id, self.now_us(), reason)
        self._state.active.pop(camera.id, None)
        final = view or entry.view
        self._emit("recording_stopped", final, reason=reason)
        return final

    async def _stop_milestone(self, camera: CameraTarget) -> None:
        try:
            await self._milestone.stop(camera)
            self._state.pending_stops.pop(camera.id, None)
        except RecordingError as exc:
            log.warning("XProtect did not stop %s (%s); retrying", camera.id, exc.message)
            pending = self._state.pending_stops.setdefault(camera.id, _PendingStop(camera, 0.0))
            pending.attempts += 1
            pending.next_try = self._clock.time() + self.limits.stop_retry_s

    async def _release_quota(self, camera: CameraTarget) -> None:
        if self._quota is not None and camera.records_local:
            await self._quota.release(camera.id)

    def _lock(self, camera_id: str) -> asyncio.Lock:
        return self._state.locks.setdefault(camera_id, asyncio.Lock())

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _emit(self, event: str, view: SessionView, reason: str | None) -> None:
        data = {
            "recordingId": view.id,
            "state": view.state,
            "storageMode": view.storage_mode,
            "startedUs": view.started_us,
            "scheduledEndUs": view.scheduled_end_us,
            "durationSeconds": view.duration_s,
            "elapsedSeconds": self.elapsed_s(view),
            "remainingSeconds": self.remaining_s(view) if view.state == "recording" else 0,
        }
        if view.stopped_us is not None:
            data["stoppedUs"] = view.stopped_us
        if reason is not None:
            data["reason"] = reason
        try:
            self._publish(event, camera_id=view.camera_id, **data)
        except Exception:
            log.exception("publishing %s failed", event)

    async def _run(self) -> None:
        """The scheduler: stops due sessions, emits progress, renews and watches XProtect, retries stops."""
        assert self._wake is not None
        while True:
            try:
                delay = await self._tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("recording scheduler tick failed")
                delay = 1.0
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that arrives as
            # the event is set, and close() would then wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.01, delay)):
                    await self._wake.wait()

    async def _tick(self) -> float:
        """One pass over the running sessions; returns seconds until the next thing is due."""
        now = self._clock.time()
        limits = self.limits
        due_next = now + limits.progress_interval_s
        for camera_id, entry in list(self._state.active.items()):
            end = entry.view.scheduled_end_us / 1_000_000
            if now >= end:
                async with self._lock(camera_id):
                    if self._state.active.get(camera_id) is entry:
                        await self._finish(entry, "duration")
                continue
            due_next = min(due_next, end)
            if now >= entry.next_progress:
                self._emit("recording_progress", entry.view, reason=None)
                entry.next_progress = now + limits.progress_interval_s
            due_next = min(due_next, entry.next_progress)
            if entry.camera.records_milestone:
                due_next = min(due_next, await self._maintain_milestone(entry, now, end))
        for camera_id, pending in list(self._state.pending_stops.items()):
            if camera_id in self._state.active:
                self._state.pending_stops.pop(camera_id, None)
            elif now >= pending.next_try:
                await self._stop_milestone(pending.camera)
            else:
                due_next = min(due_next, pending.next_try)
        return due_next - self._clock.time()

    async def _maintain_milestone(self, entry: _Active, now: float, end: float) -> float:
        """Renew before XProtect's own timeout; re-start when the watchdog finds it stopped. Returns next due."""
        camera, limits = entry.camera, self.limits
        due = entry.next_watchdog
        timeout_min = camera.manual_recording_timeout_minutes
        if timeout_min and entry.milestone_since is not None:
            renew_at = entry.milestone_since + timeout_min * 60 - limits.renew_margin_s
            if renew_at < end:
                if now >= renew_at:
                    try:
                        await self._milestone.stop(camera)
                        await self._milestone.start(camera)
                        entry.milestone_since = self._clock.time()
                        log.info("renewed XProtect manual recording of %s before its timeout", camera.id)
                    except RecordingError as exc:
                        log.warning("renewing XProtect recording of %s failed: %s", camera.id, exc.message)
                        entry.milestone_since = None  # the watchdog takes over
                    renew_at = (entry.milestone_since or now) + timeout_min * 60 - limits.renew_margin_s
                due = min(due, renew_at)
        if now >= entry.next_watchdog:
            entry.next_watchdog = now + limits.watchdog_interval_s
            try:
                if not await self._milestone.is_recording(camera):
                    log.warning("XProtect stopped recording %s early; starting it again", camera.id)
                    await self._milestone.start(camera)
                    entry.milestone_since = self._clock.time()
                    await asyncio.to_thread(
                        self._store.note, entry.view.id, self.now_us(), error="XProtect stopped early; restarted"
                    )
            except RecordingError as exc:
                log.warning("XProtect watchdog for %s: %s", camera.id, exc.message)
            due = min(due, entry.next_watchdog)
        return due


def _us(seconds: float) -> int:
    return round(seconds * 1_000_000)

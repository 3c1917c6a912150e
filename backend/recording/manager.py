"""The recording manager: manual recordings with the operator's chosen duration, enforced by the backend.

XProtect has no duration parameter and stops a manual recording by itself after the camera's
``manualRecordingTimeoutMinutes`` (MILESTONE_PROTOCOL.md §4). So the backend:
- persists every session (``recording_sessions``) with its scheduled end, and stops it when due — also after a
  restart: a session whose end passed while the backend was down is stopped at once and marked
  ``overdue_at_restart``;
- keeps XProtect's manual recording going for MILESTONE and BOTH cameras (``milestone_upkeep``: renewal before
  the camera's own timeout, a watchdog, stops retried until they succeed);
- runs the local recorder for LOCAL and BOTH cameras (``local_supervisor``), holding a stream slot of the
  camera's agency while it runs (``RecordingQuota``: a manual start into a full agency is refused with 429); a
  resumed session whose recorder cannot start yet (XProtect not connected: start-up never waits for it) stays
  ``recording`` and the recorder is retried with back-off, and at once when XProtect connects
  (``xprotect_connected``), the time lost being a ``recorder_down`` outage.

The dataclasses live in ``session_state`` (``RecordingLimits`` is importable from here too). All state changes
are persisted before events are published. Times: wall seconds from the injected clock, integer UTC
microseconds in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from milestone.clock import Clock, SystemClock

from .errors import (
    AlreadyRecordingError,
    DurationOutOfRangeError,
    NoStreamError,
    NotRecordingError,
    RecordingError,
    TooManyRecordingsError,
)
from .local_supervisor import LocalSupervisor
from .milestone_upkeep import MilestoneUpkeep
from .ports import CameraTarget, LocalRecordingControl, MilestoneRecordingControl, OutageRecorder, Publisher
from .quota import RecordingQuota
from .session_state import ActiveSession, ManagerState, RecordingLimits, to_us
from .store import SessionStore, SessionView

__all__ = ["RecordingLimits", "RecordingManager"]

log = logging.getLogger(__name__)


class RecordingManager:
    """Starts, stops, extends and reports manual recordings; see the module docstring.

    ``start()`` resumes persisted sessions and starts the scheduler task; ``close()`` stops the task and the
    local recorders but leaves sessions ``recording`` in the database, so that the next start resumes them.
    ``quota`` (None: no stream quotas) holds a stream slot for each running local recorder; ``outages`` (None:
    not written) receives the ``recorder_down`` gaps of local recorders that could not record.
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
        outages: OutageRecorder | None = None,
    ) -> None:
        self._store = store
        self.limits = limits
        self._publish = publish
        self._clock = clock or SystemClock()
        self._state = ManagerState()
        self._milestone = MilestoneUpkeep(milestone, store, limits, self._clock)
        self._local = LocalSupervisor(local, store, limits, self._clock, self._state, quota=quota, outages=outages)
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # ----------------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Resume persisted sessions (stopping the overdue ones) and start the scheduler."""
        self._wake = asyncio.Event()
        await self._local.open()
        now = self._clock.time()
        for view in await asyncio.to_thread(self._store.active):
            try:
                camera = await asyncio.to_thread(self._store.camera, view.camera_id)
            except RecordingError as exc:
                await asyncio.to_thread(self._store.finish, view.id, to_us(now), "error", exc.message)
                continue
            if view.scheduled_end_us <= to_us(now):
                await self._finish(ActiveSession(view, camera), "overdue_at_restart")
                continue
            entry = ActiveSession(view, camera, next_progress=now, next_watchdog=now + self.limits.watchdog_interval_s)
            self._state.active[camera.id] = entry
            async with self._state.lock(camera.id):
                if camera.records_milestone:
                    await self._milestone.resume(entry)
                await self._local.resume(entry)
            log.info("resumed recording session %s of camera %s", view.id, camera.id)
        self._task = asyncio.create_task(self._run(), name="recording-scheduler")

    async def close(self) -> None:
        """Stop the scheduler and the local recorders; sessions stay ``recording`` for the next start."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._local.close()
        self._state.active.clear()

    def xprotect_connected(self) -> None:
        """The backend's XProtect session (re)connected: local recorders waiting to start are retried now (and
        those bound to the replaced session restarted); XProtect recordings not known to run are checked now."""
        now, due = self._clock.time(), self._local.retry_now()
        for entry in self._state.active.values():
            if entry.camera.records_milestone and entry.milestone_since is None:
                entry.next_watchdog, due = min(entry.next_watchdog, now), due + 1
        if due:
            self._poke()

    def local_recorder_ended(self, camera_id: str) -> None:
        """The camera's local recorder ended by itself (its source failed): its stream slot is released and,
        while the session runs, the recorder is started again with back-off. Call on the event loop."""
        self._local.recorder_ended(camera_id)
        self._poke()

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
        return to_us(self._clock.time())

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
        async with self._state.lock(camera_id):
            camera = await asyncio.to_thread(self._store.camera, camera_id)
            current = self._state.active.get(camera_id)
            if current is not None:
                raise AlreadyRecordingError(self.current_summary(current.view))
            if len(self._state.active) >= limits.max_concurrent:
                raise TooManyRecordingsError(limits.max_concurrent)
            self._check_sources(camera)
            if camera.records_local:
                await self._local.admit(camera)  # before anything starts
            try:
                entry = await self._begin(camera, duration, started_by)
            except BaseException:
                await self._local.release(camera)
                raise
            self._state.active[camera_id] = entry
        self._emit("recording_started", entry.view, reason=None)
        self._poke()
        return entry.view

    async def _begin(self, camera: CameraTarget, duration: int, started_by: str | None) -> ActiveSession:
        """Start XProtect and/or the local recorder and persist the session (see ``start_recording``)."""
        now, limits = self._clock.time(), self.limits
        if camera.records_milestone:
            await self._milestone.start(camera)
        view = await asyncio.to_thread(
            self._store.create,
            camera,
            duration,
            to_us(now),
            started_by,
            milestone_started=camera.records_milestone,
            local_started=False,
        )
        entry = ActiveSession(view, camera, milestone_since=now if camera.records_milestone else None)
        entry.next_progress = now + limits.progress_interval_s
        entry.next_watchdog = now + limits.watchdog_interval_s
        if camera.records_local:
            try:
                await self._local.start(entry)
            except Exception as exc:
                log.warning("local recorder of %s failed to start: %s", camera.id, exc)
                if camera.records_milestone:
                    await self._milestone.stop(camera)
                await asyncio.to_thread(self._store.finish, view.id, self.now_us(), "error", str(exc))
                raise
        return entry

    async def stop_recording(self, camera_id: str, reason: str = "user") -> SessionView:
        """Stop the camera's running session now. Raises CameraNotFoundError, NotRecordingError."""
        async with self._state.lock(camera_id):
            await asyncio.to_thread(self._store.camera, camera_id)
            entry = self._state.active.get(camera_id)
            if entry is None:
                raise NotRecordingError(camera_id)
            return await self._finish(entry, reason)

    async def extend_recording(self, camera_id: str, extra_s: int) -> SessionView:
        """Extend the running session by ``extra_s`` seconds, within RECORDING_MAX_DURATION in total."""
        async with self._state.lock(camera_id):
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

    async def _finish(self, entry: ActiveSession, reason: str) -> SessionView:
        camera = entry.camera
        await self._local.stop(entry)
        if camera.records_milestone:
            await self._milestone.stop(camera)
        view = await asyncio.to_thread(self._store.finish, entry.view.id, self.now_us(), reason)
        self._state.active.pop(camera.id, None)
        final = view or entry.view
        self._emit("recording_stopped", final, reason=reason)
        return final

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
        """The scheduler: stops due sessions, emits progress, keeps XProtect and the local recorders going."""
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
                async with self._state.lock(camera_id):
                    if self._state.active.get(camera_id) is entry:
                        await self._finish(entry, "duration")
                continue
            due_next = min(due_next, end)
            if now >= entry.next_progress:
                self._emit("recording_progress", entry.view, reason=None)
                entry.next_progress = now + limits.progress_interval_s
            due_next = min(due_next, entry.next_progress)
            if entry.camera.records_milestone:
                due_next = min(due_next, await self._milestone.maintain(entry, now, end))
            if entry.local_wait is not None:
                local_due = None
                async with self._state.lock(camera_id):
                    if self._state.active.get(camera_id) is entry:
                        local_due = await self._local.maintain(entry, self._clock.time())
                if local_due is not None:
                    due_next = min(due_next, local_due)
        stops_due = await self._milestone.retry_stops(now, self._state.active)
        if stops_due is not None:
            due_next = min(due_next, stops_due)
        return due_next - self._clock.time()

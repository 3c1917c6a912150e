"""XProtect's side of the running sessions (MILESTONE and BOTH cameras), for the recording manager.

XProtect has no duration parameter and stops a manual recording by itself after the camera's
``manualRecordingTimeoutMinutes`` (MILESTONE_PROTOCOL.md §4). So:
- a session resumed at start-up stops and starts XProtect's manual recording again, which restarts the camera's
  own timeout from a known time;
- the manual recording is renewed (stop + start, a gap of one round trip, covered by the recorder's
  pre-buffer) ``renew_margin_s`` before that timeout when the chosen duration is longer;
- a watchdog (``IsManualRecording`` every ``watchdog_interval_s``) starts it again when the recording server
  reports it stopped early;
- a failed stop is retried every ``stop_retry_s`` until it succeeds (the camera's own timeout is the last
  resort).

Times are wall seconds from the injected clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Container
from dataclasses import dataclass

from milestone.clock import Clock

from .errors import RecordingError
from .ports import CameraTarget, MilestoneRecordingControl
from .session_state import ActiveSession, RecordingLimits, to_us
from .store import SessionStore

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PendingStop:
    """An XProtect stop that failed and is retried at ``next_try`` (wall s)."""

    camera: CameraTarget
    next_try: float
    attempts: int = 0


class MilestoneUpkeep:
    """Starts, renews, watches and stops XProtect's manual recordings of the sessions; see the module docstring.

    Methods raise nothing but ``start`` (MilestoneRefusedError / MilestoneUnavailableError): failures are
    logged, noted on the session and retried.
    """

    def __init__(
        self, control: MilestoneRecordingControl, store: SessionStore, limits: RecordingLimits, clock: Clock
    ) -> None:
        self._control = control
        self._store = store
        self._limits = limits
        self._clock = clock
        self.pending_stops: dict[str, PendingStop] = {}  # by camera id

    async def start(self, camera: CameraTarget) -> None:
        """Start XProtect's manual recording of ``camera`` (a new session). Raises MilestoneRefusedError,
        MilestoneUnavailableError."""
        self.pending_stops.pop(camera.id, None)
        await self._control.start(camera)

    async def resume(self, entry: ActiveSession) -> None:
        """Start-up: (re)start XProtect's manual recording of a persisted session; a failure is noted and left to
        the watchdog."""
        camera, now = entry.camera, self._clock.time()
        try:
            if camera.manual_recording_timeout_minutes:
                await self._control.stop(camera)  # restart the camera's own timeout from a known time
            await self._control.start(camera)
            entry.milestone_since = now
        except RecordingError as exc:
            log.warning("resuming XProtect recording of %s failed: %s", camera.id, exc.message)
            await asyncio.to_thread(self._store.note, entry.view.id, to_us(now), error=exc.message)

    async def stop(self, camera: CameraTarget) -> None:
        """Stop XProtect's manual recording; on failure retry it every ``stop_retry_s`` (``retry_stops``)."""
        try:
            await self._control.stop(camera)
            self.pending_stops.pop(camera.id, None)
        except RecordingError as exc:
            log.warning("XProtect did not stop %s (%s); retrying", camera.id, exc.message)
            pending = self.pending_stops.setdefault(camera.id, PendingStop(camera, 0.0))
            pending.attempts += 1
            pending.next_try = self._clock.time() + self._limits.stop_retry_s

    async def retry_stops(self, now: float, recording: Container[str]) -> float | None:
        """Retry the due stops (dropping those of cameras ``recording`` again); returns when the next is due
        (wall s, None: none waiting)."""
        due: float | None = None
        for camera_id, pending in list(self.pending_stops.items()):
            if camera_id in recording:
                self.pending_stops.pop(camera_id, None)
            elif now >= pending.next_try:
                await self.stop(pending.camera)
            else:
                due = pending.next_try if due is None else min(due, pending.next_try)
        return due

    async def maintain(self, entry: ActiveSession, now: float, end: float) -> float:
        """Renew before XProtect's own timeout; re-start when the watchdog finds it stopped. ``end``: the
        session's scheduled end (wall s). Returns when this is due next (wall s)."""
        camera, limits = entry.camera, self._limits
        due = entry.next_watchdog
        timeout_min = camera.manual_recording_timeout_minutes
        if timeout_min and entry.milestone_since is not None:
            renew_at = entry.milestone_since + timeout_min * 60 - limits.renew_margin_s
            if renew_at < end:
                if now >= renew_at:
                    try:
                        await self._control.stop(camera)
                        await self._control.start(camera)
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
                if not await self._control.is_recording(camera):
                    log.warning("XProtect stopped recording %s early; starting it again", camera.id)
                    await self._control.start(camera)
                    entry.milestone_since = self._clock.time()
                    await asyncio.to_thread(
                        self._store.note,
                        entry.view.id,
                        to_us(self._clock.time()),
                        error="XProtect stopped early; restarted",
                    )
            except RecordingError as exc:
                log.warning("XProtect watchdog for %s: %s", camera.id, exc.message)
            due = min(due, entry.next_watchdog)
        return due

"""The backend's own recorder for LOCAL and BOTH sessions, for the recording manager: start, stop, stream slots,
and retries of a recorder that cannot record.

- A manual start checks the recorder can record (spool space), reserves a stream slot of the camera's agency
  (``RecordingQuota``: a full agency is the 429 refusal) and starts the recorder; any failure is the
  operator's error and nothing stays started.
- A session resumed at start-up, or whose recorder ended by itself (its source failed), keeps recording state:
  when its recorder cannot start (typically XProtect is not connected yet: start-up never waits for it, and an
  ImageServer source needs the backend's XProtect session and inventory) the start is retried with back-off
  (``RecordingLimits.local_retry_first_s`` doubling up to ``local_retry_max_s``) and at once when XProtect
  connects (``retry_now``), until it works or the session ends. The session's end time is unchanged.
- The time such a recorder could not record is a ``recorder_down`` outage (source ``recorder``) in the outage
  log (``backend.playback.outages``, when the playback component runs): opened at the failure, heartbeated on
  every attempt, closed when the recorder starts again or the session ends. The backend not running at all is
  recorded by the playback component at start-up (``record_backend_downtime``).
- When XProtect connects again after the backend lost it, an ImageServer recorder still bound to the old (closed)
  XProtect session is stopped and started again on the new one (``retry_now``).
- A resumed or restarted recorder reserves its stream slot after it started, never refused
  (``acquire(refusable=False)``): it was admitted before.

Times are wall seconds from the injected clock; outage rows take integer UTC µs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from milestone.clock import Clock

from .errors import LocalRecordingUnavailableError
from .ports import CameraTarget, LocalRecordingControl, OutageRecorder
from .quota import RecordingQuota
from .session_state import ActiveSession, LocalWait, ManagerState, RecordingLimits, to_us
from .store import SessionStore

log = logging.getLogger(__name__)

OUTAGE_KIND = "recorder_down"
OUTAGE_SOURCE = "recorder"


class LocalSupervisor:
    """Drives ``local`` (None: this backend has no local recorder) for the sessions in ``state``; see the module
    docstring. ``quota`` (None: no stream quotas) and ``outages`` (None: gaps are not written) are optional."""

    def __init__(
        self,
        local: LocalRecordingControl | None,
        store: SessionStore,
        limits: RecordingLimits,
        clock: Clock,
        state: ManagerState,
        *,
        quota: RecordingQuota | None = None,
        outages: OutageRecorder | None = None,
    ) -> None:
        self._local = local
        self._store = store
        self._limits = limits
        self._clock = clock
        self._state = state
        self._quota = quota if local is not None else None
        self._outages = outages
        self._connections = 0  # XProtect connections seen (retry_now): one during a failed attempt retries it

    # ----------------------------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        if self._quota is not None:
            await self._quota.start()

    async def close(self) -> None:
        """Shutdown: stop every recorder (sessions stay ``recording``), close the open outages, release slots."""
        for entry in list(self._state.active.values()):
            if entry.camera.records_local and self._local is not None:
                try:
                    await self._local.stop(entry.camera.id)
                except Exception:
                    log.exception("stopping the local recorder of %s failed", entry.camera.id)
                await self._end_wait(entry, self._clock.time())
        if self._quota is not None:
            await self._quota.close()

    # ---------------------------------------------------------------------------------------- manual start

    async def admit(self, camera: CameraTarget) -> None:
        """Before a manual start: raises LocalRecordingUnavailableError (no local recorder, spool nearly full) or
        RecordingQuotaExceededError (and then holds nothing); otherwise holds the camera's stream slot."""
        if self._local is None:
            raise LocalRecordingUnavailableError("this backend has no local recorder", "لا يملك هذا الخادم مسجلاً محلياً")
        self._local.ensure_can_record(camera)
        if self._quota is not None:
            await self._quota.acquire(camera, refusable=True)

    async def start(self, entry: ActiveSession) -> None:
        """Start the recorder of a new session (raises what the recorder raises; the caller aborts the start)."""
        if self._local is None:
            return
        await self._local.start(entry.camera, entry.view.id)
        entry.local_since = self._clock.time()
        await asyncio.to_thread(self._store.note, entry.view.id, to_us(entry.local_since), local_started=True)

    async def release(self, camera: CameraTarget) -> None:
        """Give the camera's stream slot back (a start that failed)."""
        if self._quota is not None and camera.records_local:
            await self._quota.release(camera.id)

    # ------------------------------------------------------------------------------ resume, retry, stop

    async def resume(self, entry: ActiveSession) -> bool:
        """Start the recorder of a session persisted before the restart; when it cannot start, the session waits
        for a retry (see the module docstring). True when it records."""
        if self._local is None or not entry.camera.records_local:
            return False
        return await self._attempt(entry)

    def recorder_ended(self, camera_id: str) -> None:
        """The camera's recorder ended by itself (``LocalRecorders``' ``on_ended``, on the loop): its slot is
        released and, while its session runs, it is started again with back-off."""
        if self._quota is not None:
            self._quota.recorder_ended(camera_id)
        entry = self._state.active.get(camera_id)
        if entry is None or not entry.camera.records_local or entry.local_wait is not None:
            return
        now, limits = self._clock.time(), self._limits
        soon = entry.local_since is not None and now - entry.local_since < limits.local_retry_max_s
        entry.local_ends = entry.local_ends + 1 if soon else 1
        delay = limits.local_retry_delay(entry.local_ends)
        reason = "the local recorder ended by itself"
        entry.local_wait = LocalWait(now, now + delay, reason=reason)
        log.log(
            logging.WARNING if entry.local_ends == 1 else logging.INFO,
            "%s (camera %s); starting it again in %.1f s",
            reason,
            camera_id,
            delay,
        )

    def retry_now(self) -> int:
        """XProtect (re)connected: the waiting recorders are due at once, and so is the restart of those bound to
        a replaced XProtect session. Returns how many are due."""
        if self._local is None:
            return 0
        self._connections += 1
        now, due = self._clock.time(), 0
        for entry in self._state.active.values():
            wait = entry.local_wait
            if wait is None and entry.camera.records_local and self._local.needs_restart(entry.camera.id):
                log.info("the local recorder of camera %s moves to the new XProtect session", entry.camera.id)
                wait = entry.local_wait = LocalWait(now, now, reason="XProtect session replaced", restart=True)
            if wait is not None:
                wait.next_try = min(wait.next_try, now)
                due += 1
        return due

    async def maintain(self, entry: ActiveSession, now: float) -> float | None:
        """Scheduler pass (the caller holds the camera's lock): retry a waiting recorder when due. Returns when
        it is due next (wall s; None: nothing waits)."""
        wait = entry.local_wait
        if wait is None or self._local is None:
            return None
        if wait.outage_id is None and not wait.restart:
            await self._open_outage(entry, wait)
        if now < wait.next_try:
            return wait.next_try
        if await self._attempt(entry):
            return None
        return wait.next_try

    async def stop(self, entry: ActiveSession) -> None:
        """The session ends: stop the recorder (its last segment is indexed), release the slot, close the gap at
        the session's end at the latest."""
        if self._local is None or not entry.camera.records_local:
            return
        try:
            await self._local.stop(entry.camera.id)
        except Exception:
            log.exception("stopping the local recorder of %s failed", entry.camera.id)
        await self.release(entry.camera)
        await self._end_wait(entry, min(self._clock.time(), entry.view.scheduled_end_us / 1_000_000))

    # ------------------------------------------------------------------------------------------ internals

    async def _attempt(self, entry: ActiveSession) -> bool:
        assert self._local is not None
        camera, now, wait = entry.camera, self._clock.time(), entry.local_wait
        restart, connections = wait is not None and wait.restart, self._connections
        try:
            if restart:
                await self._local.stop(camera.id)  # its slot stays held
            await self._local.start(camera, entry.view.id)
        except Exception as exc:
            if restart:
                await self.release(camera)
            await self._failed(entry, now, exc, again_now=connections != self._connections)
            return False
        entry.local_since = now
        if self._quota is not None and not restart:  # admitted before: never refused, retried while full
            await self._quota.acquire(camera, refusable=False)
        await asyncio.to_thread(self._store.note, entry.view.id, to_us(now), local_started=True)
        if wait is not None:
            log.info(
                "the local recorder of camera %s records again after %.1f s (%d failed attempt(s))",
                camera.id,
                now - wait.since,
                wait.attempts,
            )
            await self._end_wait(entry, now)
        return True

    async def _failed(self, entry: ActiveSession, now: float, exc: Exception, *, again_now: bool) -> None:
        """Note a failed start and schedule the next (``again_now``: XProtect connected meanwhile)."""
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        wait = entry.local_wait
        if wait is None:
            wait = entry.local_wait = LocalWait(now, now)
        wait.restart = False  # stopped: what is left is starting it
        if wait.attempts == 0:
            log.warning(
                "the local recorder of camera %s could not start (%s); retrying until the session ends",
                entry.camera.id,
                reason,
            )
            await asyncio.to_thread(self._store.note, entry.view.id, to_us(now), error=reason)
        else:
            log.info("the local recorder of camera %s still cannot start: %s", entry.camera.id, reason)
        wait.attempts += 1
        wait.reason = reason
        wait.next_try = self._clock.time() if again_now else now + self._limits.local_retry_delay(wait.attempts)
        if wait.outage_id is None:
            await self._open_outage(entry, wait)
        elif self._outages is not None:
            await self._outage_call("heartbeat", entry, self._outages.heartbeat, [wait.outage_id])

    async def _open_outage(self, entry: ActiveSession, wait: LocalWait) -> None:
        outages = self._outages
        if outages is None:
            return
        detail = f"local recorder of recording session {entry.view.id} not recording: {wait.reason}"
        opener = partial(outages.open, entry.camera.id, OUTAGE_KIND, source=OUTAGE_SOURCE, start_us=to_us(wait.since))
        wait.outage_id = await self._outage_call("open", entry, partial(opener, detail=detail))

    async def _end_wait(self, entry: ActiveSession, end: float) -> None:
        wait, entry.local_wait = entry.local_wait, None
        if wait is not None and wait.outage_id is not None and self._outages is not None:
            await self._outage_call("close", entry, self._outages.close, wait.outage_id, to_us(max(end, wait.since)))

    async def _outage_call(self, what: str, entry: ActiveSession, fn: Callable[..., Any], *args: Any) -> Any:
        """Run an outage log call in a thread; a failure (camera removed, database busy) is logged, not raised."""
        try:
            return await asyncio.to_thread(fn, *args)
        except Exception as exc:
            log.warning("outage of camera %s not written (%s): %s", entry.camera.id, what, exc)
            return None

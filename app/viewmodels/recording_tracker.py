"""Every camera's running manual recording, as the backend reports it (events socket + REST re-reads).

Sources: ``recording_started`` / ``recording_progress`` / ``recording_stopped`` events; a full re-read of
``GET /api/v1/recordings/active`` whenever the events socket (re)connects or the cameras are (re)imported
(events missed while disconnected are not replayed); a camera's ``.../recordings/status`` when its countdown
ran out and no stop event came (with back-off). Start and stop of any camera raise one notification each.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from backend.api.schemas import EventOut
from milestone.clock import Clock

from ..backend_link.client import BackendClient, BackendError
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .recording_state import ActiveRecordingView, duration_text, isolate, stop_reason_text

log = logging.getLogger(__name__)

OVERDUE_GRACE_S = 4.0  # after a recording's end, wait this long (times the checks so far) for recording_stopped


class RecordingTracker(QObject):
    """Running recordings by camera (XProtect GUIDs, case-insensitive); see the module docstring.

    Signals: ``sigActiveChanged()`` (a recording appeared, ended or was re-timed), ``sigTick()`` (every second
    while something records), ``sigNotice(str)`` (translated "Recording started/stopped: …").
    """

    sigActiveChanged = Signal()
    sigTick = Signal()
    sigNotice = Signal(str)

    def __init__(self, backend: BackendConnection, runner: TaskRunner, clock: Clock, name_of, parent=None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._clock = clock
        self._name_of = name_of
        self._active: dict[str, ActiveRecordingView] = {}
        self._noticed: deque[tuple[str, str]] = deque(maxlen=500)  # (recording id, "started" | "stopped")
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_tick)
        backend.sigEvent.connect(self._on_event)
        backend.sigEventsConnected.connect(self._on_events_connected)
        backend.sigCamerasChanged.connect(self.resync_soon)

    # --- queries ----------------------------------------------------------------------------------------
    def now(self) -> float:
        return self._clock.monotonic()

    def get(self, camera_id: str) -> ActiveRecordingView | None:
        return self._active.get(camera_id.lower())

    def camera_ids(self) -> set[str]:
        return {rec.camera_id for rec in self._active.values()}

    def active(self) -> list[ActiveRecordingView]:
        """Every running recording, the one ending first first."""
        return sorted(self._active.values(), key=lambda r: r.end_monotonic)

    # --- updates ----------------------------------------------------------------------------------------
    def put(self, rec: ActiveRecordingView, *, announce: bool) -> None:
        """Track ``rec`` (replacing the camera's previous one); announce its start once when asked."""
        self._active[rec.camera_id.lower()] = rec
        if announce and (rec.recording_id, "started") not in self._noticed:
            self._noticed.append((rec.recording_id, "started"))
            self.sigNotice.emit(
                self.tr("Recording started: {0} for {1}.").format(
                    isolate(self._name_of(rec.camera_id)), duration_text(rec.duration_s)
                )
            )
        self._changed()

    def retime(self, camera_id: str, recording_id: str, duration_s: int, remaining_s: float) -> bool:
        """Re-anchor the camera's running recording ``recording_id``; False when it is not the tracked one."""
        rec = self._active.get(camera_id.lower())
        if rec is None or rec.recording_id != recording_id:
            return False
        rec.duration_s, rec.end_monotonic, rec.overdue_checks = duration_s, self.now() + remaining_s, 0
        self._changed()
        return True

    def remove(self, camera_id: str, recording_id: str | None, reason: str | None, *, announce: bool = True) -> None:
        """Forget the camera's recording (only ``recording_id``'s when given); announce the stop once."""
        key = camera_id.lower()
        rec = self._active.get(key)
        if rec is None or (recording_id is not None and rec.recording_id != recording_id):
            return
        del self._active[key]
        if announce and (rec.recording_id, "stopped") not in self._noticed:
            self._noticed.append((rec.recording_id, "stopped"))
            self.sigNotice.emit(
                self.tr("Recording stopped: {0} ({1}).").format(
                    isolate(self._name_of(camera_id)), stop_reason_text(reason)
                )
            )
        self._changed()

    def _changed(self) -> None:
        if self._active and not self._timer.isActive():
            self._timer.start()
        elif not self._active:
            self._timer.stop()
        self.sigActiveChanged.emit()
        self.sigTick.emit()

    def _on_tick(self) -> None:
        now = self.now()
        client = self._backend.client
        for rec in list(self._active.values()):
            if client is not None and now > rec.end_monotonic + OVERDUE_GRACE_S * (1 + rec.overdue_checks):
                rec.overdue_checks += 1
                backend_id = self._backend.backend_camera_id(rec.camera_id)
                if backend_id is not None:
                    self._runner.spawn(self.refresh(client, rec.camera_id, backend_id), name="recording-check")
        self.sigTick.emit()

    # --- backend ----------------------------------------------------------------------------------------
    def _on_event(self, event: EventOut) -> None:
        if not event.type.startswith("recording_") or not event.camera_id:
            return
        camera_id = self._backend.xprotect_camera_id(event.camera_id)
        data = event.data
        recording_id = str(data.get("recordingId") or "")
        if event.type == "recording_stopped":
            self.remove(camera_id, recording_id or None, data.get("reason"))
            return
        end_us, duration = data.get("scheduledEndUs"), data.get("durationSeconds")
        if not recording_id or not isinstance(end_us, int) or not isinstance(duration, int):
            return
        remaining = max(0.0, (end_us - event.time_us) / 1_000_000)  # on the backend's clock: no skew
        if self.retime(camera_id, recording_id, duration, remaining):
            return
        started_us = data.get("startedUs")
        started = datetime.fromtimestamp(started_us / 1e6, UTC) if isinstance(started_us, int) else None
        rec = ActiveRecordingView(
            camera_id, recording_id, duration, self.now() + remaining, started, str(data.get("storageMode") or "")
        )
        self.put(rec, announce=event.type == "recording_started")

    def _on_events_connected(self, connected: bool) -> None:
        if connected:
            self.resync_soon()

    def resync_soon(self) -> None:
        if self._backend.client is not None:
            self._runner.spawn(self.resync(), name="recording-resync")

    async def resync(self) -> None:
        """Re-read every running recording (``GET /api/v1/recordings/active``) quietly (no notifications)."""
        client = self._backend.client
        if client is None:
            return
        try:
            active = await client.active_recordings()
        except BackendError as exc:
            log.info("cannot read the backend's active recordings: %s", exc.code)
            return
        seen = set()
        for item in active.recordings:
            camera_id = self._backend.xprotect_camera_id(item.camera_id)
            seen.add(camera_id.lower())
            if not self.retime(camera_id, item.recording_id, item.duration_seconds, item.remaining_seconds):
                rec = ActiveRecordingView(
                    camera_id,
                    item.recording_id,
                    item.duration_seconds,
                    self.now() + item.remaining_seconds,
                    item.start_time,
                    item.storage_mode,
                )
                self.put(rec, announce=False)
        for key in [k for k in self._active if k not in seen]:
            self.remove(self._active[key].camera_id, None, None, announce=False)

    async def refresh(self, client: BackendClient, camera_id: str, backend_id: str) -> None:
        """Re-read one camera's status (after a 409 or 404, or when no stop event came)."""
        try:
            status = await client.recording_status(backend_id)
        except BackendError as exc:
            log.info("cannot read the recording status of %s: %s", camera_id, exc.code)
            return
        running = status.recording
        if status.is_recording and running is not None:
            rid, duration, remaining = running.recording_id, running.duration_seconds, running.remaining_seconds
            if not self.retime(camera_id, rid, duration, remaining):
                rec = ActiveRecordingView(
                    camera_id, rid, duration, self.now() + remaining, running.start_time, running.storage_mode
                )
                self.put(rec, announce=True)
        else:
            last = status.last_recording
            self.remove(camera_id, None, last.stop_reason if last is not None else None)

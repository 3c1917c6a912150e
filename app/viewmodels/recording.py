"""The sidebar's recording section (seeds 001 §9.2, §9.5): manual recording of the selected camera.

For the camera selected in the tree or on the wall: a duration (presets 5/15/30/60 min or custom, within the
backend's limits), Start/Stop/Extend through the backend's REST API, and a countdown that ticks locally every
second and is re-anchored by the backend's answers and ``recording_progress`` events. Every camera's running
recording is tracked by ``RecordingTracker`` (``tracker``) from the events socket, so the tree's badges and the
tiles' REC marks show recordings started by anyone; start and stop on any camera raise a notification.
Errors are the backend's bilingual messages, shown in the application's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from milestone.clock import Clock, SystemClock

from ..backend_link.client import BackendClient, BackendError
from ..backend_link.connection import BackendConnection
from ..backend_link.options import OFF, DurationLimits
from ..settings import Settings
from ..tasks import TaskRunner
from .recording_state import ActiveRecordingView, duration_text, error_text, isolate
from .recording_tracker import RecordingTracker

log = logging.getLogger(__name__)

PRESETS_S = (300, 900, 1800, 3600)  # the seeds' duration choices: 5, 15, 30, 60 minutes
EXTEND_S = 300  # "+5 min"
RECORD_PERMISSION = "record"  # backend.auth.permissions.RECORD
IDLE, STARTING, RECORDING, STOPPING, EXTENDING = "idle", "starting", "recording", "stopping", "extending"


class RecordingViewModel(QObject):
    """See the module docstring. Camera ids are XProtect GUIDs (as in the tree and on the wall).

    Signals: ``sigSelectionChanged()``, ``sigStateChanged()`` (phase, availability, duration or limits of the
    selected camera), ``sigTick()`` (every second while something records), ``sigErrorChanged(str)`` ("" when
    cleared), ``sigActiveChanged()`` (recording cameras or their times changed), ``sigNotice(str)``
    (translated notification: a recording started or stopped on any camera, or was extended).
    """

    sigSelectionChanged = Signal()
    sigStateChanged = Signal()
    sigTick = Signal()
    sigErrorChanged = Signal(str)
    sigActiveChanged = Signal()
    sigNotice = Signal(str)

    def __init__(
        self,
        backend: BackendConnection,
        runner: TaskRunner,
        settings: Settings,
        *,
        camera_name: Callable[[str], str | None],
        camera_enabled: Callable[[str], bool] = lambda _camera_id: True,
        clock: Clock | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._settings = settings
        self._camera_name = camera_name
        self._camera_enabled = camera_enabled
        self.limits: DurationLimits = backend.options.limits
        self._duration = self._clamp(int(settings.get("recording_duration")))
        self._camera_id: str | None = None
        self._busy: dict[str, str] = {}  # lower-case XProtect id -> STARTING | STOPPING | EXTENDING
        self._error = ""
        self.tracker = RecordingTracker(backend, runner, clock or SystemClock(), self.name_of, parent=self)
        self.tracker.sigActiveChanged.connect(self.sigActiveChanged)
        self.tracker.sigActiveChanged.connect(self.sigStateChanged)
        self.tracker.sigTick.connect(self.sigTick)
        self.tracker.sigNotice.connect(self.sigNotice)
        backend.sigStateChanged.connect(self.sigStateChanged)
        backend.sigPermissionsChanged.connect(self.sigStateChanged)
        backend.sigLimitsChanged.connect(self._on_backend_limits)
        backend.sigCamerasChanged.connect(self.sigStateChanged)

    def name_of(self, camera_id: str) -> str:
        """The camera's name from the XProtect inventory (its id when unknown)."""
        return self._camera_name(camera_id) or camera_id

    # --- selected camera --------------------------------------------------------------------------------
    @property
    def camera_id(self) -> str | None:
        return self._camera_id

    @property
    def camera_name(self) -> str:
        return self.name_of(self._camera_id) if self._camera_id is not None else ""

    def select_camera(self, camera_id: str | None) -> None:
        """Show camera ``camera_id`` in the section (None or "": no camera)."""
        camera_id = camera_id or None
        if camera_id == self._camera_id:
            return
        self._camera_id = camera_id
        self._set_error("")
        self.sigSelectionChanged.emit()
        self.sigStateChanged.emit()
        self.sigTick.emit()

    # --- duration ---------------------------------------------------------------------------------------
    @property
    def duration_s(self) -> int:
        """The duration the next Start uses, in seconds."""
        return self._duration

    @property
    def presets_s(self) -> tuple[int, ...]:
        """The preset durations (seconds) within the backend's limits."""
        return tuple(p for p in PRESETS_S if self.limits.contains(p))

    def set_duration(self, seconds: int) -> None:
        """Choose the duration of the next Start (clamped to the backend's limits; remembered in settings)."""
        seconds = self._clamp(int(seconds))
        if seconds != self._duration:
            self._duration = seconds
            self._settings.set("recording_duration", seconds)
            self.sigStateChanged.emit()

    def _clamp(self, seconds: int) -> int:
        return min(self.limits.max_s, max(self.limits.min_s, seconds))

    # --- state of the selected camera -------------------------------------------------------------------
    @property
    def phase(self) -> str:
        """``idle``, ``starting``, ``recording``, ``stopping`` or ``extending`` for the selected camera."""
        if self._camera_id is None:
            return IDLE
        busy = self._busy.get(self._camera_id.lower())
        if busy in (STARTING, STOPPING):
            return busy
        if self.tracker.get(self._camera_id) is None:
            return IDLE
        return busy or RECORDING

    @property
    def busy(self) -> bool:
        return self._camera_id is not None and self._camera_id.lower() in self._busy

    @property
    def permitted(self) -> bool:
        """False when the backend says this user may not record (the recording section is then hidden)."""
        b = self._backend
        return b.mode == OFF or not b.permissions or b.can(RECORD_PERMISSION)

    @property
    def available(self) -> bool:
        """True when Start/Stop can be used for the selected camera (backend answering, camera imported)."""
        return not self.unavailable_reason

    @property
    def unavailable_reason(self) -> str:
        """Why the selected camera cannot be recorded now ("" when it can)."""
        if self._camera_id is None:
            return self.tr("Select a camera in the tree or on the wall.")
        if not self._camera_enabled(self._camera_id):
            return self.tr("This camera is disabled in XProtect.")
        if self._backend.mode == OFF:
            return self.tr("Recording needs the backend, and none is configured.")
        if not self._backend.usable:
            return self.tr("The backend is not connected; see the status bar.")
        if not self.permitted:
            return self.tr("Your account may not record.")
        if self._backend.backend_camera_id(self._camera_id) is None:
            if self._backend.import_pending:
                return self.tr("The backend is still importing the cameras from XProtect…")
            return self.tr("This camera is not in the backend yet; an administrator can import it.")
        return ""

    @property
    def recording(self) -> ActiveRecordingView | None:
        """The selected camera's running recording, or None."""
        return self.tracker.get(self._camera_id) if self._camera_id else None

    def remaining_s(self) -> float:
        rec = self.recording
        return rec.remaining_s(self.tracker.now()) if rec else 0.0

    def elapsed_s(self) -> float:
        rec = self.recording
        return rec.elapsed_s(self.tracker.now()) if rec else 0.0

    def progress(self) -> float:
        """Elapsed fraction of the selected camera's recording, 0.0 … 1.0."""
        rec = self.recording
        return rec.progress(self.tracker.now()) if rec else 0.0

    @property
    def error_text(self) -> str:
        return self._error

    # --- every camera (for the tree and the wall) -------------------------------------------------------
    def is_recording(self, camera_id: str) -> bool:
        return self.tracker.get(camera_id) is not None

    def recording_of(self, camera_id: str) -> ActiveRecordingView | None:
        return self.tracker.get(camera_id)

    def recording_camera_ids(self) -> set[str]:
        """XProtect ids of every camera recording now."""
        return self.tracker.camera_ids()

    def active_recordings(self) -> list[ActiveRecordingView]:
        return self.tracker.active()

    def now(self) -> float:
        """The monotonic time (seconds) the countdowns are computed against."""
        return self.tracker.now()

    # --- commands ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start recording the selected camera for ``duration_s`` (returns at once)."""
        if self._camera_id is not None:
            self._runner.spawn(self.start_async(self._camera_id, self._duration), name="recording-start")

    def stop(self) -> None:
        """Stop the selected camera's recording (returns at once)."""
        if self._camera_id is not None:
            self._runner.spawn(self.stop_async(self._camera_id), name="recording-stop")

    def extend(self, seconds: int = EXTEND_S) -> None:
        """Add ``seconds`` to the selected camera's running recording (returns at once)."""
        if self._camera_id is not None:
            self._runner.spawn(self.extend_async(self._camera_id, seconds), name="recording-extend")

    async def start_async(self, camera_id: str, duration_s: int) -> bool:
        """Start recording ``camera_id`` for ``duration_s`` seconds; True on success (errors are shown)."""
        return await self._command(camera_id, STARTING, self._do_start, duration_s)

    async def stop_async(self, camera_id: str) -> bool:
        """Stop ``camera_id``'s recording; True on success (errors are shown)."""
        return await self._command(camera_id, STOPPING, self._do_stop)

    async def extend_async(self, camera_id: str, seconds: int) -> bool:
        """Extend ``camera_id``'s recording by ``seconds``; True on success (errors are shown)."""
        return await self._command(camera_id, EXTENDING, self._do_extend, seconds)

    async def _command(self, camera_id: str, kind: str, call: Callable[..., Any], *args: Any) -> bool:
        key = camera_id.lower()
        selected = key == (self._camera_id or "").lower()
        client = self._backend.client
        backend_id = self._backend.backend_camera_id(camera_id)
        if key in self._busy:
            return False
        if client is None or backend_id is None or not self._backend.usable:
            reason = self.unavailable_reason if selected else ""
            self._report(selected, reason or self.tr("The backend is not connected; see the status bar."))
            return False
        self._busy[key] = kind
        if selected:
            self._set_error("")
        self.sigStateChanged.emit()
        try:
            await call(client, camera_id, backend_id, *args)
            return True
        except BackendError as exc:
            log.info("recording command %s on camera %s failed: %s", kind, camera_id, exc.code)
            if exc.code == "duration_out_of_range":
                self._learn_limits(exc.details)
            self._report(selected, error_text(exc))
            if exc.code in ("already_recording", "not_recording"):
                await self.tracker.refresh(client, camera_id, backend_id)
            return False
        finally:
            self._busy.pop(key, None)
            self.sigStateChanged.emit()

    async def _do_start(self, client: BackendClient, camera_id: str, backend_id: str, duration_s: int) -> None:
        started = await client.start_recording(backend_id, duration_s)
        planned = (started.estimated_end_time - started.start_time).total_seconds()
        rec = ActiveRecordingView(
            camera_id,
            started.recording_id,
            started.duration_seconds,
            self.now() + planned,
            started.start_time,
            started.storage_mode,
        )
        if not self.tracker.retime(camera_id, rec.recording_id, rec.duration_s, planned):
            self.tracker.put(rec, announce=True)

    async def _do_stop(self, client: BackendClient, camera_id: str, backend_id: str) -> None:
        stopped = await client.stop_recording(backend_id)
        self.tracker.remove(camera_id, stopped.recording_id, stopped.stop_reason or "user")

    async def _do_extend(self, client: BackendClient, camera_id: str, backend_id: str, seconds: int) -> None:
        running = await client.extend_recording(backend_id, seconds)
        self.tracker.retime(camera_id, running.recording_id, running.duration_seconds, running.remaining_seconds)
        self.sigNotice.emit(
            self.tr("Recording of {0} extended to {1}.").format(
                isolate(self.name_of(camera_id)), duration_text(running.duration_seconds)
            )
        )

    def _on_backend_limits(self) -> None:
        """The backend told its limits (``GET /recordings/limits``): offer exactly those durations."""
        self.limits = self._backend.limits
        self._duration = self._clamp(self._duration)
        self.sigStateChanged.emit()

    def _learn_limits(self, details: dict[str, Any]) -> None:
        """A 400 ``duration_out_of_range`` tells the backend's real limits (details minimum/maximum, s)."""
        low, high = details.get("minimum"), details.get("maximum")
        if isinstance(low, int) and isinstance(high, int) and 0 < low <= high:
            self.limits = DurationLimits(low, high, min(high, max(low, self.limits.default_s)))
            self._duration = self._clamp(self._duration)
            self.sigStateChanged.emit()

    def _report(self, selected: bool, text: str) -> None:
        """An error about the selected camera goes to the section; about another one, to a notification."""
        if selected:
            self._set_error(text)
        else:
            self.sigNotice.emit(text)

    def _set_error(self, text: str) -> None:
        if text != self._error:
            self._error = text
            self.sigErrorChanged.emit(text)

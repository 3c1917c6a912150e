"""What the recording manager drives: XProtect's manual recording and the backend's own local recorder.

Both are protocols so that the manager's scheduling logic (durations, restarts, overdue sessions) is tested
against the real simulator and the real local recorder alike, and so that scale-out can swap them later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class CameraTarget:
    """What the manager needs to know of a camera row to record it (copied out of the ORM row)."""

    id: str
    name: str
    storage_mode: str  # MILESTONE | LOCAL | BOTH
    milestone_device_id: str | None
    recording_server_id: str | None
    recording_server_name: str | None
    recording_server_uri: str | None  # RecorderCommandService base URI
    stream_id: str | None
    rtsp_url: str | None
    manual_recording_timeout_minutes: int | None  # XProtect's own auto-stop (None: none or unknown)
    agency: str = "OTHER"  # the stream quota group a local recording of the camera counts against

    @property
    def records_milestone(self) -> bool:
        return self.storage_mode in ("MILESTONE", "BOTH")

    @property
    def records_local(self) -> bool:
        return self.storage_mode in ("LOCAL", "BOTH")


class MilestoneRecordingControl(Protocol):
    """Manual recording on the camera's XProtect recording server (MILESTONE_PROTOCOL.md §4).

    Each method raises ``backend.recording.errors.MilestoneRefusedError`` when the server answers with a
    failure, and ``MilestoneUnavailableError`` when it cannot be reached or the backend is not logged in.
    """

    async def start(self, camera: CameraTarget) -> None: ...

    async def stop(self, camera: CameraTarget) -> None: ...

    async def is_recording(self, camera: CameraTarget) -> bool: ...


class LocalRecordingControl(Protocol):
    """The backend's own recorder (stream copy into segments, uploaded later).

    ``ensure_can_record`` raises ``LocalRecordingUnavailableError`` (for example the spool disk is nearly full);
    ``start`` begins recording ``camera`` for ``session_id`` (idempotent per camera); ``stop`` closes the
    current segment durably and returns when it is indexed (idempotent); ``needs_restart`` is True when the
    camera's running recorder reads through an XProtect session the backend no longer uses (it logged in again
    after losing XProtect): that recorder records nothing until it is stopped and started again.
    """

    def ensure_can_record(self, camera: CameraTarget) -> None: ...

    async def start(self, camera: CameraTarget, session_id: str) -> None: ...

    async def stop(self, camera_id: str) -> None: ...

    def needs_restart(self, camera_id: str) -> bool: ...


Publisher = Callable[..., Any]  # publish(event_type, camera_id=None, **data)


class OutageRecorder(Protocol):
    """What the recording layer writes into the outage log (``backend.playback.outages.OutageLog``): synchronous
    calls (run them in a worker thread), times in integer UTC µs; ``open`` returns the outage id and raises
    ValueError for an unknown kind, source or camera."""

    def open(
        self, camera_id: str, kind: str, *, source: str, start_us: int | None = None, detail: str | None = None
    ) -> int: ...

    def close(self, outage_id: int, end_us: int | None = None) -> object: ...

    def heartbeat(self, outage_ids: Iterable[int]) -> None: ...

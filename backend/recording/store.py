"""Database operations of the recording manager (synchronous SQLAlchemy; callers run them in a worker thread).

Every state change is one transaction, so a crash leaves either the old or the new state, never half of it.
Times are integer UTC microseconds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.db.models import Camera, RecordingSession

from .errors import CameraNotFoundError
from .ports import CameraTarget


@dataclass(frozen=True, slots=True)
class SessionView:
    """A recording session copied out of its row (safe to pass between threads and to the API)."""

    id: str
    camera_id: str
    storage_mode: str
    state: str
    duration_s: int
    started_us: int
    scheduled_end_us: int
    stopped_us: int | None
    stop_reason: str | None
    started_by: str | None
    milestone_started: bool
    local_started: bool
    error: str | None

    @classmethod
    def of(cls, row: RecordingSession) -> SessionView:
        return cls(
            row.id,
            row.camera_id,
            row.storage_mode,
            row.state,
            row.duration_s,
            row.started_us,
            row.scheduled_end_us,
            row.stopped_us,
            row.stop_reason,
            row.started_by,
            row.milestone_started,
            row.local_started,
            row.error,
        )


def camera_target(row: Camera) -> CameraTarget:
    """The recording-relevant fields of a camera row."""
    return CameraTarget(
        id=row.id,
        name=row.name,
        storage_mode=row.storage_mode,
        milestone_device_id=row.milestone_device_id,
        recording_server_id=row.recording_server_id,
        recording_server_name=row.recording_server_name,
        recording_server_uri=row.recording_server_uri,
        stream_id=row.stream_id,
        rtsp_url=row.rtsp_url,
        manual_recording_timeout_minutes=row.manual_recording_timeout_minutes,
        agency=row.agency or "OTHER",
    )


class SessionStore:
    """Reads and writes recording_sessions rows through ``sessions`` (a SQLAlchemy sessionmaker)."""

    def __init__(self, sessions: sessionmaker[Session], instance: str) -> None:
        self._sessions = sessions
        self._instance = instance

    def camera(self, camera_id: str) -> CameraTarget:
        """The camera ``camera_id``. Raises CameraNotFoundError."""
        with self._sessions() as db:
            row = db.get(Camera, camera_id)
            if row is None:
                raise CameraNotFoundError(camera_id)
            return camera_target(row)

    def active(self, camera_id: str | None = None) -> list[SessionView]:
        """Sessions in state ``recording`` (of one camera, or all), oldest first."""
        with self._sessions() as db:
            query = select(RecordingSession).where(RecordingSession.state == "recording")
            if camera_id is not None:
                query = query.where(RecordingSession.camera_id == camera_id)
            rows = db.scalars(query.order_by(RecordingSession.started_us)).all()
            return [SessionView.of(r) for r in rows]

    def last(self, camera_id: str) -> SessionView | None:
        """The camera's most recent finished session, if any."""
        with self._sessions() as db:
            row = db.scalars(
                select(RecordingSession)
                .where(RecordingSession.camera_id == camera_id, RecordingSession.state != "recording")
                .order_by(RecordingSession.started_us.desc())
                .limit(1)
            ).first()
            return SessionView.of(row) if row else None

    def get(self, session_id: str) -> SessionView | None:
        with self._sessions() as db:
            row = db.get(RecordingSession, session_id)
            return SessionView.of(row) if row else None

    def create(
        self,
        camera: CameraTarget,
        duration_s: int,
        now_us: int,
        started_by: str | None,
        *,
        milestone_started: bool,
        local_started: bool,
    ) -> SessionView:
        """Insert a session in state ``recording``; returns it."""
        with self._sessions.begin() as db:
            row = RecordingSession(
                id=str(uuid.uuid4()),
                camera_id=camera.id,
                storage_mode=camera.storage_mode,
                state="recording",
                duration_s=duration_s,
                started_us=now_us,
                scheduled_end_us=now_us + duration_s * 1_000_000,
                started_by=started_by,
                milestone_started=milestone_started,
                local_started=local_started,
                owner=self._instance,
                created_us=now_us,
                updated_us=now_us,
            )
            db.add(row)
            db.flush()
            return SessionView.of(row)

    def finish(self, session_id: str, now_us: int, reason: str, error: str | None = None) -> SessionView | None:
        """Mark a recording session stopped (``reason``: user | duration | overdue_at_restart | error)."""
        with self._sessions.begin() as db:
            row = db.get(RecordingSession, session_id)
            if row is None:
                return None
            if row.state == "recording":
                row.state = "failed" if reason == "error" else "stopped"
                row.stopped_us = min(now_us, row.scheduled_end_us) if reason == "overdue_at_restart" else now_us
                row.stop_reason = reason
                row.error = error
                row.updated_us = now_us
            return SessionView.of(row)

    def extend(self, session_id: str, extra_s: int, now_us: int) -> SessionView | None:
        """Push a recording session's end later by ``extra_s`` seconds."""
        with self._sessions.begin() as db:
            row = db.get(RecordingSession, session_id)
            if row is None or row.state != "recording":
                return None
            row.duration_s += extra_s
            row.scheduled_end_us += extra_s * 1_000_000
            row.updated_us = now_us
            return SessionView.of(row)

    def note(self, session_id: str, now_us: int, *, error: str | None = None, local_started: bool | None = None):
        """Record a non-fatal problem (or the local recorder's start) on a running session."""
        with self._sessions.begin() as db:
            row = db.get(RecordingSession, session_id)
            if row is None:
                return
            if error is not None:
                row.error = error
            if local_started is not None:
                row.local_started = local_started
            row.updated_us = now_us

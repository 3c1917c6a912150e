"""The outage log (table ``recording_outages``): why a camera was not recorded, the reasons of the gaps.

Writers:
- the playback component, from the local recorder's ``camera_status`` events: the source reconnecting opens a
  ``camera_offline`` outage, refused credentials or permission a ``recorder_down`` one, the source live again
  or stopped closes them (source ``recorder``);
- the playback component at start-up: the time the backend was not running while a LOCAL/BOTH session was
  active is a ``recorder_down`` outage (source ``backend``), from the end of the camera's last segment to the
  restart (or the session's scheduled end); outages a crashed run left open are closed at their last heartbeat;
- the quota service: ``record(camera, "quota_denied", start_us, end_us, source="quota")`` or ``open``/``close``.

Methods are synchronous, each one short transaction (asyncio callers use ``asyncio.to_thread`` or
``Database.run``); ``on_change(camera_id)`` is called after every write (the playback cache invalidates the
camera). Times are integer UTC µs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.db.models import OUTAGE_KINDS, OUTAGE_SOURCES, Camera, RecordingOutage, RecordingSession, Segment
from milestone.clock import Clock

MIN_DOWNTIME_US = 1_000_000  # shorter backend downtime during a session is not worth an outage row


@dataclass(frozen=True, slots=True)
class OutageRecord:
    """A copy of one ``recording_outages`` row; ``end_us`` None while the outage lasts."""

    id: int
    camera_id: str
    kind: str
    source: str
    start_us: int
    end_us: int | None
    detail: str | None

    @classmethod
    def of(cls, row: RecordingOutage) -> OutageRecord:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def outages_overlapping(session: Session, camera_id: str, lo_us: int, hi_us: int) -> list[OutageRecord]:
    """The camera's outages overlapping ``[lo_us, hi_us)`` (open ones included), by start."""
    rows = session.scalars(
        select(RecordingOutage)
        .where(
            RecordingOutage.camera_id == camera_id,
            RecordingOutage.start_us < hi_us,
            or_(RecordingOutage.end_us.is_(None), RecordingOutage.end_us > lo_us),
        )
        .order_by(RecordingOutage.start_us)
    )
    return [OutageRecord.of(row) for row in rows]


class OutageLog:
    """Reads and writes ``recording_outages`` through ``sessions``; see the module docstring."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, on_change: Callable[[str], None] | None = None
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.on_change = on_change

    def now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

    def _changed(self, camera_ids: Iterable[str]) -> None:
        if self.on_change is not None:
            for camera_id in set(camera_ids):
                self.on_change(camera_id)

    @staticmethod
    def _check(session: Session, camera_id: str, kind: str, source: str) -> None:
        if kind not in OUTAGE_KINDS:
            raise ValueError(f"unknown outage kind {kind!r} (one of {', '.join(OUTAGE_KINDS)})")
        if source not in OUTAGE_SOURCES:
            raise ValueError(f"unknown outage source {source!r} (one of {', '.join(OUTAGE_SOURCES)})")
        if session.get(Camera, camera_id) is None:
            raise ValueError(f"unknown camera {camera_id!r}")

    def open(
        self, camera_id: str, kind: str, *, source: str, start_us: int | None = None, detail: str | None = None
    ) -> int:
        """Start an outage (``start_us`` default now) and return its id; close it with :meth:`close`.
        Raises ValueError for an unknown kind, source or camera."""
        return self.record(
            camera_id, kind, self.now_us() if start_us is None else start_us, None, source=source, detail=detail
        )

    def record(
        self,
        camera_id: str,
        kind: str,
        start_us: int,
        end_us: int | None,
        *,
        source: str,
        detail: str | None = None,
    ) -> int:
        """Insert an outage ``[start_us, end_us)`` (``end_us`` None: still open); returns its id.
        Raises ValueError for an unknown kind, source or camera, or an end before the start."""
        if end_us is not None and end_us < start_us:
            raise ValueError("an outage cannot end before it starts")
        now = self.now_us()
        with self._sessions.begin() as s:
            self._check(s, camera_id, kind, source)
            row = RecordingOutage(
                camera_id=camera_id,
                kind=kind,
                source=source,
                start_us=start_us,
                end_us=end_us,
                detail=detail[:2000] if detail else None,
                created_us=now,
                updated_us=now,
            )
            s.add(row)
            s.flush()
            outage_id = row.id
        self._changed([camera_id])
        return outage_id

    def close(self, outage_id: int, end_us: int | None = None) -> OutageRecord | None:
        """End an open outage at ``end_us`` (default now, never before its start); None if there is no such
        row. Closing a closed outage changes nothing."""
        now = self.now_us()
        with self._sessions.begin() as s:
            row = s.get(RecordingOutage, outage_id)
            if row is None:
                return None
            if row.end_us is None:
                row.end_us = max(row.start_us, now if end_us is None else end_us)
                row.updated_us = now
            record = OutageRecord.of(row)
        self._changed([record.camera_id])
        return record

    def get(self, outage_id: int) -> OutageRecord | None:
        with self._sessions() as s:
            row = s.get(RecordingOutage, outage_id)
            return OutageRecord.of(row) if row else None

    def overlapping(self, camera_id: str, lo_us: int, hi_us: int) -> list[OutageRecord]:
        """The camera's outages overlapping ``[lo_us, hi_us)``."""
        with self._sessions() as s:
            return outages_overlapping(s, camera_id, lo_us, hi_us)

    def open_outages(self) -> list[OutageRecord]:
        """Every outage still open, oldest first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(RecordingOutage).where(RecordingOutage.end_us.is_(None)).order_by(RecordingOutage.start_us)
            )
            return [OutageRecord.of(row) for row in rows]

    def heartbeat(self, outage_ids: Iterable[int]) -> None:
        """Mark these open outages as still known to last now (their end if the backend dies)."""
        ids = list(outage_ids)
        if not ids:
            return
        with self._sessions.begin() as s:
            s.execute(
                update(RecordingOutage)
                .where(RecordingOutage.id.in_(ids), RecordingOutage.end_us.is_(None))
                .values(updated_us=self.now_us())
                .execution_options(synchronize_session=False)
            )

    def close_stale(self) -> list[OutageRecord]:
        """Start-up: close every outage a previous run left open at its last heartbeat; returns them."""
        with self._sessions.begin() as s:
            rows = list(s.scalars(select(RecordingOutage).where(RecordingOutage.end_us.is_(None))))
            for row in rows:
                row.end_us = max(row.start_us, row.updated_us)
            records = [OutageRecord.of(row) for row in rows]
        self._changed(r.camera_id for r in records)
        return records

    def record_backend_downtime(self, now_us: int | None = None) -> list[OutageRecord]:
        """Start-up: for every LOCAL/BOTH session still marked active, the time since the camera's last
        segment (or the session's start) up to now (or the session's scheduled end) becomes a ``recorder_down``
        outage (source ``backend``); a second start-up extends the row instead of adding another."""
        now = self.now_us() if now_us is None else now_us
        out: list[OutageRecord] = []
        with self._sessions.begin() as s:
            sessions = s.scalars(
                select(RecordingSession).where(
                    RecordingSession.state.in_(("recording", "stopping")),
                    RecordingSession.storage_mode.in_(("LOCAL", "BOTH")),
                    RecordingSession.started_us < now,
                )
            )
            for session in sessions:
                last_end = s.scalar(
                    select(Segment.end_us)
                    .where(Segment.camera_id == session.camera_id, Segment.start_us < now)
                    .order_by(Segment.start_us.desc())
                    .limit(1)
                )
                start = max(session.started_us, last_end or session.started_us)
                end = min(now, session.scheduled_end_us)
                if end - start < MIN_DOWNTIME_US:
                    continue
                row = s.scalars(
                    select(RecordingOutage).where(
                        RecordingOutage.camera_id == session.camera_id,
                        RecordingOutage.source == "backend",
                        RecordingOutage.start_us == start,
                    )
                ).first()
                if row is None:
                    row = RecordingOutage(
                        camera_id=session.camera_id,
                        kind="recorder_down",
                        source="backend",
                        start_us=start,
                        end_us=end,
                        detail=f"backend not running during recording session {session.id}",
                        created_us=now,
                        updated_us=now,
                    )
                    s.add(row)
                else:
                    row.end_us = max(row.end_us or end, end)
                    row.updated_us = now
                s.flush()
                out.append(OutageRecord.of(row))
        self._changed(r.camera_id for r in out)
        return out

"""The segments and garbage tables as the storage layer uses them: index, upload states, garbage rows.

Every method opens its own short transaction from the session factory and commits before it returns, so a
caller (the uploader, recovery, the recorder) can rely on "returned" meaning "durable in the database".
Methods are synchronous; asyncio callers use ``asyncio.to_thread``. State transitions are conditional
updates (``WHERE storage_state = ...``), so two uploaders never take the same segment.

Cost per uploaded segment (the recorder's steady state): three short transactions, each one or two Core
statements (no ORM object loads or unit of work): the insert (:meth:`SegmentIndex.add_closed_segment`), the
claim of a batch of waiting segments (:meth:`SegmentIndex.claim_pending`, one ``UPDATE ... RETURNING`` for up
to ``limit`` segments), and :meth:`SegmentIndex.mark_uploaded` (the state change, the garbage rows of this
upload's spool files and the removal of earlier uploads' garbage rows whose files are already gone). The
order of "row says uploaded", "garbage row names the spool file", "file unlinked", "garbage row removed" is
unchanged by the merging, so after a crash a row and its file are never out of step (``recovery``).

Garbage rows (after moonfire-nvr): ``kind='delete'`` names what is still to be deleted: ``local_path``
(relative to the spool) and/or ``object_key`` written as ``<bucket>/<key>``; ``kind='quarantine'`` names a
file moved to the spool's quarantine directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Select, Table, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.db.models import Camera, Garbage, RecordingSession, Segment
from backend.storage.errors import SegmentConflictError
from backend.storage.records import ClosedSegmentLike, GarbageRecord, SegmentRecord
from backend.storage.spool import Spool
from milestone.clock import Clock

__all__ = ["ClosedSegmentLike", "GarbageRecord", "SegmentIndex", "SegmentRecord", "SessionFactory"]

SessionFactory = Callable[[], Session]

# States of a segment whose file is still in the spool; an IN list (not "!= uploaded") so the state index serves it.
_NOT_UPLOADED = ("local", "uploading")
# Core tables: the hot paths run plain statements on them (no ORM identity map, loads or flush).
_SEGMENTS = cast(Table, Segment.__table__)
_GARBAGE = cast(Table, Garbage.__table__)


class SegmentIndex:
    """The storage layer's access to ``segments`` and ``garbage``; ``clock`` stamps ``created_us``."""

    def __init__(self, session_factory: SessionFactory, spool: Spool, clock: Clock) -> None:
        self._sessions = session_factory
        self.spool = spool
        self._clock = clock

    def _now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

    # -- indexing --------------------------------------------------------------------------------------------

    def add_closed_segment(self, closed: ClosedSegmentLike, camera_id: str, session_id: str | None = None) -> int:
        """Insert the row of a durable segment file (state ``local``) and return its id.

        ``closed.path`` must lie inside the spool; ``local_path`` is stored relative to it. Idempotent for the
        same file (returns the existing id); raises ``SegmentConflictError`` if the camera already has another
        segment starting at ``closed.start_us``, ``ValueError`` for a path outside the spool.
        """
        local_path = self.spool.relative(Path(closed.path))
        values = dict(
            camera_id=camera_id,
            session_id=session_id,
            start_us=closed.start_us,
            end_us=closed.end_us,
            media_duration_us=closed.media_duration_us,
            frames=closed.frames,
            key_frames=closed.key_frames,
            size_bytes=closed.size_bytes,
            sha256=closed.sha256.lower(),
            container=closed.container,
            codec=closed.codec,
            width=closed.width,
            height=closed.height,
            storage_state="local",
            local_path=local_path,
            upload_attempts=0,
            created_us=self._now_us(),
        )
        try:
            with self._sessions() as s, s.begin():
                return int(s.execute(insert(_SEGMENTS).values(values).returning(_SEGMENTS.c.id)).scalar_one())
        except IntegrityError:
            with self._sessions() as s:
                existing = s.execute(
                    select(_SEGMENTS.c.id, _SEGMENTS.c.local_path).where(
                        _SEGMENTS.c.camera_id == camera_id, _SEGMENTS.c.start_us == closed.start_us
                    )
                ).first()
            if existing is None:
                raise
            if existing.local_path == local_path:
                return int(existing.id)
            raise SegmentConflictError(camera_id, closed.start_us, existing.id) from None

    def get(self, segment_id: int) -> SegmentRecord | None:
        with self._sessions() as s:
            row = s.get(Segment, segment_id)
            return SegmentRecord.of(row) if row else None

    def local_files(self) -> dict[str, SegmentRecord]:
        """Rows that claim a file in the spool (state ``local`` or ``uploading``), by ``local_path``."""
        with self._sessions() as s:
            rows = s.scalars(select(Segment).where(Segment.storage_state.in_(_NOT_UPLOADED)))
            return {row.local_path: SegmentRecord.of(row) for row in rows if row.local_path}

    def pending(self, limit: int, exclude: Iterable[int] = ()) -> list[SegmentRecord]:
        """Up to ``limit`` segments in state ``local``, oldest first (by ``start_us``, then id)."""
        with self._sessions() as s:
            return [SegmentRecord.of(row) for row in s.execute(_oldest_local(limit, exclude))]

    def claim_pending(self, limit: int, exclude: Iterable[int] = ()) -> list[SegmentRecord]:
        """:meth:`pending` and :meth:`claim` in one statement: up to ``limit`` segments in state ``local`` (not
        in ``exclude``), oldest first, go to ``uploading`` with ``upload_attempts + 1``; returns them as they
        are now, oldest first. A crash before they are uploaded leaves them ``uploading``: the uploader's
        start (:meth:`reset_uploading`) puts them back, as for any upload in flight."""
        if limit <= 0:
            return []
        oldest = _oldest_local(limit, exclude).with_only_columns(_SEGMENTS.c.id).scalar_subquery()
        statement = (
            update(_SEGMENTS)
            .where(_SEGMENTS.c.id.in_(oldest), _SEGMENTS.c.storage_state == "local")
            .values(storage_state="uploading", upload_attempts=_SEGMENTS.c.upload_attempts + 1)
            .returning(*_SEGMENTS.c)
        )
        with self._sessions() as s, s.begin():
            records = [SegmentRecord.of(row) for row in s.execute(statement)]
        return sorted(records, key=lambda r: (r.start_us, r.id))

    def pending_totals(self) -> tuple[int, int]:
        """``(count, bytes)`` of segments not yet uploaded (states ``local`` and ``uploading``)."""
        with self._sessions() as s:
            count, total = s.execute(
                select(func.count(Segment.id), func.coalesce(func.sum(Segment.size_bytes), 0)).where(
                    Segment.storage_state.in_(_NOT_UPLOADED)
                )
            ).one()
            return int(count), int(total)

    def camera_exists(self, camera_id: str) -> bool:
        with self._sessions() as s:
            return s.get(Camera, camera_id) is not None

    def session_for(self, camera_id: str, start_us: int) -> str | None:
        """The recording session of ``camera_id`` running at ``start_us`` (UTC µs), if any (latest started)."""
        end = func.coalesce(RecordingSession.stopped_us, RecordingSession.scheduled_end_us)
        with self._sessions() as s:
            return s.scalars(
                select(RecordingSession.id)
                .where(
                    RecordingSession.camera_id == camera_id,
                    RecordingSession.started_us <= start_us,
                    or_(end >= start_us, RecordingSession.state.in_(("recording", "stopping"))),
                )
                .order_by(RecordingSession.started_us.desc())
                .limit(1)
            ).first()

    # -- upload states ---------------------------------------------------------------------------------------

    def claim(self, segment_id: int) -> SegmentRecord | None:
        """``local`` → ``uploading`` and ``upload_attempts + 1``; ``None`` if the row is not ``local``."""
        with self._sessions() as s, s.begin():
            row = s.execute(
                update(_SEGMENTS)
                .where(_SEGMENTS.c.id == segment_id, _SEGMENTS.c.storage_state == "local")
                .values(storage_state="uploading", upload_attempts=_SEGMENTS.c.upload_attempts + 1)
                .returning(*_SEGMENTS.c)
            ).first()
            return SegmentRecord.of(row) if row is not None else None

    def mark_uploaded(
        self,
        segment_id: int,
        *,
        object_key: str,
        etag: str,
        thumbnail_key: str | None,
        uploaded_us: int,
        delete_local: Sequence[str],
        finished_garbage: Iterable[int] = (),
    ) -> tuple[SegmentRecord, list[int]]:
        """``uploading`` → ``uploaded`` (object key, etag, thumbnail key, time; ``local_path`` cleared) and, in
        the same transaction, one ``garbage`` delete row per spool file in ``delete_local`` (relative paths).

        ``finished_garbage``: ids of garbage rows whose deletions are complete (earlier uploads' spool files,
        unlinked and their directory fsynced); they are deleted in the same transaction, which spares
        :meth:`delete_garbage` its own. Returns the updated row and the new garbage ids; the caller unlinks
        the files, fsyncs and then deletes those rows (here, with a later upload, or :meth:`delete_garbage`).
        Raises ``LookupError`` if the row is no longer ``uploading`` (nothing is changed then).
        """
        now_us = self._now_us()
        with self._sessions() as s, s.begin():
            row = s.execute(
                update(_SEGMENTS)
                .where(_SEGMENTS.c.id == segment_id, _SEGMENTS.c.storage_state == "uploading")
                .values(
                    storage_state="uploaded",
                    object_key=object_key,
                    etag=etag,
                    thumbnail_key=thumbnail_key,
                    uploaded_us=uploaded_us,
                    last_upload_error=None,
                    local_path=None,
                )
                .returning(*_SEGMENTS.c)
            ).first()
            if row is None:
                raise LookupError(f"segment {segment_id} is not being uploaded")
            garbage_ids = []
            for path in delete_local:
                values = dict(
                    kind="delete",
                    camera_id=row.camera_id,
                    local_path=path,
                    reason=f"uploaded segment {segment_id}",
                    created_us=now_us,
                )
                garbage_ids.append(
                    int(s.execute(insert(_GARBAGE).values(values).returning(_GARBAGE.c.id)).scalar_one())
                )
            finished = list(finished_garbage)
            if finished:
                s.execute(delete(_GARBAGE).where(_GARBAGE.c.id.in_(finished)))
            return SegmentRecord.of(row), garbage_ids

    def mark_failed(self, segment_id: int, error: str) -> None:
        """``uploading`` → ``local`` with ``last_upload_error`` (the file stays in the spool)."""
        with self._sessions() as s, s.begin():
            s.execute(
                update(Segment)
                .where(Segment.id == segment_id, Segment.storage_state == "uploading")
                .values(storage_state="local", last_upload_error=error[:2000])
                .execution_options(synchronize_session=False)
            )

    def unclaim(self, segment_ids: Iterable[int]) -> None:
        """Claimed segments that were not tried after all: ``uploading`` → ``local``, the claim's attempt taken
        back, the last error kept."""
        ids = list(segment_ids)
        with self._sessions() as s, s.begin():
            s.execute(
                update(Segment)
                .where(Segment.id.in_(ids), Segment.storage_state == "uploading")
                .values(storage_state="local", upload_attempts=Segment.upload_attempts - 1)
                .execution_options(synchronize_session=False)
            )

    def note_error(self, segment_id: int, error: str) -> None:
        """Record ``error`` as ``last_upload_error`` without changing the state (e.g. its file is missing)."""
        with self._sessions() as s, s.begin():
            s.execute(update(Segment).where(Segment.id == segment_id).values(last_upload_error=error[:2000]))

    def reset_uploading(self) -> int:
        """Start-up: rows left ``uploading`` by a crash go back to ``local``; returns how many."""
        with self._sessions() as s, s.begin():
            result = s.execute(
                update(Segment)
                .where(Segment.storage_state == "uploading")
                .values(storage_state="local", last_upload_error="upload interrupted (backend restarted)")
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- garbage ---------------------------------------------------------------------------------------------

    def add_garbage(
        self,
        kind: str,
        reason: str,
        *,
        local_path: str | None = None,
        object_key: str | None = None,
        camera_id: str | None = None,
        size_bytes: int | None = None,
    ) -> int:
        """Insert one garbage row (``kind`` ``delete`` or ``quarantine``) and return its id."""
        with self._sessions() as s, s.begin():
            row = Garbage(
                kind=kind,
                reason=reason,
                local_path=local_path,
                object_key=object_key,
                camera_id=camera_id,
                size_bytes=size_bytes,
                created_us=self._now_us(),
            )
            s.add(row)
            s.flush()
            return row.id

    def garbage(self, kind: str | None = None) -> list[GarbageRecord]:
        query = select(Garbage).order_by(Garbage.id)
        if kind is not None:
            query = query.where(Garbage.kind == kind)
        with self._sessions() as s:
            return [GarbageRecord.of(row) for row in s.scalars(query)]

    def delete_garbage(self, ids: Iterable[int]) -> None:
        """Delete garbage rows whose deletions are complete."""
        wanted = list(ids)
        if not wanted:
            return
        with self._sessions() as s, s.begin():
            s.execute(delete(_GARBAGE).where(_GARBAGE.c.id.in_(wanted)))

    def move_to_garbage(
        self, segment_id: int, reason: str, *, extra_local: Sequence[str] = (), object_keys: Sequence[str] = ()
    ) -> list[GarbageRecord] | None:
        """Retention delete, step 1: in one transaction delete the segment row and insert a delete row for its
        local file (if any), for each of ``extra_local`` (e.g. its thumbnail in the spool) and for each of
        ``object_keys`` (``<bucket>/<key>``). Returns the garbage rows; ``None`` if the segment does not exist
        or is being uploaded right now (try again later)."""
        with self._sessions() as s, s.begin():
            row = s.get(Segment, segment_id, with_for_update=True)
            if row is None or row.storage_state == "uploading":
                return None
            locals_ = ([row.local_path] if row.local_path else []) + list(extra_local)
            targets: list[tuple[str | None, str | None]] = [(path, None) for path in locals_]
            targets += [(None, key) for key in object_keys]
            garbage = [
                Garbage(
                    kind="delete",
                    camera_id=row.camera_id,
                    local_path=local,
                    object_key=key,
                    size_bytes=row.size_bytes,
                    reason=f"segment {segment_id}: {reason}",
                    created_us=self._now_us(),
                )
                for local, key in targets
            ]
            s.add_all(garbage)
            s.delete(row)
            s.flush()
            return [GarbageRecord.of(g) for g in garbage]


def _oldest_local(limit: int, exclude: Iterable[int]) -> Select[Any]:
    """SELECT the ``segments`` rows in state ``local`` not in ``exclude``, oldest first, at most ``limit``."""
    query = select(_SEGMENTS).where(_SEGMENTS.c.storage_state == "local")
    excluded = list(exclude)
    if excluded:
        query = query.where(_SEGMENTS.c.id.not_in(excluded))
    return query.order_by(_SEGMENTS.c.start_us, _SEGMENTS.c.id).limit(limit)

"""SQL over the ``segments`` and ``recording_sessions`` tables for the recordings query and the timeline.

Everything runs on the ``(camera_id, start_us, end_us)`` index (``ix_segments_camera_time``): a range query
scans the camera's segments starting inside ``[lo, hi)`` plus the one segment that started before ``lo``. That
relies on a camera's segments never overlapping each other (one recorder per camera writes them one after
the other; the table's unique ``(camera_id, start_us)`` and the writer's monotonic times keep it so).

- ``local_islands``: runs of back-to-back segments merged in SQL (gaps and islands with window functions), so
  a month of one-minute segments comes back as a handful of rows.
- ``timeline_buckets``: per bucket the segments touching it and the recorded µs inside it, aggregated with
  ``GROUP BY`` in one pass (a segment's part past its bucket's end is carried into the next bucket); segments
  longer than a bucket switch to a recursive CTE that cuts them at every boundary.
- ``unplayable``: segments not uploaded whose spool file is gone (an upload can no longer happen): they are
  excluded from the above and reported as ``upload_failed`` gaps. Only rows with an upload error are checked.

Functions take a SQLAlchemy ``Session`` (synchronous; callers run them in a worker thread). SQL is portable
between SQLite and PostgreSQL (CASE instead of two-argument MIN/MAX, explicit BIGINT casts).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, or_, select, text
from sqlalchemy.orm import Session

from backend.db.models import Camera, RecordingSession, Segment
from backend.storage.segment_index import SegmentRecord
from milestone.clock import Clock

from .errors import CameraNotFoundError
from .merge import LocalIsland
from .ranges import BucketGrid

SCAN_LO = (
    "COALESCE((SELECT MAX(start_us) FROM segments WHERE camera_id = :cam AND start_us <= :lo), CAST(:lo AS BIGINT))"
)
IN_RANGE = f"camera_id = :cam AND start_us >= {SCAN_LO} AND start_us < :hi AND end_us > :lo"


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """What playback needs of a camera row."""

    id: str
    name: str
    storage_mode: str
    milestone_device_id: str | None
    recording_server_id: str | None
    recording_server_name: str | None
    recording_server_uri: str | None

    @property
    def records_local(self) -> bool:
        return self.storage_mode in ("LOCAL", "BOTH")


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A manual recording session overlapping a range; ``end_us`` None while it records."""

    id: str
    start_us: int
    end_us: int | None
    state: str
    storage_mode: str


def camera_info(session: Session, camera_id: str) -> CameraInfo:
    """The camera ``camera_id``. Raises CameraNotFoundError."""
    row = session.execute(
        select(
            Camera.id,
            Camera.name,
            Camera.storage_mode,
            Camera.milestone_device_id,
            Camera.recording_server_id,
            Camera.recording_server_name,
            Camera.recording_server_uri,
        ).where(Camera.id == camera_id)
    ).first()
    if row is None:
        raise CameraNotFoundError(camera_id)
    return CameraInfo(*row)


def _exclusion(exclude: Collection[int]) -> str:
    return " AND id NOT IN :excluded" if exclude else ""


def _params(stmt, exclude: Collection[int]):
    return stmt.bindparams(bindparam("excluded", expanding=True)) if exclude else stmt


class SuspectCameras:
    """The cameras that have segments not uploaded with an upload error (candidates for ``unplayable``), read
    through ``ix_segments_state`` at most every ``ttl_s`` seconds (monotonic clock), so that the per-range
    check runs only for them. Thread-safe."""

    def __init__(self, clock: Clock, ttl_s: float = 5.0) -> None:
        self._clock = clock
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._cameras: frozenset[str] = frozenset()
        self._expires = float("-inf")

    def cameras(self, session: Session) -> frozenset[str]:
        with self._lock:
            if self._clock.monotonic() < self._expires:
                return self._cameras
        found = frozenset(
            session.scalars(
                select(Segment.camera_id)
                .where(Segment.storage_state.in_(("local", "uploading")), Segment.last_upload_error.is_not(None))
                .distinct()
            )
        )
        with self._lock:
            self._cameras, self._expires = found, self._clock.monotonic() + self._ttl_s
        return found

    def forget(self) -> None:
        """Read again at the next use (e.g. the uploader reported a failure)."""
        with self._lock:
            self._expires = float("-inf")


def unplayable(
    session: Session,
    camera_id: str,
    lo: int,
    hi: int,
    spool_root: Path | None,
    suspects: SuspectCameras | None = None,
) -> list[SegmentRecord]:
    """Segments overlapping ``[lo, hi)`` that are not uploaded, had an upload error and whose spool file is
    missing (so they can be neither played nor uploaded). Without a spool (``None``) nothing is checked; with
    ``suspects``, only their cameras are."""
    if spool_root is None or (suspects is not None and camera_id not in suspects.cameras(session)):
        return []
    rows = session.scalars(
        select(Segment)
        .where(
            Segment.storage_state.in_(("local", "uploading")),
            Segment.last_upload_error.is_not(None),
            Segment.camera_id == camera_id,
            Segment.start_us >= _scan_lo(camera_id, lo),
            Segment.start_us < hi,
            Segment.end_us > lo,
        )
        .order_by(Segment.start_us)
    )
    out = []
    for row in rows:
        if not row.local_path or not (spool_root / row.local_path).is_file():
            out.append(SegmentRecord.of(row))
    return out


def local_islands(
    session: Session, camera_id: str, lo: int, hi: int, *, join_us: int, exclude: Collection[int] = ()
) -> list[LocalIsland]:
    """Runs of segments overlapping ``[lo, hi)`` where each starts at most ``join_us`` after the previous
    ones end, merged in SQL; full extents (not clipped), oldest first."""
    sql = text(
        f"""
        SELECT MIN(start_us) AS s, MAX(end_us) AS e, COUNT(*) AS n, SUM(size_bytes) AS bytes
        FROM (
            SELECT start_us, end_us, size_bytes,
                   SUM(brk) OVER (ORDER BY start_us ROWS UNBOUNDED PRECEDING) AS grp
            FROM (
                SELECT start_us, end_us, size_bytes,
                       CASE WHEN start_us <= MAX(end_us) OVER (
                                ORDER BY start_us ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + :join
                            THEN 0 ELSE 1 END AS brk
                FROM segments
                WHERE {IN_RANGE}{_exclusion(exclude)}
            ) marked
        ) grouped
        GROUP BY grp
        ORDER BY s
        """
    )
    params = {"cam": camera_id, "lo": lo, "hi": hi, "join": join_us, "excluded": list(exclude)}
    rows = session.execute(_params(sql, exclude), params if exclude else _without(params, "excluded"))
    return [LocalIsland(int(s), int(e), int(n), int(b or 0)) for s, e, n, b in rows]


def timeline_buckets(
    session: Session, camera_id: str, grid: BucketGrid, *, exclude: Collection[int] = ()
) -> tuple[list[int], list[int]]:
    """Per bucket of the grid: ``(segments touching it, recorded µs inside it)`` as two lists, aggregated with
    ``GROUP BY``: each segment is counted in the bucket it starts in and, when it crosses that bucket's end, in
    the next one (its overflow); if any segment spans more than two buckets (longer than a bucket), the exact
    recursive form (``_timeline_buckets_cut``) is used instead."""
    lo, hi = grid.origin_us, grid.origin_us + grid.count * grid.bucket_us
    params: dict[str, Any] = {"cam": camera_id, "lo": lo, "hi": hi, "origin": grid.origin_us, "bucket": grid.bucket_us}
    if exclude:
        params["excluded"] = list(exclude)
    rows = session.execute(_params(_one_pass(exclude), exclude), params).all()
    if any(longest is not None and longest > grid.bucket_us for *_, longest in rows):
        return _timeline_buckets_cut(session, grid, params, exclude)
    count = grid.count
    touching, covered = [0] * count, [0] * count
    for b, n, inside, crossing, overflow, _longest in rows:
        if 0 <= b < count:
            touching[b] += n
            covered[b] += int(inside)
        if crossing and 0 <= b + 1 < count:
            touching[b + 1] += crossing
            covered[b + 1] += int(overflow)
    return touching, covered


def _one_pass(exclude: Collection[int]):
    return text(
        f"""
        SELECT b, COUNT(*) AS n,
               SUM(CASE WHEN e < bend THEN e ELSE bend END - s) AS inside,
               SUM(CASE WHEN e > bend THEN 1 ELSE 0 END) AS crossing,
               SUM(CASE WHEN e > bend THEN e - bend ELSE 0 END) AS overflow,
               MAX(e - bend) AS longest
        FROM (
            SELECT b, s, e, CAST(:origin AS BIGINT) + (b + 1) * CAST(:bucket AS BIGINT) AS bend
            FROM (
                SELECT (s0 - CAST(:origin AS BIGINT)) / CAST(:bucket AS BIGINT) AS b, s0 AS s, e0 AS e
                FROM (
                    SELECT CASE WHEN start_us > :lo THEN start_us ELSE CAST(:lo AS BIGINT) END AS s0,
                           CASE WHEN end_us < :hi THEN end_us ELSE CAST(:hi AS BIGINT) END AS e0
                    FROM segments
                    WHERE {IN_RANGE}{_exclusion(exclude)}
                ) clipped
            ) numbered
        ) bounded
        GROUP BY b
        """
    )


def _timeline_buckets_cut(
    session: Session, grid: BucketGrid, params: dict[str, Any], exclude: Collection[int]
) -> tuple[list[int], list[int]]:
    """Segments cut at every bucket boundary by a recursive CTE, then summed per bucket (any length)."""
    sql = text(
        f"""
        WITH RECURSIVE pieces(b, s, e) AS (
            SELECT (s0 - CAST(:origin AS BIGINT)) / CAST(:bucket AS BIGINT), s0, e0
            FROM (
                SELECT CASE WHEN start_us > :lo THEN start_us ELSE CAST(:lo AS BIGINT) END AS s0,
                       CASE WHEN end_us < :hi THEN end_us ELSE CAST(:hi AS BIGINT) END AS e0
                FROM segments
                WHERE {IN_RANGE}{_exclusion(exclude)}
            ) clipped
            UNION ALL
            SELECT b + 1, CAST(:origin AS BIGINT) + (b + 1) * CAST(:bucket AS BIGINT), e
            FROM pieces
            WHERE e > CAST(:origin AS BIGINT) + (b + 1) * CAST(:bucket AS BIGINT)
        )
        SELECT b, COUNT(*) AS n,
               SUM(CASE WHEN e < CAST(:origin AS BIGINT) + (b + 1) * CAST(:bucket AS BIGINT) THEN e
                        ELSE CAST(:origin AS BIGINT) + (b + 1) * CAST(:bucket AS BIGINT) END - s) AS covered
        FROM pieces
        GROUP BY b
        """
    )
    touching, covered = [0] * grid.count, [0] * grid.count
    for b, n, us in session.execute(_params(sql, exclude), params):
        if 0 <= b < grid.count:
            touching[b], covered[b] = n, int(us)
    return touching, covered


def segments_in(
    session: Session, camera_id: str, lo: int, hi: int, *, limit: int, exclude: Collection[int] = ()
) -> list[SegmentRecord]:
    """Up to ``limit`` segments overlapping ``[lo, hi)``, oldest first, except the ``exclude`` ids."""
    query = select(Segment).where(
        Segment.camera_id == camera_id,
        Segment.start_us >= _scan_lo(camera_id, lo),
        Segment.start_us < hi,
        Segment.end_us > lo,
    )
    if exclude:
        query = query.where(Segment.id.not_in(list(exclude)))
    rows = session.scalars(query.order_by(Segment.start_us).limit(limit))
    return [SegmentRecord.of(row) for row in rows]


def segment_at(session: Session, camera_id: str, time_us: int, *, tolerance_us: int) -> SegmentRecord | None:
    """The segment holding ``time_us`` (the latest one starting at or before it, when ``time_us`` is before its
    end plus ``tolerance_us``), or None."""
    row = session.scalars(
        select(Segment)
        .where(Segment.camera_id == camera_id, Segment.start_us <= time_us)
        .order_by(Segment.start_us.desc())
        .limit(1)
    ).first()
    if row is None or time_us >= row.end_us + tolerance_us:
        return None
    return SegmentRecord.of(row)


def get_segment(session: Session, segment_id: int) -> SegmentRecord | None:
    row = session.get(Segment, segment_id)
    return SegmentRecord.of(row) if row else None


def sessions_overlapping(session: Session, camera_id: str, lo: int, hi: int) -> list[SessionRecord]:
    """Manual recording sessions of the camera overlapping ``[lo, hi)``, oldest first."""
    rows = session.scalars(
        select(RecordingSession)
        .where(
            RecordingSession.camera_id == camera_id,
            RecordingSession.started_us < hi,
            or_(RecordingSession.stopped_us.is_(None), RecordingSession.stopped_us > lo),
        )
        .order_by(RecordingSession.started_us)
    )
    return [SessionRecord(r.id, r.started_us, r.stopped_us, r.state, r.storage_mode) for r in rows]


def _scan_lo(camera_id: str, lo: int):
    """The start of the camera's last segment starting at or before ``lo`` (or ``lo``): the lower bound of
    an index range scan that still finds a segment overlapping ``lo``."""
    latest = select(func.max(Segment.start_us)).where(Segment.camera_id == camera_id, Segment.start_us <= lo)
    return func.coalesce(latest.scalar_subquery(), lo)


def _without(params: dict, key: str) -> dict:
    return {k: v for k, v in params.items() if k != key}

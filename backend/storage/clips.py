"""Clips: kept time ranges of some cameras for evidence (issue 7 §2; wire contract ``schemas_exports``).

A clip ``[start_us, end_us)`` (UTC µs) of cameras C holds every segment of a camera in C overlapping the
range: the retention job (``backend.storage.retention``) never deletes such a segment while the clip exists,
including segments recorded after the clip was made (a clip over a range still being recorded). On a store
with S3 object lock the held segments' objects also get a legal hold (``backend.storage.legal_holds``), lifted
when no clip holds them any more. Deleting a clip makes its segments subject to retention again, unless
another clip holds them.

Clip creation and the retention job's deletions are serialised by ``lock`` (one lock per backend process): a
segment the job is about to delete is checked again under the lock, so a clip made meanwhile still saves it.

Synchronous (database and store calls): asyncio callers use ``asyncio.to_thread``. Errors are bilingual
(``backend.errors.BilingualError``): ``BadRangeError`` (422 ``bad_range``), ``CameraNotFoundError``.
"""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from backend.db.models import Camera, Segment
from backend.db.models_clips import Clip, ClipCamera
from backend.errors import BadRangeError, CameraNotFoundError
from backend.storage.legal_holds import LegalHolds
from backend.storage.records import SegmentRecord
from milestone.clock import Clock

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]


@dataclass(frozen=True, slots=True)
class ClipRecord:
    """One clip as stored, with what it holds now: ``segments`` (count) and ``size_bytes`` of the segments of
    its cameras overlapping its range."""

    id: int
    camera_ids: list[str]
    start_us: int
    end_us: int
    title: str
    reason: str
    incident_id: int | None
    created_by: str
    created_us: int
    segments: int = 0
    size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class ClipFilter:
    """Listing filters: a camera, clips overlapping ``[start_us, end_us)``, an incident; newest first, at most
    ``limit``, created strictly before ``before_created_us``."""

    camera_id: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    incident_id: int | None = None
    limit: int = 50
    before_created_us: int | None = None


@dataclass(slots=True)
class ClipPageRecord:
    clips: list[ClipRecord] = field(default_factory=list)
    next_before_created_us: int | None = None


class ClipService:
    """Create, list, read and delete clips; see the module docstring. ``holds`` (optional) manages the S3 legal
    holds of stores with object lock; ``lock`` is shared with the retention job."""

    def __init__(
        self,
        session_factory: SessionFactory,
        clock: Clock,
        *,
        holds: LegalHolds | None = None,
        lock: threading.Lock | None = None,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self.holds = holds
        self.lock = lock or threading.Lock()

    @property
    def hold_kind(self) -> str:
        """``legal_hold`` when segment objects also carry an S3 legal hold, else ``database``."""
        return "legal_hold" if self.holds is not None and self.holds.enabled() else "database"

    def create(
        self,
        camera_ids: Sequence[str],
        start_us: int,
        end_us: int,
        *,
        title: str,
        reason: str = "",
        incident_id: int | None = None,
        created_by: str,
    ) -> ClipRecord:
        """Store a clip (duplicate camera ids are dropped, order kept) and set the legal holds it wants.
        Raises BadRangeError, CameraNotFoundError (the first unknown camera), ValueError (no camera)."""
        cameras = list(dict.fromkeys(camera_ids))
        if not cameras:
            raise ValueError("a clip needs at least one camera")
        if end_us <= start_us:
            raise BadRangeError(start_us, end_us)
        with self.lock, self._sessions() as s, s.begin():
            known = set(s.scalars(select(Camera.id).where(Camera.id.in_(cameras))))
            missing = [c for c in cameras if c not in known]
            if missing:
                raise CameraNotFoundError(missing[0])
            # Strictly increasing creation times, so that paging by beforeCreated never skips a clip.
            last = s.scalar(select(func.max(Clip.created_us)))
            created_us = max(int(self._clock.time() * 1_000_000), (last or 0) + 1)
            clip = Clip(
                title=title,
                reason=reason,
                incident_id=incident_id,
                start_us=start_us,
                end_us=end_us,
                created_by=created_by,
                created_us=created_us,
            )
            s.add(clip)
            s.flush()
            s.add_all(ClipCamera(clip_id=clip.id, camera_id=c, start_us=start_us, end_us=end_us) for c in cameras)
            clip_id = clip.id
        log.info("clip %d created by %s: %d camera(s), %d..%d µs", clip_id, created_by, len(cameras), start_us, end_us)
        if self.holds is not None:
            self.holds.reconcile(cameras)
        record = self.get(clip_id)
        assert record is not None
        return record

    def get(self, clip_id: int) -> ClipRecord | None:
        with self._sessions() as s:
            clip = s.get(Clip, clip_id)
            return self._record(s, clip) if clip is not None else None

    def list(self, where: ClipFilter) -> ClipPageRecord:
        """Clips matching ``where``, newest first; ``next_before_created_us`` is set when more may follow."""
        query = select(Clip).order_by(Clip.created_us.desc(), Clip.id.desc()).limit(where.limit + 1)
        if where.before_created_us is not None:
            query = query.where(Clip.created_us < where.before_created_us)
        if where.incident_id is not None:
            query = query.where(Clip.incident_id == where.incident_id)
        if where.start_us is not None:
            query = query.where(Clip.end_us > where.start_us)
        if where.end_us is not None:
            query = query.where(Clip.start_us < where.end_us)
        if where.camera_id is not None:
            mine = select(ClipCamera.clip_id).where(ClipCamera.camera_id == where.camera_id)
            query = query.where(Clip.id.in_(mine))
        with self._sessions() as s:
            clips = list(s.scalars(query))
            more = len(clips) > where.limit
            records = [self._record(s, clip) for clip in clips[: where.limit]]
        return ClipPageRecord(records, records[-1].created_us if more and records else None)

    def delete(self, clip_id: int) -> ClipRecord | None:
        """Delete the clip (its segments become subject to retention unless another clip holds them) and lift
        the legal holds no clip wants any more. Returns the clip as it was, ``None`` if there was none."""
        record = self.get(clip_id)
        if record is None:
            return None
        with self.lock, self._sessions() as s, s.begin():
            s.execute(delete(ClipCamera).where(ClipCamera.clip_id == clip_id))
            gone = s.execute(delete(Clip).where(Clip.id == clip_id)).rowcount  # type: ignore[attr-defined]
        if not gone:
            return None
        log.info("clip %d deleted", clip_id)
        if self.holds is not None:
            self.holds.reconcile(record.camera_ids)
        return record

    def segments_of(self, clip_id: int) -> builtins.list[SegmentRecord]:
        """The segments clip ``clip_id`` holds now (its cameras' segments overlapping its range), by camera and
        time; ``[]`` for an unknown clip."""
        with self._sessions() as s:
            rows = s.scalars(
                select(Segment)
                .join(ClipCamera, _overlaps_clip_camera())
                .where(ClipCamera.clip_id == clip_id)
                .order_by(Segment.camera_id, Segment.start_us)
            )
            return [SegmentRecord.of(row) for row in rows]

    def _record(self, s: Session, clip: Clip) -> ClipRecord:
        cameras = list(
            s.scalars(select(ClipCamera.camera_id).where(ClipCamera.clip_id == clip.id).order_by(ClipCamera.camera_id))
        )
        count, size = s.execute(
            select(func.count(Segment.id), func.coalesce(func.sum(Segment.size_bytes), 0))
            .join(ClipCamera, _overlaps_clip_camera())
            .where(ClipCamera.clip_id == clip.id)
        ).one()
        return ClipRecord(
            id=clip.id,
            camera_ids=cameras,
            start_us=clip.start_us,
            end_us=clip.end_us,
            title=clip.title,
            reason=clip.reason,
            incident_id=clip.incident_id,
            created_by=clip.created_by,
            created_us=clip.created_us,
            segments=int(count),
            size_bytes=int(size),
        )


def _overlaps_clip_camera():
    """Join condition: the segment belongs to the clip camera's camera and overlaps its range."""
    return and_(
        ClipCamera.camera_id == Segment.camera_id,
        ClipCamera.start_us < Segment.end_us,
        ClipCamera.end_us > Segment.start_us,
    )

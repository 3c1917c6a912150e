"""The detection pipeline's database side: which uploaded segments still wait, and writing what was found.

A segment is pending while it is ``uploaded`` and has no ``detection_runs`` row. :meth:`DetectionStore.save`
writes a segment's detections and its run row in one transaction, so a crash never leaves detections without
their run (the segment is then analysed again from scratch). :meth:`DetectionStore.save_live` writes what live
mode found (no segment, no run). Blocking: call from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from backend.db.models import Detection, DetectionRun, Segment
from backend.detection.worker import FoundBox
from backend.storage.records import SegmentRecord

_NO_RUN = ~exists().where(DetectionRun.segment_id == Segment.id)


@dataclass(frozen=True, slots=True)
class PendingStats:
    """``count`` pending segments; ``oldest_uploaded_us`` the earliest upload time among them (UTC µs)."""

    count: int
    oldest_uploaded_us: int | None


class DetectionStore:
    """See the module docstring."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def pending(self, limit: int, exclude: Iterable[int] = ()) -> list[SegmentRecord]:
        """Up to ``limit`` pending segments (not in ``exclude``), NEWEST first (by ``start_us``, then id): when
        the pipeline falls behind, the footage operators are most likely to search, and the watched-label
        events, come first; the backlog drains when it catches up."""
        statement = select(Segment).where(Segment.storage_state == "uploaded", _NO_RUN)
        excluded = list(exclude)
        if excluded:
            statement = statement.where(Segment.id.not_in(excluded))
        statement = statement.order_by(Segment.start_us.desc(), Segment.id.desc()).limit(limit)
        with self._sessions() as s:
            return [SegmentRecord.of(row) for row in s.scalars(statement)]

    def pending_stats(self) -> PendingStats:
        with self._sessions() as s:
            count, oldest = s.execute(
                select(func.count(Segment.id), func.min(Segment.uploaded_us)).where(
                    Segment.storage_state == "uploaded", _NO_RUN
                )
            ).one()
        return PendingStats(int(count), int(oldest) if oldest is not None else None)

    def run_totals(self) -> tuple[int, int]:
        """``(done, failed)`` run rows in the table."""
        with self._sessions() as s:
            rows = dict(s.execute(select(DetectionRun.state, func.count()).group_by(DetectionRun.state)).all())
        return int(rows.get("done", 0)), int(rows.get("failed", 0))

    def save(
        self,
        segment: SegmentRecord,
        boxes: Sequence[FoundBox],
        *,
        frames: int,
        error: str | None,
        started_us: int,
        finished_us: int,
    ) -> list[int] | None:
        """Insert the detections of ``segment`` and its run row (``done``, or ``failed`` with ``error``).
        Returns the detection ids in the order of ``boxes``; None when the segment already has a run or is
        gone (nothing is written then)."""
        rows = _rows(segment.camera_id, segment.id, boxes, finished_us)
        run = DetectionRun(
            segment_id=segment.id,
            state="failed" if error else "done",
            frames=frames,
            detections=len(rows),
            error=error,
            started_us=started_us,
            finished_us=finished_us,
        )
        try:
            with self._sessions() as s, s.begin():
                if s.get(Segment, segment.id) is None or s.get(DetectionRun, segment.id) is not None:
                    return None
                s.add(run)
                s.add_all(rows)
                s.flush()
                return [int(r.id) for r in rows]
        except IntegrityError:  # the segment was deleted meanwhile, or another writer got there first
            return None

    def save_live(self, camera_id: str, boxes: Sequence[FoundBox], created_us: int) -> list[int]:
        """Insert detections found on a camera's live stream (``segment_id`` NULL, ``at_us`` the picture's wall
        time); returns their ids in the order of ``boxes`` ([] when the camera was deleted meanwhile)."""
        if not boxes:
            return []
        rows = _rows(camera_id, None, boxes, created_us)
        try:
            with self._sessions() as s, s.begin():
                s.add_all(rows)
                s.flush()
                return [int(r.id) for r in rows]
        except IntegrityError:  # the camera was deleted meanwhile
            return []

    def skip(self, segment_id: int, reason: str, now_us: int) -> bool:
        """A ``skipped`` run for a segment that cannot be read at all (e.g. no object store); False when it
        already has a run or is gone."""
        try:
            with self._sessions() as s, s.begin():
                if s.get(Segment, segment_id) is None or s.get(DetectionRun, segment_id) is not None:
                    return False
                s.add(
                    DetectionRun(
                        segment_id=segment_id,
                        state="skipped",
                        frames=0,
                        detections=0,
                        error=reason,
                        started_us=now_us,
                        finished_us=now_us,
                    )
                )
            return True
        except IntegrityError:
            return False


def _rows(camera_id: str, segment_id: int | None, boxes: Sequence[FoundBox], created_us: int) -> list[Detection]:
    return [
        Detection(
            camera_id=camera_id,
            segment_id=segment_id,
            at_us=b.at_us,
            detector=b.detector,
            label=b.label,
            class_id=b.class_id,
            score=b.score,
            x1=b.x1,
            y1=b.y1,
            x2=b.x2,
            y2=b.y2,
            frame_width=b.frame_width,
            frame_height=b.frame_height,
            created_us=created_us,
        )
        for b in boxes
    ]

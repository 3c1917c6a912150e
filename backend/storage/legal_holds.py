"""S3 legal holds on the segment objects clips keep (object lock stores; ``storage.s3_object_lock``).

A clip is an evidence lock in the database first (the retention job skips every segment overlapping a clip of
its camera). On a store whose recordings bucket has S3 object lock, the segment objects also carry a legal
hold, so that nobody can delete them through the store either, and the hold is lifted when no clip holds the
segment any more. The table ``legal_holds`` (``backend.db.models_clips.LegalHold``) records which objects
carry a hold the backend set; :meth:`LegalHolds.reconcile` compares it with what the clips want now and sets
or lifts the difference, so a store that was down when a clip was made or deleted is put right by the next
pass (the retention job runs it first). :meth:`LegalHolds.hold_uploaded` is the uploader's hook: a segment
uploaded inside a clip's range (a clip made over a range still being recorded) gets its hold at upload.

Synchronous (store calls block on the network): asyncio callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session

from backend.db.models import Segment
from backend.db.models_clips import ClipCamera, LegalHold
from backend.storage.base import ObjectStore
from backend.storage.errors import ObjectNotFoundError, StorageError
from backend.storage.records import SegmentRecord
from milestone.clock import Clock

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]


def clip_overlap():
    """SQL: some clip of the segment's camera overlaps ``[segments.start_us, segments.end_us)`` (an EXISTS on
    ``ix_clip_cameras_camera_time``). Use in a query over ``segments``."""
    return exists().where(
        ClipCamera.camera_id == Segment.camera_id,
        ClipCamera.start_us < Segment.end_us,
        ClipCamera.end_us > Segment.start_us,
    )


@dataclass(slots=True)
class HoldReport:
    """What a reconciliation did: object keys held, released, and failures (``key: reason``, English)."""

    held: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class LegalHolds:
    """Legal holds of the recordings bucket of ``store``; see the module docstring. ``enabled`` is asked of the
    store (the bucket's object lock configuration) once and remembered; a store without object lock makes
    every method a no-op."""

    def __init__(self, session_factory: SessionFactory, store: ObjectStore | None, clock: Clock) -> None:
        self._sessions = session_factory
        self._store = store
        self._clock = clock
        self.bucket = store.layout.recordings.name if store is not None else ""
        self._enabled: bool | None = None

    def enabled(self) -> bool:
        """Whether the recordings bucket takes legal holds (``False`` when the store cannot be asked now; asked
        again next time then)."""
        if self._enabled is None:
            if self._store is None:
                self._enabled = False
            else:
                try:
                    self._enabled = self._store.legal_holds_enabled(self.bucket)
                except StorageError as exc:
                    log.warning("cannot read the object lock configuration of %s: %s", self.bucket, exc.message)
                    return False
        return self._enabled

    def _now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

    def _set(self, key: str, on: bool) -> None:
        assert self._store is not None
        self._store.set_legal_hold(self.bucket, key, on)

    def reconcile(self, camera_ids: Iterable[str] | None = None) -> HoldReport:
        """Set the holds clips want and lift the ones they no longer want (all cameras, or ``camera_ids``)."""
        report = HoldReport()
        if not self.enabled():
            return report
        cameras = list(camera_ids) if camera_ids is not None else None
        wanted_q = select(Segment.object_key, Segment.id, Segment.camera_id).where(
            Segment.object_key.is_not(None), clip_overlap()
        )
        have_q = select(LegalHold.object_key)
        if cameras is not None:
            wanted_q = wanted_q.where(Segment.camera_id.in_(cameras))
            have_q = have_q.where(LegalHold.camera_id.in_(cameras))
        with self._sessions() as s:
            wanted = {row.object_key: (row.id, row.camera_id) for row in s.execute(wanted_q)}
            have = set(s.scalars(have_q))
        for key in sorted(set(wanted) - have):
            segment_id, camera_id = wanted[key]
            try:
                self._set(key, True)
            except StorageError as exc:
                report.failed.append(f"{key}: {exc.message}")
                continue
            self._record(key, segment_id, camera_id)
            report.held.append(key)
        for key in sorted(have - set(wanted)):
            try:
                self._set(key, False)
            except ObjectNotFoundError:
                pass  # deleted meanwhile (by hand): nothing left to release
            except StorageError as exc:
                report.failed.append(f"{key}: {exc.message}")
                continue
            with self._sessions() as s, s.begin():
                s.execute(delete(LegalHold).where(LegalHold.object_key == key))
            report.released.append(key)
        if report.held or report.released or report.failed:
            log.info(
                "legal holds: %d set, %d lifted, %d failed%s",
                len(report.held),
                len(report.released),
                len(report.failed),
                f" (first: {report.failed[0]})" if report.failed else "",
            )
        return report

    def _record(self, key: str, segment_id: int | None, camera_id: str) -> None:
        with self._sessions() as s, s.begin():
            if s.get(LegalHold, key) is None:
                s.add(LegalHold(object_key=key, segment_id=segment_id, camera_id=camera_id, held_us=self._now_us()))

    def hold_uploaded(self, record: SegmentRecord) -> bool:
        """The uploader's hook (worker thread, after the upload is committed): hold ``record``'s object when it
        lies in a clip's range. Returns whether it was held; a failure is logged, and the next
        :meth:`reconcile` tries again."""
        if record.object_key is None or not self.enabled():
            return False
        overlap = select(ClipCamera.clip_id).where(
            and_(
                ClipCamera.camera_id == record.camera_id,
                ClipCamera.start_us < record.end_us,
                ClipCamera.end_us > record.start_us,
            )
        )
        with self._sessions() as s:
            if s.execute(overlap.limit(1)).first() is None:
                return False
        try:
            self._set(record.object_key, True)
        except StorageError as exc:
            log.warning("legal hold of segment %d not set at upload (retried later): %s", record.id, exc.message)
            return False
        self._record(record.object_key, record.id, record.camera_id)
        return True

    def held_keys(self) -> set[str]:
        """Object keys the backend holds now (bookkeeping)."""
        with self._sessions() as s:
            return set(s.scalars(select(LegalHold.object_key)))

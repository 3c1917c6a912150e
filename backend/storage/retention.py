"""The retention job: deletes recordings older than ``storage.lifecycle_days.recordings`` days, sparing clips.

Why a job and not an S3 lifecycle rule: a lifecycle rule deletes objects by age alone and cannot see evidence
locks, so it would delete segments a clip keeps (and leave their rows pointing at nothing). The recordings
bucket therefore has no expiry rule (``backend.storage.s3`` removes one it finds) and this job expires
recordings instead, on the filesystem store and on S3 alike. Exports and thumbnails buckets keep their rules.

One pass (:meth:`RetentionJob.run_once`, synchronous; the loop runs it in a worker thread every
``retention.interval_s`` seconds, the first ``retention.first_pass_delay_s`` after start-up):

1. legal holds are reconciled with the clips (``LegalHolds.reconcile``; object lock stores only), so a hold a
   deleted clip left behind is lifted before its segment comes up for deletion;
2. pending garbage delete rows are completed (``deletion.finish_deletions``: deletions a crash or a store
   outage left unfinished);
3. segments whose ``end_us`` is at or before ``now - days`` are deleted, oldest first, through
   ``deletion.delete_segment`` (row -> garbage rows -> spool file, thumbnail, object and thumbnail object
   deleted -> garbage rows removed), EXCEPT segments overlapping any clip of their camera (checked again under
   the clips lock just before each deletion), segments whose object carries a legal hold the backend set, and
   segments being uploaded right now (taken at a later pass).

``days = 0`` keeps recordings forever (steps 1 and 2 still run). Each pass is logged, counted in ``/metrics``
(``backend_retention_*``) and reported by the ``retention`` health check. Ages use the injected clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from backend.db.models import Segment
from backend.db.models_clips import LegalHold
from backend.storage.base import ObjectStore
from backend.storage.deletion import delete_segment, finish_deletions
from backend.storage.legal_holds import LegalHolds, clip_overlap
from backend.storage.retention_settings import RetentionSettings
from backend.storage.segment_index import SegmentIndex
from milestone.clock import Clock

log = logging.getLogger(__name__)

US_PER_DAY = 86_400 * 1_000_000
SessionFactory = Callable[[], Session]


@dataclass(slots=True)
class RetentionReport:
    """What one pass did. Times UTC µs; ``cutoff_us`` None when recordings are kept forever.

    ``deleted``/``deleted_bytes``: segments deleted (their rows gone; files and objects deleted unless listed in
    ``garbage_pending``); ``kept_by_clips``: segments old enough but held by a clip (or a legal hold);
    ``busy``: old segments skipped because they were being uploaded; ``garbage_finished``/``garbage_pending``:
    garbage delete rows completed / still waiting (e.g. the store is down); ``holds_set``/``holds_lifted``:
    legal holds changed; ``errors``: English, one line each."""

    started_us: int
    cutoff_us: int | None
    deleted: int = 0
    deleted_bytes: int = 0
    kept_by_clips: int = 0
    busy: int = 0
    garbage_finished: int = 0
    garbage_pending: int = 0
    holds_set: int = 0
    holds_lifted: int = 0
    errors: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


class RetentionJob:
    """See the module docstring. ``days``: ``storage.lifecycle_days.recordings``; ``lock``: the clips lock
    (``ClipService.lock``); ``holds``: legal holds (None: none). ``on_report`` is called after every pass (from
    the worker thread), e.g. to update metrics."""

    def __init__(
        self,
        index: SegmentIndex,
        session_factory: SessionFactory,
        store: ObjectStore | None,
        clock: Clock,
        *,
        days: int,
        settings: RetentionSettings | None = None,
        holds: LegalHolds | None = None,
        lock: threading.Lock | None = None,
        on_report: Callable[[RetentionReport], None] | None = None,
    ) -> None:
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        self._index = index
        self._sessions = session_factory
        self._store = store
        self._clock = clock
        self.days = days
        self.settings = settings or RetentionSettings()
        self._holds = holds
        self._lock = lock or threading.Lock()
        self._on_report = on_report
        self._task: asyncio.Task[None] | None = None
        self._pass_lock = threading.Lock()  # one pass at a time
        self.last_report: RetentionReport | None = None
        self.last_failure: str | None = None  # a pass that raised (database down...): English, no secrets

    # -- one pass --------------------------------------------------------------------------------------------

    def run_once(self) -> RetentionReport:
        """One pass (see the module docstring). Blocking; raises only for database errors."""
        with self._pass_lock:
            began = time.monotonic()
            now_us = int(self._clock.time() * 1_000_000)
            cutoff = now_us - self.days * US_PER_DAY if self.days > 0 else None
            report = RetentionReport(started_us=now_us, cutoff_us=cutoff)
            if self._holds is not None:
                holds = self._holds.reconcile()
                report.holds_set, report.holds_lifted = len(holds.held), len(holds.released)
                report.errors += [f"legal hold {line}" for line in holds.failed[:20]]
            done = finish_deletions(self._index, self._store)
            report.garbage_finished = len(done.finished)
            if cutoff is not None:
                self._expire(cutoff, report)
                report.kept_by_clips = self._count_kept(cutoff)
            pending = self._index.garbage("delete")
            report.garbage_pending = len(pending)
            if pending and self._store is None:
                report.errors.append(f"{len(pending)} object deletion(s) wait for the object store")
            report.duration_s = round(time.monotonic() - began, 3)
            self.last_report = report
            self.last_failure = None
        self._log(report)
        if self._on_report is not None:
            self._on_report(report)
        return report

    def _candidates(self, cutoff: int, after: tuple[int, int] | None, limit: int) -> list[tuple[int, int, int]]:
        """``(end_us, id, size)`` of up to ``limit`` deletable-looking segments, oldest end first, after the
        ``(end_us, id)`` cursor ``after``."""
        held_object = select(LegalHold.object_key).where(LegalHold.object_key == Segment.object_key).exists()
        query = (
            select(Segment.end_us, Segment.id, Segment.size_bytes)
            .where(Segment.end_us <= cutoff, Segment.storage_state != "uploading", ~clip_overlap(), ~held_object)
            .order_by(Segment.end_us, Segment.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(or_(Segment.end_us > after[0], and_(Segment.end_us == after[0], Segment.id > after[1])))
        with self._sessions() as s:
            return [(int(r.end_us), int(r.id), int(r.size_bytes)) for r in s.execute(query)]

    def _still_free(self, segment_id: int) -> bool:
        with self._sessions() as s:
            held = s.execute(select(Segment.id).where(Segment.id == segment_id, clip_overlap())).first()
            return held is None

    def _expire(self, cutoff: int, report: RetentionReport) -> None:
        reason = f"retention {self.days} d"
        cursor: tuple[int, int] | None = None
        budget = self.settings.max_segments_per_pass
        while budget > 0:
            batch = self._candidates(cutoff, cursor, min(self.settings.batch_size, budget))
            if not batch:
                return
            for end_us, segment_id, size in batch:
                cursor = (end_us, segment_id)
                budget -= 1
                with self._lock:  # a clip being made now waits, or is seen by this check
                    if not self._still_free(segment_id):
                        continue
                    result = delete_segment(self._index, segment_id, reason=reason, store=self._store)
                if result is None:
                    report.busy += 1
                    continue
                report.deleted += 1
                report.deleted_bytes += size
                report.garbage_finished += len(result.finished)
                for row in result.pending:
                    report.errors.append(f"segment {segment_id}: {row.object_key or row.local_path} not deleted yet")

    def _count_kept(self, cutoff: int) -> int:
        held_object = select(LegalHold.object_key).where(LegalHold.object_key == Segment.object_key).exists()
        with self._sessions() as s:
            return int(
                s.scalar(
                    select(func.count(Segment.id)).where(Segment.end_us <= cutoff, or_(clip_overlap(), held_object))
                )
                or 0
            )

    def _log(self, report: RetentionReport) -> None:
        if report.cutoff_us is None:
            what = "recordings kept forever (storage.lifecycle_days.recordings = 0)"
        else:
            what = (
                f"{report.deleted} segment(s) older than {self.days} d deleted ({report.deleted_bytes} bytes), "
                f"{report.kept_by_clips} kept by clips, {report.busy} being uploaded"
            )
        log.log(
            logging.WARNING if report.errors else logging.INFO,
            "retention: %s; garbage %d finished, %d pending; legal holds %d set, %d lifted%s",
            what,
            report.garbage_finished,
            report.garbage_pending,
            report.holds_set,
            report.holds_lifted,
            f"; {len(report.errors)} problem(s), first: {report.errors[0]}" if report.errors else "",
        )

    # -- loop ------------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the periodic loop (real time; ``settings.enabled`` false: no loop)."""
        if self._task is None and self.settings.enabled:
            self._task = asyncio.create_task(self._run(), name="retention")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_pass(self) -> RetentionReport | None:
        """One pass in a worker thread; a failure is logged and kept in ``last_failure`` (returns None)."""
        try:
            return await asyncio.to_thread(self.run_once)
        except Exception as exc:
            self.last_failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            log.exception("retention pass failed")
            return None

    async def _run(self) -> None:
        await asyncio.sleep(self.settings.first_pass_delay_s)
        while True:
            await self.run_pass()
            await asyncio.sleep(self.settings.interval_s)

"""The clips and retention component of the backend's lifespan (after storage, see ``backend.app``).

Builds the legal holds bookkeeping, the clip service and the retention job on the storage component's store
and segment index; hooks the legal holds into the uploader (``Uploader.on_stored``: a segment uploaded inside
a clip's range gets its hold at upload); starts the retention loop. Puts ``clips`` (ClipService) and
``retention`` (RetentionJob) on ``app.state``; registers the ``retention`` health check (not critical) and the
``backend_retention_*`` metrics.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.orm import sessionmaker

from backend.api.health import CheckResult

from .clips import ClipService
from .legal_holds import LegalHolds
from .retention import RetentionJob, RetentionReport

log = logging.getLogger(__name__)


class ClipsComponent:
    """See the module docstring. Needs the storage component (``ctx.state.storage``)."""

    name = "clips"

    def __init__(self, ctx: Any) -> None:
        storage = ctx.state.storage
        sessions = sessionmaker(ctx.db.engine, expire_on_commit=False)
        self.holds = LegalHolds(sessions, storage.store, ctx.clock)
        self.clips = ClipService(sessions, ctx.clock, holds=self.holds)
        metrics = ctx.metrics
        self._passes = metrics.counter("backend_retention_passes_total", "Retention passes completed")
        self._deleted = metrics.counter("backend_retention_segments_deleted_total", "Segments deleted by retention")
        self._bytes = metrics.counter("backend_retention_bytes_deleted_total", "Bytes of segments deleted by retention")
        self._failures = metrics.counter(
            "backend_retention_failures_total", "Retention passes that failed or left problems"
        )
        self.retention = RetentionJob(
            storage.index,
            sessions,
            storage.store,
            ctx.clock,
            days=ctx.settings.storage.lifecycle_days.recordings,
            settings=ctx.settings.retention,
            holds=self.holds,
            lock=self.clips.lock,
            on_report=self._count,
        )
        metrics.gauge_callback(
            "backend_retention_kept_by_clips_segments",
            "Segments past retention kept because a clip holds them (last pass)",
            lambda: float(self.retention.last_report.kept_by_clips if self.retention.last_report else 0),
        )
        metrics.gauge_callback(
            "backend_retention_garbage_pending",
            "Garbage delete rows still waiting after the last retention pass",
            lambda: float(self.retention.last_report.garbage_pending if self.retention.last_report else 0),
        )
        storage.uploader.on_stored = self.holds.hold_uploaded
        ctx.health.register("retention", self._health, critical=False)
        ctx.state.clips = self.clips
        ctx.state.retention = self.retention

    def _count(self, report: RetentionReport) -> None:
        self._passes.inc()
        self._deleted.inc(report.deleted)
        self._bytes.inc(report.deleted_bytes)
        if report.errors:
            self._failures.inc()

    async def start(self) -> None:
        await self.retention.start()

    async def stop(self) -> None:
        await self.retention.stop()

    async def _health(self) -> CheckResult:
        job = self.retention
        report = job.last_report
        data: dict[str, Any] = {
            "days": job.days,
            "intervalS": job.settings.interval_s,
            "enabled": job.settings.enabled,
            "holdKind": await asyncio.to_thread(lambda: self.clips.hold_kind),
        }
        if report is not None:
            data |= {
                "lastPassUs": report.started_us,
                "deleted": report.deleted,
                "deletedBytes": report.deleted_bytes,
                "keptByClips": report.kept_by_clips,
                "garbagePending": report.garbage_pending,
                "problems": report.errors[:5],
            }
        if job.last_failure is not None:
            return CheckResult(
                False,
                "failing",
                f"the last retention pass failed: {job.last_failure}",
                "Old recordings are not being deleted; the administrator can find the reason in the backend log.",
                "لا يتم حذف التسجيلات القديمة؛ يمكن للمسؤول معرفة السبب في سجل الخادم.",
                data,
            )
        if not job.settings.enabled:
            return CheckResult(True, "disabled", "the retention job is switched off (retention.enabled)", data=data)
        if job.days == 0:
            return CheckResult(
                True, "keep_forever", "storage.lifecycle_days.recordings = 0: nothing expires", data=data
            )
        if report is None:
            return CheckResult(True, "waiting", "no retention pass yet", data=data)
        if report.errors:
            return CheckResult(
                True, "degraded", f"{len(report.errors)} problem(s) at the last pass: {report.errors[0]}", data=data
            )
        return CheckResult(True, "ok", f"last pass deleted {report.deleted} segment(s)", data=data)

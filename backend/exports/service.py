"""The export service: validates and queues exports, runs them (at most ``exports.concurrency`` at once, heavy
work in worker threads), publishes ``export_progress`` (data: ``ExportOut`` as JSON, on every status change
and at most every ``progress_interval_s`` of progress), cancels, serves packages and removes expired ones.

Queued and running exports of a previous process are failed at start-up (``interrupted``): their scratch
files are gone with the process' work directory, which is emptied at start-up. The clean-up loop runs every
``cleanup_interval_s``: completed exports past ``expires_us`` lose their package and become ``expired``
(audited ``export.expired``). A download of an expired export, or of one whose object has vanished from the
store (an S3 lifecycle rule), answers 410.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from backend.api.schemas_exports import ExportCreate, ExportFileOut, ExportOut
from backend.errors import BadRangeError, NoFootageError
from backend.events import EventBus
from backend.playback.ranges import from_us, to_us
from backend.storage.errors import StorageError
from backend.storage.filesystem import FilesystemStore

from .errors import (
    ExportExpiredError,
    ExportNotFoundError,
    ExportNotReadyError,
    RangeTooLongError,
    TooManyCamerasError,
)
from .job import ExportJob, JobDeps, audit_step, plan_cameras
from .manifest import Verification, verify_package
from .store import (
    ACTIVE,
    ExportRecord,
    expired_exports,
    get_export,
    insert_export,
    interrupted_exports,
    list_exports,
    update_export,
)

log = logging.getLogger(__name__)

DEFAULT_EXPIRY_DAYS = 7
CHUNK = 1 << 20


def export_out(rec: ExportRecord) -> ExportOut:
    """The wire form of a row."""
    return ExportOut(
        id=rec.id,
        status=rec.status,  # type: ignore[arg-type]
        progress=rec.progress,
        phase=rec.phase,
        camera_ids=rec.camera_ids,
        start=from_us(rec.start_us),
        end=from_us(rec.end_us),
        reason=rec.reason,
        mask_faces=rec.mask_faces,
        incident_id=rec.incident_id,
        created_by=rec.created_by,
        created_at=from_us(rec.created_us),
        completed_at=from_us(rec.completed_us) if rec.completed_us is not None else None,
        expires_at=from_us(rec.expires_us) if rec.expires_us is not None else None,
        size_bytes=rec.size_bytes,
        sha256=rec.sha256,
        manifest_sha256=rec.manifest_sha256,
        files=[
            ExportFileOut(
                name=f["name"],
                camera_id=f["cameraId"],
                camera_name=f["cameraName"],
                source=f["source"],
                start=f["start"],
                end=f["end"],
                frames=f["frames"],
                size_bytes=f["sizeBytes"],
                sha256=f["sha256"],
                masked=f["masked"],
            )
            for f in rec.files
        ],
        missing_cameras=rec.missing_cameras,
        error=rec.error,  # type: ignore[arg-type]
    )


class ExportService:
    """See the module docstring. ``bus`` None: no events (tools, tests of the job alone)."""

    def __init__(self, deps: JobDeps, bus: EventBus | None) -> None:
        self.deps = deps
        self._bus = bus
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._stops: dict[str, threading.Event] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._cleanup: asyncio.Task[None] | None = None
        self._last_event: dict[str, float] = {}

    @property
    def expiry_days(self) -> int:
        """Days a package is kept by default: the setting, else the exports bucket's lifecycle, else 7."""
        layout_days = self.deps.store.layout.exports.expiry_days if self.deps.store is not None else None
        return self.deps.settings.expiry_days or layout_days or DEFAULT_EXPIRY_DAYS

    # -- lifecycle --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        await asyncio.to_thread(shutil.rmtree, self.deps.work_dir, True)
        self.deps.work_dir.mkdir(parents=True, exist_ok=True)
        for rec in await self.deps.db.run(interrupted_exports):
            await self._set(rec.id, {"status": "failed", "phase": "failed", "error": _interrupted()}, ACTIVE)
            await audit_step(self.deps, rec, "export.failed", "failed", error="interrupted")
        self._workers = [
            asyncio.create_task(self._work(), name=f"export-worker-{n}") for n in range(self.deps.settings.concurrency)
        ]
        self._cleanup = asyncio.create_task(self._cleanup_loop(), name="export-cleanup")

    async def stop(self) -> None:
        for event in self._stops.values():
            event.set()
        tasks = [*self._workers, *([self._cleanup] if self._cleanup else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._workers, self._cleanup = [], None

    # -- requests ---------------------------------------------------------------------------------------------

    async def create(self, body: ExportCreate, user: str) -> ExportRecord:
        """Validate, check that some camera has footage, insert and queue. Raises TooManyCamerasError,
        RangeTooLongError, BadRangeError, NoFootageError, CameraNotFoundError."""
        settings = self.deps.settings
        cameras = list(dict.fromkeys(body.camera_ids))
        if len(cameras) > settings.max_cameras:
            raise TooManyCamerasError(len(cameras), settings.max_cameras)
        start_us, end_us = to_us(body.start), to_us(body.end)
        if end_us <= start_us:
            raise BadRangeError(start_us, end_us)
        hours = (end_us - start_us) / 3.6e9
        if hours > settings.max_range_hours:
            raise RangeTooLongError(hours, settings.max_range_hours)
        plans = await plan_cameras(self.deps, cameras, start_us, end_us)
        if all(p.empty for p in plans):
            raise NoFootageError(cameras)
        rec = ExportRecord(
            id=str(uuid.uuid4()),
            status="queued",
            progress=0.0,
            phase="queued",
            camera_ids=cameras,
            start_us=start_us,
            end_us=end_us,
            reason=body.reason,
            mask_faces=body.mask_faces,
            incident_id=body.incident_id,
            expires_days=body.expires_days or self.expiry_days,
            created_by=user,
            created_us=self.deps.now_us(),
            missing_cameras=[p.camera.id for p in plans if p.empty],
        )
        await self.deps.db.run(insert_export, rec)
        self._stops[rec.id] = threading.Event()
        self._queue.put_nowait(rec.id)
        self._publish(rec)
        return rec

    async def get(self, export_id: str) -> ExportRecord:
        rec = await self.deps.db.run(get_export, export_id)
        if rec is None:
            raise ExportNotFoundError(export_id)
        return rec

    async def page(
        self, *, status: str | None, created_by: str | None, before_us: int | None, limit: int
    ) -> tuple[list[ExportRecord], int | None]:
        return await self.deps.db.run(
            lambda s: list_exports(s, status=status, created_by=created_by, before_us=before_us, limit=limit)
        )

    async def delete(self, export_id: str) -> ExportRecord:
        """Cancel a queued or running export, or remove a completed package (status ``expired``)."""
        rec = await self.get(export_id)
        if rec.status in ACTIVE:
            stop = self._stops.get(export_id)
            if stop is not None:
                stop.set()
            await self._set(export_id, {"status": "cancelled", "phase": "cancelled"}, ACTIVE)
            await audit_step(self.deps, rec, "export.cancel_requested")
        elif rec.status == "completed":
            await self._remove_package(rec, "export.removed", "removed")
        return await self.get(export_id)

    async def ready(self, export_id: str) -> ExportRecord:
        """The completed export whose package exists. Raises ExportNotFoundError, ExportNotReadyError,
        ExportExpiredError (also when the object vanished from the store: the row is then marked expired)."""
        rec = await self.get(export_id)
        if rec.status == "expired" or (rec.status == "completed" and (rec.expires_us or 0) <= self.deps.now_us()):
            raise ExportExpiredError(export_id)
        if rec.status != "completed" or not rec.object_key or self.deps.store is None:
            raise ExportNotReadyError(export_id, rec.status)
        try:
            gone = (
                await asyncio.to_thread(self.deps.store.stat, self.deps.store.layout.exports.name, rec.object_key)
                is None
            )
        except StorageError:
            gone = False  # unreachable store: let the download itself fail
        if gone:
            await self._remove_package(rec, "export.expired", "expired")
            raise ExportExpiredError(export_id)
        return rec

    def presigned_url(self, rec: ExportRecord) -> str | None:
        """A presigned GET URL of the package (S3), None on the filesystem store (blocking)."""
        assert self.deps.store is not None and rec.object_key is not None
        return self.deps.store.presigned_get_url(
            self.deps.store.layout.exports.name, rec.object_key, self.deps.settings.presign_expiry_s
        )

    def package_path(self, rec: ExportRecord) -> Path | None:
        """The package's file in the filesystem store (None on other stores)."""
        store = self.deps.store
        if not isinstance(store, FilesystemStore) or rec.object_key is None:
            return None
        return store.root.joinpath(store.layout.exports.name, *rec.object_key.split("/"))

    def package_chunks(self, rec: ExportRecord) -> Iterator[bytes]:
        """The package's bytes from the object store, chunk by chunk (blocking reads)."""
        assert self.deps.store is not None and rec.object_key is not None and rec.size_bytes is not None
        bucket = self.deps.store.layout.exports.name
        for offset in range(0, rec.size_bytes, CHUNK):
            yield self.deps.store.open_range(bucket, rec.object_key, offset, CHUNK)

    async def verify(self, export_id: str) -> Verification:
        """Check the stored package against its manifest and the manifest digest recorded at creation."""
        rec = await self.ready(export_id)

        def run() -> Verification:
            path = self.package_path(rec)
            if path is not None:
                return verify_package(path, rec.manifest_sha256)
            with tempfile.TemporaryDirectory(dir=self.deps.work_dir) as tmp:
                local = Path(tmp) / "package.zip"
                with local.open("wb") as fh:
                    for chunk in self.package_chunks(rec):
                        fh.write(chunk)
                return verify_package(local, rec.manifest_sha256)

        result = await asyncio.to_thread(run)
        if rec.sha256 and result.manifest_sha256 is None:
            result.problems.append("the package cannot be read")
        await audit_step(
            self.deps,
            rec,
            "export.verified",
            "success" if result.ok else "failed",
            ok=result.ok,
            problems=result.problems,
        )
        return result

    # -- internals --------------------------------------------------------------------------------------------

    async def _set(self, export_id: str, values: dict[str, Any], only_if: tuple[str, ...] = ()) -> bool:
        changed = await self.deps.db.run(lambda s: update_export(s, export_id, values, only_if))
        if changed:
            rec = await self.deps.db.run(get_export, export_id)
            if rec is not None:
                self._publish(rec)
        return changed

    def _publish(self, rec: ExportRecord) -> None:
        if self._bus is not None:
            self._bus.publish("export_progress", **export_out(rec).model_dump(mode="json", by_alias=True))
        self._last_event[rec.id] = self.deps.clock.monotonic()

    async def _work(self) -> None:
        while True:
            export_id = await self._queue.get()
            stop = self._stops.get(export_id) or threading.Event()
            try:
                if stop.is_set() or not await self._set(
                    export_id, {"status": "running", "phase": "starting"}, ("queued",)
                ):
                    continue
                rec = await self.get(export_id)
                await ExportJob(self.deps, rec, stop, self._progress_of(export_id), self._finisher(export_id)).run()
            except Exception:
                log.exception("export worker: %s", export_id)
            finally:
                self._stops.pop(export_id, None)
                self._last_event.pop(export_id, None)

    def _progress_of(self, export_id: str):
        state = {"busy": False}

        def progress(fraction: float, phase: str) -> None:
            now = self.deps.clock.monotonic()
            last = self._last_event.get(export_id, float("-inf"))
            if state["busy"] or now - last < self.deps.settings.progress_interval_s:
                return
            state["busy"] = True
            self._last_event[export_id] = now

            async def write() -> None:
                try:
                    await self._set(export_id, {"progress": round(fraction, 4), "phase": phase}, ("running",))
                finally:
                    state["busy"] = False

            asyncio.get_running_loop().create_task(write())

        return progress

    def _finisher(self, export_id: str):
        async def finish(values: dict[str, Any]) -> bool:
            return await self._set(export_id, values, ("running",))

        return finish

    async def _remove_package(self, rec: ExportRecord, action: str, phase: str) -> None:
        if self.deps.store is not None and rec.object_key:
            try:
                await asyncio.to_thread(self.deps.store.delete, self.deps.store.layout.exports.name, rec.object_key)
            except StorageError as exc:
                log.warning("export %s: package not removed yet: %s", rec.id, exc.message)
                return
        if await self._set(rec.id, {"status": "expired", "phase": phase}, ("completed",)):
            await audit_step(self.deps, replace(rec), action, key=rec.object_key, sha256=rec.sha256)

    async def cleanup_expired(self) -> int:
        """Remove every package past its expiry; returns how many."""
        expired = await self.deps.db.run(expired_exports, self.deps.now_us())
        for rec in expired:
            await self._remove_package(rec, "export.expired", "expired")
        return len(expired)

    async def _cleanup_loop(self) -> None:
        while True:
            try:
                removed = await self.cleanup_expired()
                if removed:
                    log.info("removed %d expired export package(s)", removed)
            except Exception as exc:
                log.warning("export clean-up failed: %s", type(exc).__name__)
            await asyncio.sleep(self.deps.settings.cleanup_interval_s)


def _interrupted() -> dict[str, Any]:
    return {
        "code": "export_interrupted",
        "message": "The backend stopped while this export was queued or running; start it again.",
        "message_ar": "توقف الخادم أثناء انتظار هذا التصدير أو تنفيذه؛ ابدأه من جديد.",
        "details": {},
    }

"""One export job: plan, copy (or mask) each camera, write the manifest and the ZIP, store it.

Chain of custody: every step writes an audit row (``backend.auth.audit``) with actor = the requesting user,
``actor_kind`` ``system`` and actions ``export.started``, ``export.planned``, ``export.camera_copied``,
``export.faces_masked``, ``export.packaged`` (package and manifest SHA-256), ``export.stored`` (bucket, key),
``export.completed`` / ``export.failed`` / ``export.cancelled``; target ``export=<id>``.

Work happens in ``<work_dir>/<id>/``, removed whatever the outcome: nothing partial is ever stored or
downloadable (the package object is put only once whole, and removed again if the export was cancelled in
the meantime). The ZIP is opened first and each camera's MP4 is muxed straight into its member
(``backend.exports.package``); a masked camera is first copied to a file, re-encoded, then added. Heavy steps
run in worker threads; ``stop`` (a ``threading.Event``) cancels between packets.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from backend.auth.audit import AuditLog, AuditRecord
from backend.db.engine import Database
from backend.errors import NoFootageError
from backend.milestone_link import MilestoneLink
from backend.playback.local_index import get_segment
from backend.playback.merge import Interval
from backend.playback.milestone_source import MilestoneSource
from backend.playback.ranges import iso_z
from backend.storage.base import ObjectStore
from backend.storage.errors import StorageError
from backend.storage.filesystem import FilesystemStore
from milestone.clock import Clock

from .errors import (
    ExportJobError,
    InternalExportError,
    PackageStoreError,
    SourceUnavailableError,
    SourceVanishedError,
    error_body,
)
from .manifest import manifest_bytes
from .mask import FaceFinder, MaskResult, mask_faces
from .mp4 import ExactMp4Writer, Mp4Result, Stopped
from .package import Package, PackageWriter
from .plan import CameraPlan, Piece, combine, local_part, xprotect_part
from .settings import ExportSettings
from .sources import copy_from_imageserver, segment_location
from .store import ExportRecord

log = logging.getLogger(__name__)

US_PER_DAY = 86_400 * 1_000_000
Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class JobDeps:
    """What a job needs: the database, object store (None: exports cannot be stored), spool root, XProtect
    link, audit log, clock, settings, backend version, scratch directory and a face detector factory."""

    db: Database
    store: ObjectStore | None
    spool_root: Path
    link: MilestoneLink | None
    audit: AuditLog | None
    clock: Clock
    settings: ExportSettings
    version: str
    work_dir: Path
    face_finder: Callable[[], FaceFinder]

    def now_us(self) -> int:
        return int(self.clock.time() * 1_000_000)


async def audit_step(deps: JobDeps, record: ExportRecord, action: str, outcome: str = "success", **detail: Any) -> None:
    """One chain-of-custody row (losing it is logged, never fatal to the caller)."""
    if deps.audit is None:
        return
    entry = AuditRecord(
        at_us=deps.now_us(),
        actor=record.created_by,
        actor_kind="system",
        action=action,
        target=f"export={record.id}",
        outcome=outcome,
        status=200 if outcome == "success" else 500,
        detail=detail,
    )
    try:
        await deps.audit.record(entry)
    except Exception:
        log.error("audit row lost: %s of export %s", action, record.id)


async def plan_cameras(deps: JobDeps, camera_ids: list[str], lo: int, hi: int) -> list[CameraPlan]:
    """The footage plan of every camera (raises CameraNotFoundError for an unknown one)."""
    source = MilestoneSource(deps.link, timeout_s=deps.settings.imageserver_timeout_s) if deps.link else None
    plans = []
    for camera_id in camera_ids:
        info, agency, name_ar, local = await deps.db.run(local_part, camera_id, lo, hi)
        covered: list[Interval] = [(p.lo_us, p.hi_us) for p in local]
        remote, note = await xprotect_part(source, info, lo, hi, covered)
        plan = CameraPlan(info, agency, name_ar, combine(local, remote))
        if note:
            plan.notes.append(note)
        plans.append(plan)
    return plans


def _store_package(store: ObjectStore, bucket: str, key: str, path: Path, sha256: str) -> None:
    """Put the (fsync'ed) package into the store: a hard link on the filesystem store when it is on the same
    filesystem (no second copy of the bytes; ``sha256`` was computed from these very bytes as they were
    written and read back, so they are not read a third time), else a copy checked against ``sha256``."""
    if isinstance(store, FilesystemStore):
        linked = store.link_file(bucket, key, path, content_type="application/zip", sha256=sha256, verified=True)
        if linked is not None:
            return
    store.put_file(bucket, key, path, content_type="application/zip", sha256=sha256)


def _file_name(index: int, name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:60] or "camera"
    return f"{index:02d}-{safe}.mp4"


class ExportJob:
    """Runs ``record`` (see the module docstring). ``progress(fraction, phase)`` is called as work advances;
    ``finish(values)`` writes the final row fields and returns False if the export was cancelled meanwhile."""

    def __init__(
        self,
        deps: JobDeps,
        record: ExportRecord,
        stop: threading.Event,
        progress: Progress,
        finish: Callable[[dict[str, Any]], Awaitable[bool]],
    ) -> None:
        self.deps, self.record, self.stop = deps, record, stop
        self._progress = progress
        self._finish = finish
        self.work = deps.work_dir / record.id
        self._done_us = 0
        self._total_us = 1

    async def run(self) -> None:
        """The whole job; never raises (the outcome is in the row and the audit log)."""
        deps, rec = self.deps, self.record
        await audit_step(deps, rec, "export.started", reason=rec.reason, cameraIds=rec.camera_ids)
        try:
            self.work.mkdir(parents=True, exist_ok=True)
            await self._run()
        except (Stopped, InterruptedError, asyncio.CancelledError):
            await self._finish({"status": "cancelled", "phase": "cancelled", "completed_us": deps.now_us()})
            await audit_step(deps, rec, "export.cancelled", "failed")
        except (ExportJobError, NoFootageError) as exc:
            await self._fail(exc)
        except Exception as exc:
            log.exception("export %s failed", rec.id)
            await self._fail(InternalExportError(f"{type(exc).__name__}: {str(exc)[:200]}"))
        finally:
            await asyncio.to_thread(shutil.rmtree, self.work, True)

    async def _fail(self, exc: Any) -> None:
        body = error_body(exc)
        await self._finish({"status": "failed", "phase": "failed", "error": body, "completed_us": self.deps.now_us()})
        await audit_step(self.deps, self.record, "export.failed", "failed", error=body["code"], message=exc.message)

    def _advance(self, phase: str, position_us: int | None = None, piece: Piece | None = None) -> None:
        done = self._done_us
        if piece is not None and position_us is not None:
            done += max(0, min(position_us, piece.hi_us) - piece.lo_us)
        weight = 0.9 if not self.record.mask_faces else 0.45
        self._progress(min(0.95, weight * done / self._total_us), phase)

    async def _run(self) -> None:
        deps, rec = self.deps, self.record
        plans = await plan_cameras(deps, rec.camera_ids, rec.start_us, rec.end_us)
        await audit_step(
            deps,
            rec,
            "export.planned",
            cameras={
                p.camera.id: [
                    {"source": x.source, "start": iso_z(x.lo_us), "end": iso_z(x.hi_us), "segments": len(x.segments)}
                    for x in p.pieces
                ]
                for p in plans
            },
        )
        if all(p.empty for p in plans):
            raise NoFootageError(rec.camera_ids)
        if deps.store is None:
            raise PackageStoreError("no object store is configured in this backend")
        self._total_us = max(1, sum(p.planned_us for p in plans))
        files: list[dict[str, Any]] = []
        missing = [p.camera.id for p in plans if p.empty]
        with_footage = [p for p in plans if not p.empty]
        zip_path = self.work / f"export-{rec.id}.zip"
        package = await asyncio.to_thread(PackageWriter, zip_path, should_stop=self.stop.is_set)
        try:
            for n, plan in enumerate(with_footage, 1):
                entry = await self._camera(package, plan, n, len(with_footage))
                if entry is None:
                    missing.append(plan.camera.id)
                else:
                    files.append(entry)
            if not files:
                raise NoFootageError(rec.camera_ids)
            self._progress(0.95, "packaging")
            created_us = deps.now_us()
            written = await asyncio.to_thread(package.finish, lambda digests: self._manifest(plans, files, created_us))
        except BaseException:
            await asyncio.to_thread(package.abort)
            raise
        await self._store(written, files, missing)

    async def _camera(self, package: PackageWriter, plan: CameraPlan, n: int, cameras: int) -> dict[str, Any] | None:
        """Copy (and mask) one camera into the package; its manifest entry, or None when it had no frame."""
        deps, rec = self.deps, self.record
        name = _file_name(n, plan.camera.name)
        in_place = not rec.mask_faces
        writer = ExactMp4Writer(
            self.work / name, rec.start_us, rec.end_us, should_stop=self.stop.is_set,
            sink=(lambda: package.begin_member(name)) if in_place else None,
        )  # fmt: skip
        result, sources = await self._copy(plan, writer, f"camera {n}/{cameras}: copying")
        if result is None:
            return None
        frames = result.frames
        if in_place:
            self._progress(self._progress_now(), f"camera {n}/{cameras}: checking")
            sha256, size = await asyncio.to_thread(package.end_member)
        await audit_step(
            deps, rec, "export.camera_copied", cameraId=plan.camera.id, file=name, frames=result.frames,
            sizeBytes=result.size_bytes, sources=sources, first=iso_z(result.first_us), end=iso_z(result.end_us),
        )  # fmt: skip
        if not in_place:
            self._progress(self._progress_now(), f"camera {n}/{cameras}: masking faces")
            masked = await self._mask(result)
            frames = masked.frames
            sha256, size = await asyncio.to_thread(package.add_file, name, masked.path)  # hashed while copied
            await asyncio.to_thread(masked.path.unlink)
            await audit_step(
                deps, rec, "export.faces_masked", cameraId=plan.camera.id, file=name, faces=masked.faces,
                sha256=sha256, frames=frames,
            )  # fmt: skip
        return {
            "name": name,
            "cameraId": plan.camera.id,
            "cameraName": plan.camera.name,
            "source": "xprotect" if "xprotect" in sources else "local",
            "start": iso_z(result.first_us),
            "end": iso_z(result.end_us),
            "frames": frames,
            "sizeBytes": size,
            "sha256": sha256,
            "masked": rec.mask_faces,
            "parts": [{"source": x.source, "start": iso_z(x.lo_us), "end": iso_z(x.hi_us)} for x in plan.pieces],
        }

    def _progress_now(self) -> float:
        return min(0.95, (0.45 if self.record.mask_faces else 0.9) * self._done_us / self._total_us)

    async def _copy(self, plan: CameraPlan, writer: ExactMp4Writer, phase: str) -> tuple[Mp4Result | None, list[str]]:
        deps = self.deps
        sources: list[str] = []
        try:
            for piece in plan.pieces:
                if piece.source == "local":
                    for seg in piece.segments:
                        current = await deps.db.run(get_segment, seg.id)
                        if current is None:
                            raise SourceVanishedError(plan.camera.id, f"segment {seg.id} was deleted")
                        location = await asyncio.to_thread(segment_location, current, deps.spool_root, deps.store)
                        try:
                            await asyncio.to_thread(writer.add_container, location, current.start_us)
                        except FileNotFoundError as exc:
                            raise SourceVanishedError(plan.camera.id, f"segment {seg.id}: file missing") from exc
                        except (av.error.FFmpegError, OSError) as exc:
                            raise SourceUnavailableError(plan.camera.id, f"segment {seg.id}: {exc}") from exc
                        self._advance(phase, writer.position_us, piece)
                else:
                    assert deps.link is not None
                    await copy_from_imageserver(
                        writer, deps.link, plan.camera, piece.lo_us, piece.hi_us,
                        timeout_s=deps.settings.imageserver_timeout_s,
                        on_frame=lambda t, p=piece: self._advance(phase, t, p),  # type: ignore[misc]
                    )  # fmt: skip
                sources.append(piece.source)
                self._done_us += piece.hi_us - piece.lo_us
                self._advance(phase)
            return await asyncio.to_thread(lambda: writer.close(digest=False)), sources
        except BaseException:
            await asyncio.to_thread(writer.abort)
            raise

    async def _mask(self, result: Mp4Result) -> MaskResult:
        """The copied file re-encoded with the faces covered, beside it (the copy is removed)."""
        target = result.path.with_name(result.path.stem + "-masked.mp4")
        detector = await asyncio.to_thread(self.deps.face_finder)
        masked = await asyncio.to_thread(
            mask_faces, result.path, target, detector, crf=self.deps.settings.mask_crf, should_stop=self.stop.is_set
        )
        await asyncio.to_thread(result.path.unlink)
        return masked

    def _manifest(self, plans: list[CameraPlan], files: list[dict[str, Any]], created_us: int) -> bytes:
        deps, rec = self.deps, self.record
        by_camera = {f["cameraId"]: f["name"] for f in files}
        return manifest_bytes(
            {
                "exportId": rec.id,
                "createdAt": iso_z(created_us),
                "backendVersion": deps.version,
                "operator": rec.created_by,
                "reason": rec.reason,
                "incidentId": rec.incident_id,
                "range": {"start": iso_z(rec.start_us), "end": iso_z(rec.end_us)},
                "maskFaces": rec.mask_faces,
                "cameras": [
                    {
                        "id": p.camera.id,
                        "name": p.camera.name,
                        "nameAr": p.name_ar,
                        "agency": p.agency,
                        "file": by_camera.get(p.camera.id),
                        "notes": p.notes,
                    }
                    for p in plans
                ],
                "files": files,
            }
        )

    async def _store(self, package: Package, files: list[dict[str, Any]], missing: list[str]) -> None:
        deps, rec = self.deps, self.record
        zip_path = package.path
        await audit_step(
            deps, rec, "export.packaged", sha256=package.sha256, sizeBytes=package.size_bytes,
            manifestSha256=package.manifest_sha256, files={f["name"]: f["sha256"] for f in files},
        )  # fmt: skip
        assert deps.store is not None  # checked before the copy
        if self.stop.is_set():
            raise Stopped()
        bucket, key = deps.store.layout.exports.name, f"{rec.id}/export-{rec.id}.zip"
        try:
            await asyncio.to_thread(_store_package, deps.store, bucket, key, zip_path, package.sha256)
        except StorageError as exc:
            raise PackageStoreError(exc.message) from exc
        await audit_step(deps, rec, "export.stored", bucket=bucket, key=key, sha256=package.sha256)
        now = deps.now_us()
        done = await self._finish(
            {
                "status": "completed",
                "progress": 1.0,
                "phase": "completed",
                "completed_us": now,
                "expires_us": now + rec.expires_days * US_PER_DAY,
                "object_key": key,
                "size_bytes": package.size_bytes,
                "sha256": package.sha256,
                "manifest_sha256": package.manifest_sha256,
                "files": files,
                "missing_cameras": missing,
            }
        )
        if not done:  # cancelled while storing: the package must not stay
            await asyncio.to_thread(deps.store.delete, bucket, key)
            raise Stopped()
        await audit_step(deps, rec, "export.completed", sha256=package.sha256, manifestSha256=package.manifest_sha256)

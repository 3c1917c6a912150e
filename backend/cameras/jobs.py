"""Re-sync with XProtect: all cameras as a background job with progress (``POST /api/v1/milestone/sync-all``),
or one camera at once (``PUT /api/v1/cameras/{id}/sync``). Each run is a ``sync_history`` row: ``running``
while it works (``processed`` of ``total`` cameras so far), then ``succeeded`` or ``failed`` with counters and
per-camera details (only cameras that changed or failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.orm import Session

from backend.api.errors import api_error
from backend.api.schemas import CameraChange, CameraSyncResult, SyncAllRequest, SyncStatusOut, datetime_from_us
from backend.cameras import queries
from backend.cameras.agency import guess_agency
from backend.cameras.mapping import camera_out
from backend.cameras.service import CameraService, milestone_errors
from backend.cameras.sync import apply_xprotect, counts, new_camera_row
from backend.cameras.xprotect import fetch_camera
from backend.db.models import Camera, SyncHistory
from backend.milestone_link import MilestoneUnavailableError
from milestone.errors import MilestoneError

log = logging.getLogger(__name__)

BATCH = 50  # cameras per transaction (progress is committed after each)


def sync_status_out(row: SyncHistory) -> SyncStatusOut:
    return SyncStatusOut(
        id=row.id,
        kind=row.kind,
        status=row.status,  # type: ignore[arg-type]
        started_at=datetime_from_us(row.started_us),
        finished_at=datetime_from_us(row.finished_us),
        total=row.total,
        processed=row.processed,
        created=row.created,
        updated=row.updated,
        disabled=row.disabled,
        removed=row.removed,
        errors=row.errors,
        error=row.error,
        triggered_by=row.triggered_by,
        details=row.details,
    )


class SyncJobs:
    """Runs sync-all jobs (one at a time) and single-camera syncs. ``app.state.sync_jobs``."""

    def __init__(self, cameras: CameraService) -> None:
        self.cameras = cameras
        self.db = cameras.db
        self._task: asyncio.Task[None] | None = None
        self._running_id: int | None = None

    async def stop(self) -> None:
        """Cancel a running job (its row is marked failed)."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ------------------------------------------------------------------------------------------ status

    async def status(self, sync_id: int) -> SyncStatusOut:
        def work(session: Session) -> SyncStatusOut | None:
            row = session.get(SyncHistory, sync_id)
            return sync_status_out(row) if row is not None else None

        found = await self.db.run(work)
        if found is None:
            raise api_error("sync_not_found", sync_id=sync_id)
        return found

    async def history(self, limit: int) -> list[SyncStatusOut]:
        return await self.db.run(lambda s: [sync_status_out(r) for r in queries.sync_runs(s, limit)])

    # ------------------------------------------------------------------------------------------ sync all

    async def start_sync_all(self, request: SyncAllRequest, triggered_by: str) -> tuple[int, bool]:
        """Start a sync-all job; returns (sync history id, started). When one is already running its id is
        returned with ``started`` False. Bilingual 503 when Milestone is not connected."""
        if self._task is not None and not self._task.done() and self._running_id is not None:
            return self._running_id, False
        with milestone_errors():
            self.cameras.link.session()  # refuse at once when XProtect is not connected
        now = self.cameras.now_us()

        def create(session: Session) -> int:
            row = SyncHistory(
                kind="sync_all",
                status="running",
                started_us=now,
                total=0,
                processed=0,
                created=0,
                updated=0,
                disabled=0,
                removed=0,
                errors=0,
                triggered_by=triggered_by,
                details={"agency": request.agency, "autoImport": request.auto_import, "cameras": []},
            )
            session.add(row)
            session.flush()
            return row.id

        sync_id = await self.db.run(create)
        self._running_id = sync_id
        self._task = asyncio.get_running_loop().create_task(
            self._sync_all(sync_id, request), name=f"sync-all-{sync_id}"
        )
        return sync_id, True

    async def _finish(self, sync_id: int, status: str, error: str | None = None) -> None:
        now = self.cameras.now_us()

        def work(session: Session) -> None:
            row = session.get(SyncHistory, sync_id)
            if row is not None:
                row.status, row.finished_us, row.error = status, now, error

        await self.db.run(work)

    async def _sync_all(self, sync_id: int, request: SyncAllRequest) -> None:
        try:
            await self._sync_all_steps(sync_id, request)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._finish(sync_id, "failed", "cancelled: the backend shut down"))
            raise
        except (MilestoneError, MilestoneUnavailableError) as exc:
            log.warning("sync-all %d failed: %s", sync_id, exc)
            await self._finish(sync_id, "failed", f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            log.exception("sync-all %d failed", sync_id)
            await self._finish(sync_id, "failed", f"internal error: {type(exc).__name__}")
        finally:
            self._running_id = None

    async def _sync_all_steps(self, sync_id: int, request: SyncAllRequest) -> None:
        inventory = await self.cameras.link.inventory(max_age_s=0)
        by_id = {cam.id.lower(): cam for cam in inventory.cameras}
        ids: list[str] = await self.db.run(lambda s: [c.id for c in queries.milestone_cameras(s, request.agency)])
        imported = await self.db.run(queries.imported_ids)
        to_import = []
        if request.auto_import:
            for cam in inventory.cameras:
                if cam.id.lower() not in imported and request.agency in (None, guess_agency(cam.name)):
                    to_import.append(cam)
        total = len(ids) + len(to_import)
        await self.db.run(lambda s: setattr(s.get(SyncHistory, sync_id), "total", total))
        announcements: list[tuple[Any, str, list[dict[str, Any]]]] = []
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            now = self.cameras.now_us()

            def update(session: Session, batch: list[str] = batch, now: int = now) -> list[tuple[Any, str, list]]:
                history = session.get(SyncHistory, sync_id)
                assert history is not None
                out = []
                details = list((history.details or {}).get("cameras", []))
                for cam_id in batch:
                    row = session.get(Camera, cam_id)
                    if row is None:  # deleted meanwhile
                        history.processed += 1
                        continue
                    history.processed += 1
                    try:
                        with session.begin_nested():  # one camera's failure does not undo the others
                            changes = apply_xprotect(row, by_id.get(str(row.milestone_device_id).lower()), now)
                            session.flush()
                    except Exception as exc:
                        log.warning("sync-all %d: camera %s failed: %s", sync_id, cam_id, type(exc).__name__)
                        history.errors += 1
                        details.append({"cameraId": cam_id, "error": f"{type(exc).__name__}: {exc}"[:500]})
                        continue
                    kinds = counts(changes)
                    if changes:
                        history.updated += 1
                        history.disabled += kinds.get("disabled", 0)
                        history.removed += kinds.get("removed", 0)
                        details.append(
                            {
                                "cameraId": row.id,
                                "milestoneDeviceId": row.milestone_device_id,
                                "name": row.name,
                                "changes": changes,
                            }
                        )
                        out.append((camera_out(row), "synced", changes))
                history.details = {**(history.details or {}), "cameras": details}
                return out

            announcements += await self.db.run(update)
            await asyncio.sleep(0)
        for start in range(0, len(to_import), BATCH):
            batch_cams = to_import[start : start + BATCH]
            now = self.cameras.now_us()

            def create(session: Session, batch_cams: list = batch_cams, now: int = now) -> list[tuple[Any, str, list]]:
                history = session.get(SyncHistory, sync_id)
                assert history is not None
                details = list((history.details or {}).get("cameras", []))
                out: list[tuple[Camera, str, list]] = []
                for cam in batch_cams:
                    row = new_camera_row(cam, storage_mode=self.cameras.default_storage_mode, now_us=now)
                    session.add(row)
                    history.processed += 1
                    history.created += 1
                    details.append(
                        {
                            "cameraId": row.id,
                            "milestoneDeviceId": row.milestone_device_id,
                            "name": row.name,
                            "changes": [{"kind": "created"}],
                        }
                    )
                    out.append((row, "imported", []))
                session.flush()
                history.details = {**(history.details or {}), "cameras": details}
                return [(camera_out(r), reason, c) for r, reason, c in out]

            announcements += await self.db.run(create)
            await asyncio.sleep(0)
        await self._finish(sync_id, "succeeded")
        for camera, reason, changes in announcements:
            self.cameras.announce(camera, reason, changes)
        log.info("sync-all %d: %d cameras checked, %d imported", sync_id, len(ids), len(to_import))

    # ------------------------------------------------------------------------------------------ one camera

    async def sync_one(self, camera_id: str, triggered_by: str) -> CameraSyncResult:
        """Re-sync one camera now (four XProtect requests). 404 unknown camera, 409 not from XProtect,
        503/502 Milestone unavailable or failing."""

        def lookup(session: Session) -> tuple[bool, str | None]:
            row = session.get(Camera, camera_id)
            return row is not None, row.milestone_device_id if row is not None else None

        exists, device = await self.db.run(lookup)
        if not exists:
            raise api_error("camera_not_found", camera_id=camera_id)
        if not device:
            raise api_error("not_a_milestone_camera", camera_id=camera_id)
        with milestone_errors():
            session = self.cameras.link.session()
            try:
                cam = await fetch_camera(session.rest, device)
            except MilestoneError as exc:
                self.cameras.link.report_failure(exc)
                raise
        now = self.cameras.now_us()

        def work(session: Session) -> tuple[CameraSyncResult, Any]:
            row = session.get(Camera, camera_id)
            if row is None:
                raise api_error("camera_not_found", camera_id=camera_id)
            changes = apply_xprotect(row, cam, now)
            kinds = counts(changes)
            history = SyncHistory(
                kind="sync_one",
                status="succeeded",
                started_us=now,
                finished_us=now,
                total=1,
                processed=1,
                created=0,
                updated=1 if changes else 0,
                disabled=kinds.get("disabled", 0),
                removed=kinds.get("removed", 0),
                errors=0,
                triggered_by=triggered_by,
                details={
                    "cameras": [{"cameraId": row.id, "milestoneDeviceId": device, "name": row.name, "changes": changes}]
                },
            )
            session.add(history)
            session.flush()
            out = camera_out(row)
            return CameraSyncResult(
                camera=out, changes=[CameraChange(**c) for c in changes], sync_id=history.id
            ), changes

        result, changes = await self.db.run(work)
        if changes:
            self.cameras.announce(result.camera, "synced", changes)
        return result

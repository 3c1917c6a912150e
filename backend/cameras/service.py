"""Camera administration: the XProtect inventory listing, import/re-import, reading and editing our cameras.

Every write happens in one transaction after all input was validated (no half-imported batches); each
change is announced on the event bus as ``camera_status`` with the camera's new wire shape.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from backend.api.errors import api_error
from backend.api.schemas import (
    CameraList,
    CameraOut,
    CameraPatch,
    ImportItem,
    ImportRequest,
    ImportResult,
    LocationIn,
    MilestoneCameraList,
)
from backend.cameras import queries
from backend.cameras.mapping import camera_out, milestone_camera_out
from backend.cameras.sync import apply_xprotect, new_camera_row
from backend.db.engine import Database
from backend.db.models import Camera, SyncHistory
from backend.events import EventBus
from backend.milestone_link import NOT_CONFIGURED, MilestoneLink, MilestoneUnavailableError
from milestone.clock import Clock
from milestone.errors import MilestoneError
from milestone.models import Camera as XCamera
from milestone.models import Inventory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MilestoneFilter:
    """Filters of ``GET /api/v1/milestone/cameras``; None = any. ``search`` is a case-insensitive substring of
    the name, display name, short name, description, hardware name or id; ``recording_server`` an id or name."""

    search: str | None = None
    recording_server: str | None = None
    imported: bool | None = None
    enabled: bool | None = None
    ptz: bool | None = None
    recording: bool | None = None

    def matches(self, cam: XCamera, is_imported: bool) -> bool:
        if self.imported is not None and is_imported != self.imported:
            return False
        if self.enabled is not None and cam.enabled != self.enabled:
            return False
        if self.ptz is not None and cam.ptz_enabled != self.ptz:
            return False
        if self.recording is not None and cam.recording_enabled != self.recording:
            return False
        if self.recording_server:
            rs = cam.recording_server
            wanted = self.recording_server.lower()
            if rs is None or wanted not in (rs.id.lower(), rs.name.lower()):
                return False
        if self.search:
            needle = self.search.lower()
            hay = (cam.name, cam.display_name, cam.short_name, cam.description, cam.hardware_name, cam.id)
            if not any(needle in text.lower() for text in hay):
                return False
        return True


def validate_rtsp_url(url: str) -> str:
    """``url`` stripped when it is an rtsp:// or rtsps:// URL with a host and no credentials; else the
    bilingual 400 ``rtsp_url_invalid`` (credentials never go into the database)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise api_error("rtsp_url_invalid") from None
    if parts.scheme.lower() not in ("rtsp", "rtsps") or not host or parts.username or parts.password:
        raise api_error("rtsp_url_invalid")
    return text


@contextlib.contextmanager
def milestone_errors() -> Iterator[None]:
    """Turn XProtect failures into the bilingual 503 (not connected / not configured) or 502 (refused)."""
    try:
        yield
    except MilestoneUnavailableError as exc:
        code = "milestone_not_configured" if exc.state == NOT_CONFIGURED else "milestone_unavailable"
        raise api_error(code, state=exc.state, reason=exc.detail) from None
    except MilestoneError as exc:
        raise api_error("milestone_error", reason=f"{type(exc).__name__}: {exc}") from None


def apply_fields(row: Camera, values: dict[str, Any]) -> None:
    """Set administrator-owned fields from a request's explicitly given ``values`` (snake_case keys); a
    LocationIn splits into location/latitude/longitude; rtsp_url is validated."""
    for field, value in values.items():
        if field == "location" and isinstance(value, dict | LocationIn):
            loc = value if isinstance(value, LocationIn) else LocationIn.model_validate(value)
            row.location = loc.address
            if loc.latitude is not None or loc.longitude is not None:
                row.latitude, row.longitude = loc.latitude, loc.longitude
        elif field == "rtsp_url":
            row.rtsp_url = validate_rtsp_url(value) if value else None
        elif field in ("name", "agency", "storage_mode"):
            if value is not None:
                setattr(row, field, value)
        elif field in ("name_ar", "location", "latitude", "longitude"):
            setattr(row, field, value)


def _given(model: ImportItem | CameraPatch, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: getattr(model, name) for name in model.model_fields_set if name not in skip}


class CameraService:
    """Camera routes' logic. ``app.state.cameras``; built in the lifespan."""

    def __init__(
        self, db: Database, link: MilestoneLink, bus: EventBus, clock: Clock, *, default_storage_mode: str
    ) -> None:
        self.db = db
        self.link = link
        self.bus = bus
        self.clock = clock
        self.default_storage_mode = default_storage_mode

    def now_us(self) -> int:
        return int(self.clock.time() * 1_000_000)

    def announce(self, camera: CameraOut, reason: str, changes: list[dict[str, Any]] | None = None) -> None:
        """Publish ``camera_status`` for ``camera``."""
        self.bus.publish(
            "camera_status",
            camera_id=camera.id,
            reason=reason,
            changes=changes or [],
            camera=camera.model_dump(mode="json", by_alias=True),
        )

    async def inventory(self, *, refresh: bool = False) -> Inventory:
        """XProtect's inventory (cached briefly unless ``refresh``); bilingual 503/502 on failure."""
        with milestone_errors():
            return await self.link.inventory(max_age_s=0 if refresh else None)

    # ------------------------------------------------------------------------------------------ reading

    async def list_milestone(
        self, flt: MilestoneFilter, limit: int, offset: int, *, refresh: bool = False
    ) -> MilestoneCameraList:
        inventory = await self.inventory(refresh=refresh)
        imported = await self.db.run(queries.imported_ids)
        matching = [cam for cam in inventory.cameras if flt.matches(cam, cam.id.lower() in imported)]
        page = matching[offset : offset + limit]
        return MilestoneCameraList(
            cameras=[milestone_camera_out(cam, imported.get(cam.id.lower())) for cam in page],
            total=len(matching),
            imported=sum(1 for cam in inventory.cameras if cam.id.lower() in imported),
            limit=limit,
            offset=offset,
        )

    async def list(self, flt: queries.CameraFilter, limit: int, offset: int) -> CameraList:
        def work(session: Session) -> CameraList:
            rows, total = queries.list_cameras(session, flt, limit, offset)
            return CameraList(cameras=[camera_out(r) for r in rows], total=total, limit=limit, offset=offset)

        return await self.db.run(work)

    async def get(self, camera_id: str) -> CameraOut:
        """Our camera ``camera_id``; bilingual 404 when unknown."""

        def work(session: Session) -> CameraOut | None:
            row = session.get(Camera, camera_id)
            return camera_out(row) if row is not None else None

        found = await self.db.run(work)
        if found is None:
            raise api_error("camera_not_found", camera_id=camera_id)
        return found

    # ------------------------------------------------------------------------------------------ writing

    async def patch(self, camera_id: str, patch: CameraPatch) -> CameraOut:
        """Change administrator-owned fields; 404 unknown camera, 400 invalid RTSP URL or no source left."""
        values = _given(patch)
        if values.get("rtsp_url"):
            values["rtsp_url"] = validate_rtsp_url(values["rtsp_url"])
        now = self.now_us()

        def work(session: Session) -> tuple[CameraOut, dict[str, Any]] | None:
            row = session.get(Camera, camera_id)
            if row is None:
                return None
            before = camera_out(row).model_dump(by_alias=False)
            apply_fields(row, values)
            if row.milestone_device_id is None and row.rtsp_url is None:
                raise api_error("camera_needs_source", camera_id=camera_id)
            row.updated_us = now
            session.flush()
            after = camera_out(row)
            dumped = after.model_dump(by_alias=False)
            changed = {k: {"old": before[k], "new": dumped[k]} for k in values if before.get(k) != dumped.get(k)}
            return after, changed

        result = await self.db.run(work)
        if result is None:
            raise api_error("camera_not_found", camera_id=camera_id)
        camera, changed = result
        changes = [{"kind": "edited", "field": k, "old": v["old"], "new": v["new"]} for k, v in changed.items()]
        self.announce(camera, "edited", changes)
        return camera

    async def import_cameras(self, request: ImportRequest, triggered_by: str) -> ImportResult:
        """Import (or re-import) XProtect cameras in one transaction, recorded as a sync history row of kind
        ``import``. 404 (nothing written) when any id is not in XProtect's inventory."""
        items: dict[str, ImportItem] = {}
        for item in request.cameras:  # the last entry for a camera wins
            if item.rtsp_url:
                validate_rtsp_url(item.rtsp_url)
            items[item.milestone_device_id.strip().lower()] = item
        inventory = await self.inventory()
        by_id = {cam.id.lower(): cam for cam in inventory.cameras}
        if any(device not in by_id for device in items):  # maybe added to XProtect after the cached walk
            inventory = await self.inventory(refresh=True)
            by_id = {cam.id.lower(): cam for cam in inventory.cameras}
        missing = [device for device in items if device not in by_id]
        if missing:
            raise api_error("milestone_camera_not_found", missing=missing)
        now = self.now_us()

        def work(session: Session) -> tuple[ImportResult, list[tuple[CameraOut, list[dict[str, Any]]]]]:
            existing = queries.cameras_by_device(session, list(items))
            rows: list[tuple[Camera, str, list[dict[str, Any]]]] = []
            for device, item in items.items():
                cam = by_id[device]
                row = existing.get(device)
                given = _given(item, skip=("milestone_device_id",))
                if row is None:
                    row = new_camera_row(cam, storage_mode=item.storage_mode or self.default_storage_mode, now_us=now)
                    apply_fields(row, given)
                    session.add(row)
                    rows.append((row, "created", []))
                else:
                    changes = apply_xprotect(row, cam, now)
                    apply_fields(row, given)
                    row.updated_us = now
                    rows.append((row, "updated", changes))
            session.flush()
            created = sum(1 for _r, action, _c in rows if action == "created")
            details = [
                {
                    "cameraId": r.id,
                    "milestoneDeviceId": r.milestone_device_id,
                    "name": r.name,
                    "action": a,
                    "changes": c,
                }
                for r, a, c in rows
            ]
            history = SyncHistory(
                kind="import",
                status="succeeded",
                started_us=now,
                finished_us=now,
                total=len(rows),
                processed=len(rows),
                created=created,
                updated=len(rows) - created,
                disabled=sum(1 for r, _a, _c in rows if not r.enabled),
                removed=0,
                errors=0,
                triggered_by=triggered_by,
                details={"cameras": details},
            )
            session.add(history)
            session.flush()
            outs = [(camera_out(r), c) for r, _a, c in rows]
            result = ImportResult(
                cameras=[o for o, _c in outs], created=created, updated=len(rows) - created, sync_id=history.id
            )
            return result, outs

        result, outs = await self.db.run(work)
        for camera, changes in outs:
            self.announce(camera, "imported", changes)
        log.info("imported %d camera(s) (%d new) for %s", len(outs), result.created, triggered_by)
        return result

"""Database queries on cameras and sync history (sync SQLAlchemy sessions; run through ``Database.run``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.db.models import Camera, SyncHistory


@dataclass(frozen=True, slots=True)
class CameraFilter:
    """Filters of ``GET /api/v1/cameras``; None = any. ``search`` matches name, Arabic name, location and the
    XProtect id (case-insensitive substring); ``recording_server`` matches the server's id or name."""

    search: str | None = None
    agency: str | None = None
    enabled: bool | None = None
    removed: bool | None = None
    storage_mode: str | None = None
    recording_server: str | None = None
    milestone: bool | None = None  # True: imported from XProtect, False: RTSP-only


def list_cameras(session: Session, flt: CameraFilter, limit: int, offset: int) -> tuple[list[Camera], int]:
    """Cameras matching ``flt`` ordered by name then id, one page; returns (rows, total matching)."""
    query = select(Camera)
    if flt.search:
        like = f"%{flt.search.lower()}%"
        query = query.where(
            or_(
                func.lower(Camera.name).like(like),
                func.lower(func.coalesce(Camera.name_ar, "")).like(like),
                func.lower(func.coalesce(Camera.location, "")).like(like),
                func.lower(func.coalesce(Camera.milestone_device_id, "")).like(like),
            )
        )
    if flt.agency:
        query = query.where(Camera.agency == flt.agency)
    if flt.enabled is not None:
        query = query.where(Camera.enabled == flt.enabled)
    if flt.removed is not None:
        query = query.where(Camera.removed_from_milestone == flt.removed)
    if flt.storage_mode:
        query = query.where(Camera.storage_mode == flt.storage_mode)
    if flt.recording_server:
        wanted = flt.recording_server.lower()
        query = query.where(
            or_(func.lower(Camera.recording_server_id) == wanted, func.lower(Camera.recording_server_name) == wanted)
        )
    if flt.milestone is not None:
        query = query.where(
            Camera.milestone_device_id.is_not(None) if flt.milestone else Camera.milestone_device_id.is_(None)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Camera.name, Camera.id).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def imported_ids(session: Session) -> dict[str, str]:
    """{XProtect camera GUID (lower case): our camera id} for every imported camera."""
    rows = session.execute(select(Camera.milestone_device_id, Camera.id).where(Camera.milestone_device_id.is_not(None)))
    return {str(device).lower(): cam_id for device, cam_id in rows}


def cameras_by_device(session: Session, device_ids: list[str]) -> dict[str, Camera]:
    """Our rows for these XProtect GUIDs (lower-cased keys)."""
    if not device_ids:
        return {}
    rows = session.scalars(select(Camera).where(Camera.milestone_device_id.in_([d.lower() for d in device_ids])))
    return {str(row.milestone_device_id).lower(): row for row in rows}


def milestone_cameras(session: Session, agency: str | None = None) -> list[Camera]:
    """Every camera imported from XProtect (optionally of one agency), by id."""
    query = select(Camera).where(Camera.milestone_device_id.is_not(None))
    if agency:
        query = query.where(Camera.agency == agency)
    return list(session.scalars(query.order_by(Camera.id)))


def sync_runs(session: Session, limit: int) -> list[SyncHistory]:
    """The latest sync history rows, newest first."""
    return list(session.scalars(select(SyncHistory).order_by(SyncHistory.id.desc()).limit(limit)))

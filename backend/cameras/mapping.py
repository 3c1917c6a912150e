"""Translations between XProtect cameras (milestone.models.Camera), our rows (backend.db.models.Camera) and
the wire schemas."""

from __future__ import annotations

import re
from typing import Any

from backend.api.schemas import CameraOut, MilestoneCameraOut, datetime_from_us
from backend.cameras.agency import guess_agency
from backend.db.models import Camera
from milestone.models import Camera as XCamera

_POINT = re.compile(r"POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)", re.IGNORECASE)


def parse_gis_point(text: str) -> tuple[float, float] | None:
    """XProtect ``gisPoint`` (WKT ``POINT (longitude latitude)``) -> (latitude, longitude); None when absent,
    malformed or out of range (XProtect writes ``POINT EMPTY`` for cameras without a position)."""
    match = _POINT.search(text or "")
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def xprotect_metadata(cam: XCamera) -> dict[str, Any]:
    """The raw XProtect fields kept in ``cameras.milestone_metadata`` (what the last sync saw)."""
    rs = cam.recording_server
    return {
        "name": cam.name,
        "displayName": cam.display_name,
        "shortName": cam.short_name,
        "description": cam.description,
        "enabled": cam.enabled,
        "recordingEnabled": cam.recording_enabled,
        "ptzEnabled": cam.ptz_enabled,
        "hardwareId": cam.hardware_id,
        "hardwareName": cam.hardware_name,
        "hardwareAddress": cam.hardware_address,
        "channel": cam.channel,
        "gisPoint": cam.gis_point,
        "recordingServerId": rs.id if rs else None,
        "recordingServerName": rs.name if rs else None,
        "streamIds": list(cam.stream_ids),
        "manualRecordingTimeoutEnabled": cam.manual_recording_timeout_enabled,
        "manualRecordingTimeoutMinutes": cam.manual_recording_timeout_minutes,
        "lastModifiedMs": cam.last_modified_ms,
    }


def xprotect_columns(cam: XCamera) -> dict[str, Any]:
    """Column values XProtect owns (refreshed by every import and sync); ``name`` is handled separately
    because an administrator may have replaced it."""
    rs = cam.recording_server
    streams = cam.stream_ids
    return {
        "recording_server_id": rs.id if rs else None,
        "recording_server_name": rs.name if rs else None,
        "recording_server_uri": rs.web_server_uri if rs else None,
        "stream_id": streams[0] if streams else None,
        "enabled": cam.enabled,
        "ptz_enabled": cam.ptz_enabled,
        "manual_recording_timeout_minutes": (
            cam.manual_recording_timeout_minutes if cam.manual_recording_timeout_enabled else None
        ),
        "milestone_metadata": xprotect_metadata(cam),
    }


def camera_out(row: Camera) -> CameraOut:
    """Our row -> the wire shape."""
    return CameraOut(
        id=row.id,
        milestone_device_id=row.milestone_device_id,
        name=row.name,
        name_ar=row.name_ar,
        agency=row.agency,  # type: ignore[arg-type]
        location=row.location,
        latitude=row.latitude,
        longitude=row.longitude,
        recording_server_id=row.recording_server_id,
        recording_server_name=row.recording_server_name,
        stream_id=row.stream_id,
        rtsp_url=row.rtsp_url,
        storage_mode=row.storage_mode,  # type: ignore[arg-type]
        enabled=row.enabled,
        ptz_enabled=row.ptz_enabled,
        removed_from_milestone=row.removed_from_milestone,
        manual_recording_timeout_minutes=row.manual_recording_timeout_minutes,
        last_sync_at=datetime_from_us(row.last_sync_us),
        created_at=datetime_from_us(row.created_us),
        updated_at=datetime_from_us(row.updated_us),
    )


def milestone_camera_out(cam: XCamera, our_id: str | None) -> MilestoneCameraOut:
    """An inventory camera -> the listing's wire shape (``our_id``: our camera id when imported)."""
    rs = cam.recording_server
    point = parse_gis_point(cam.gis_point)
    return MilestoneCameraOut(
        id=cam.id,
        name=cam.name,
        display_name=cam.display_name or None,
        short_name=cam.short_name or None,
        description=cam.description or None,
        enabled=cam.enabled,
        recording=cam.recording_enabled,
        ptz_enabled=cam.ptz_enabled,
        recording_server=rs.name if rs else None,
        recording_server_id=rs.id if rs else None,
        hardware_name=cam.hardware_name or None,
        stream_ids=list(cam.stream_ids),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        suggested_agency=guess_agency(cam.name),  # type: ignore[arg-type]
        imported=our_id is not None,
        camera_id=our_id,
    )

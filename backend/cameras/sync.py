"""Re-sync logic: compare our camera row with what XProtect says now, update the row, list the changes.

Pure functions over ORM rows (no I/O), used by import, single-camera sync and sync-all (DESIGN.md §4:
"re-sync detects renamed, moved, disabled and removed cameras"). Change kinds:

- ``renamed``: XProtect's name changed and ours followed (our name was XProtect's, not a custom one);
- ``renamed_in_milestone``: XProtect's name changed but ours is a custom name an administrator gave: kept;
- ``moved``: the camera is on another recording server now;
- ``disabled`` / ``enabled``: XProtect's enabled flag flipped;
- ``removed``: XProtect no longer lists the camera (row kept, ``removed_from_milestone`` set);
- ``restored``: a removed camera is listed again;
- ``updated``: another XProtect-owned field changed (stream, PTZ, recording server address, timeout).
"""

from __future__ import annotations

from typing import Any

from backend.cameras.agency import guess_agency
from backend.cameras.mapping import parse_gis_point, xprotect_columns
from backend.db.models import Camera
from milestone.models import Camera as XCamera

Change = dict[str, Any]
_QUIET_FIELDS = ("recording_server_name", "recording_server_uri", "stream_id", "ptz_enabled")


def _change(kind: str, field: str | None = None, old: Any = None, new: Any = None) -> Change:
    return {"kind": kind, "field": field, "old": old, "new": new}


def apply_xprotect(row: Camera, cam: XCamera | None, now_us: int) -> list[Change]:
    """Bring ``row`` up to date with XProtect's ``cam`` (None: XProtect no longer has it); returns the changes.

    ``last_sync_us`` is set in every case, ``updated_us`` only when something changed.
    """
    changes: list[Change] = []
    row.last_sync_us = now_us
    if cam is None:
        if not row.removed_from_milestone:
            row.removed_from_milestone = True
            changes.append(_change("removed", "removed_from_milestone", False, True))
            row.updated_us = now_us
        return changes
    if row.removed_from_milestone:
        row.removed_from_milestone = False
        changes.append(_change("restored", "removed_from_milestone", True, False))

    previous_x_name = (row.milestone_metadata or {}).get("name")
    custom_name = previous_x_name is not None and row.name != previous_x_name
    if custom_name:
        if cam.name != previous_x_name:
            changes.append(_change("renamed_in_milestone", "name", previous_x_name, cam.name))
    elif row.name != cam.name:
        changes.append(_change("renamed", "name", row.name, cam.name))
        row.name = cam.name

    new = xprotect_columns(cam)
    if row.recording_server_id != new["recording_server_id"]:
        changes.append(
            _change(
                "moved",
                "recording_server_id",
                {"id": row.recording_server_id, "name": row.recording_server_name},
                {"id": new["recording_server_id"], "name": new["recording_server_name"]},
            )
        )
    if row.enabled != new["enabled"]:
        changes.append(_change("enabled" if new["enabled"] else "disabled", "enabled", row.enabled, new["enabled"]))
    moved = any(c["kind"] == "moved" for c in changes)
    for field in (*_QUIET_FIELDS, "manual_recording_timeout_minutes"):
        if field.startswith("recording_server") and moved:
            continue
        if getattr(row, field) != new[field]:
            changes.append(_change("updated", field, getattr(row, field), new[field]))
    for field, value in new.items():
        setattr(row, field, value)
    if row.latitude is None and row.longitude is None:
        point = parse_gis_point(cam.gis_point)
        if point is not None:
            row.latitude, row.longitude = point
    if changes:
        row.updated_us = now_us
    return changes


def new_camera_row(cam: XCamera, *, storage_mode: str, now_us: int, agency: str | None = None) -> Camera:
    """A new row for XProtect camera ``cam``: XProtect's camera GUID as our id (so that the GUI, which knows the
    camera from XProtect, needs no mapping), XProtect's name, the guessed (or given) agency and the position
    from its ``gisPoint``."""
    point = parse_gis_point(cam.gis_point)
    row = Camera(
        id=cam.id.lower(),
        milestone_device_id=cam.id.lower(),
        name=cam.name,
        agency=agency or guess_agency(cam.name),
        storage_mode=storage_mode,
        removed_from_milestone=False,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        last_sync_us=now_us,
        created_us=now_us,
        updated_us=now_us,
    )
    for field, value in xprotect_columns(cam).items():
        setattr(row, field, value)
    return row


def counts(changes: list[Change]) -> dict[str, int]:
    """How many of each kind, for the sync history counters."""
    out: dict[str, int] = {}
    for change in changes:
        out[change["kind"]] = out.get(change["kind"], 0) + 1
    return out

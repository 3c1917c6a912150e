"""Camera discovery: REST recording servers, hardware with cameras, streams, joined into an Inventory.

Source: MILESTONE_PROTOCOL.md §2 ([OA]). Cameras carry no address or recorder id: the join is
camera ``relations.parent`` (hardware) -> hardware ``relations.parent`` (recordingServers). A recording
server's ImageServer is ``hostName``:``portNumber``; its web services live under ``activeWebServerUri`` when
that is non-empty, else ``webServerUri``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from milestone.errors import NotFoundError, PermissionDeniedError, ProtocolError
from milestone.isotime import parse_iso_ms
from milestone.models import Camera, Inventory, RecordingServer, StreamInfo
from milestone.rest import Json, RestClient

log = logging.getLogger(__name__)

DEFAULT_IMAGE_SERVER_PORT = 7563
STREAM_FETCH_CONCURRENCY = 8


def _text(item: Mapping[str, Any], key: str, default: str = "") -> str:
    value = item.get(key)
    return default if value is None else str(value)


def _flag(item: Mapping[str, Any], key: str, default: bool) -> bool:
    value = item.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):  # releases before 2022 R2 sent booleans as strings ([OA] change log)
        return value.strip().lower() == "true"
    return default


def _int(item: Mapping[str, Any], key: str, default: int = 0) -> int:
    try:
        return int(item.get(key, default))
    except (TypeError, ValueError):
        return default


def parent_id(item: Mapping[str, Any]) -> str:
    """``relations.parent.id`` of a REST item, lower-cased ('' when absent)."""
    relations = item.get("relations")
    parent = relations.get("parent") if isinstance(relations, dict) else None
    return str(parent.get("id", "")).lower() if isinstance(parent, dict) else ""


def _with_slash(uri: str) -> str:
    return uri if uri.endswith("/") else uri + "/"


def recording_server_from(item: Json) -> RecordingServer:
    """Build a RecordingServer from a REST ``recordingServers`` item. Raises ProtocolError without an id."""
    rs_id = _text(item, "id")
    if not rs_id:
        raise ProtocolError("recording server item without id")
    host = _text(item, "hostName")
    port = _int(item, "portNumber", DEFAULT_IMAGE_SERVER_PORT)
    web = _text(item, "activeWebServerUri").strip() or _text(item, "webServerUri").strip()
    if not web:
        web = f"http://{host}:{port}/"
    return RecordingServer(
        id=rs_id,
        name=_text(item, "displayName") or _text(item, "name"),
        image_server_host=host,
        image_server_port=port,
        web_server_uri=_with_slash(web),
        enabled=_flag(item, "enabled", True),
        time_zone_name=_text(item, "timeZoneName"),
        version=_text(item, "version"),
    )


def streams_from(payload: Sequence[Json]) -> tuple[StreamInfo, ...]:
    """Flatten ``cameras/{id}/streams`` (``array`` of stream groups each holding ``stream`` lists)."""
    out: list[StreamInfo] = []
    for group in payload:
        entries = group.get("stream")
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("streamReferenceId"):
                continue
            out.append(
                StreamInfo(
                    stream_id=_text(entry, "streamReferenceId"),
                    name=_text(entry, "name") or _text(group, "displayName"),
                    live_default=_flag(entry, "liveDefault", False),
                    default_playback=_flag(entry, "defaultPlayback", False),
                )
            )
    return tuple(out)


def camera_from(
    item: Json, hardware: Json | None, server: RecordingServer | None, streams: Sequence[StreamInfo] = ()
) -> Camera:
    """Build a Camera from a REST camera item joined with its hardware item and recording server."""
    hw = hardware or {}
    try:
        modified = parse_iso_ms(_text(item, "lastModified"))
    except ProtocolError:
        modified = 0
    return Camera(
        id=_text(item, "id"),
        name=_text(item, "name") or _text(item, "displayName"),
        enabled=_flag(item, "enabled", True),
        ptz_enabled=_flag(item, "ptzEnabled", False),
        hardware_id=parent_id(item) or _text(hw, "id").lower(),
        recording_server=server,
        streams=tuple(streams),
        manual_recording_timeout_enabled=_flag(item, "manualRecordingTimeoutEnabled", False),
        manual_recording_timeout_minutes=_int(item, "manualRecordingTimeoutMinutes"),
        recording_enabled=_flag(item, "recordingEnabled", True),
        short_name=_text(item, "shortName"),
        description=_text(item, "description"),
        gis_point=_text(item, "gisPoint"),
        channel=_int(item, "channel"),
        display_name=_text(item, "displayName"),
        hardware_name=_text(hw, "displayName") or _text(hw, "name"),
        hardware_address=_text(hw, "address"),
        last_modified_ms=modified,
    )


def join_inventory(
    recording_servers: Sequence[Json],
    hardware: Sequence[Json],
    streams_by_camera: Mapping[str, Sequence[StreamInfo]] | None = None,
) -> Inventory:
    """Join REST items into an Inventory (pure function).

    ``hardware`` items carry their cameras in ``cameras`` (``includeChildren=cameras``). Each camera's
    ``relations.parent`` names its hardware (the enclosing hardware item when the relation is missing);
    each hardware's ``relations.parent`` names its recording server. A camera whose recording server is not
    among ``recording_servers`` gets ``recording_server=None``. ``streams_by_camera`` is keyed by lower-cased
    camera id. Cameras are ordered by name, then id.
    """
    servers: dict[str, RecordingServer] = {}
    for item in recording_servers:
        found = recording_server_from(item)
        servers[found.id.lower()] = found
    hw_by_id = {_text(hw, "id").lower(): hw for hw in hardware if hw.get("id")}
    streams_by_camera = streams_by_camera or {}
    cameras: dict[str, Camera] = {}
    for hw in hardware:
        for cam in hw.get("cameras") or []:
            if not isinstance(cam, dict) or not cam.get("id"):
                continue
            owner = hw_by_id.get(parent_id(cam), hw)
            server = servers.get(parent_id(owner))
            cam_id = _text(cam, "id")
            cameras[cam_id.lower()] = camera_from(cam, owner, server, streams_by_camera.get(cam_id.lower(), ()))
    ordered = sorted(cameras.values(), key=lambda c: (c.name.lower(), c.id.lower()))
    return Inventory(recording_servers=tuple(servers.values()), cameras=tuple(ordered))


async def fetch_streams(rest: RestClient, camera_id: str) -> tuple[StreamInfo, ...]:
    """``GET cameras/{id}/streams``; a camera the user may not read or that vanished has no streams."""
    try:
        return streams_from(await rest.get_array(f"cameras/{camera_id}/streams"))
    except (PermissionDeniedError, NotFoundError) as exc:
        log.warning("no streams for camera %s: %s", camera_id, exc)
        return ()


async def fetch_inventory(rest: RestClient, *, include_disabled: bool = True) -> Inventory:
    """Discover everything the user can see (MILESTONE_PROTOCOL.md §2).

    Requests ``recordingServers`` and ``hardware?includeChildren=cameras`` (both paged until a short page),
    then ``cameras/{id}/streams`` for every camera (at most STREAM_FETCH_CONCURRENCY at once).
    ``include_disabled`` adds the ``disabled`` query flag so that disabled items are listed too.
    Raises the RestClient errors.
    """
    flag = {"disabled": ""} if include_disabled else {}
    servers = await rest.get_all("recordingServers", flag)
    hardware = await rest.get_all("hardware", {**flag, "includeChildren": "cameras"})
    camera_ids = [
        _text(cam, "id")
        for hw in hardware
        for cam in hw.get("cameras") or []
        if isinstance(cam, dict) and cam.get("id")
    ]
    gate = asyncio.Semaphore(STREAM_FETCH_CONCURRENCY)

    async def one(cam_id: str) -> tuple[str, tuple[StreamInfo, ...]]:
        async with gate:
            return cam_id.lower(), await fetch_streams(rest, cam_id)

    results = await asyncio.gather(*(one(cam_id) for cam_id in camera_ids))
    return join_inventory(servers, hardware, dict(results))

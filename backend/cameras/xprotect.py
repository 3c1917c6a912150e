"""Fetch one camera from XProtect without a full inventory walk (MILESTONE_PROTOCOL.md §2).

``GET cameras/{id}`` -> its hardware (``relations.parent``) -> ``GET hardware/{id}`` -> its recording server
(``relations.parent``) -> ``GET recordingServers/{id}``, plus ``cameras/{id}/streams``: four requests instead
of the whole site, for ``PUT /api/v1/cameras/{id}/sync``.
"""

from __future__ import annotations

from milestone.errors import NotFoundError
from milestone.inventory import camera_from, fetch_streams, parent_id, recording_server_from
from milestone.models import Camera as XCamera
from milestone.models import RecordingServer
from milestone.rest import RestClient


async def fetch_camera(rest: RestClient, device_id: str) -> XCamera | None:
    """The camera ``device_id`` joined with its hardware, recording server and streams; None when XProtect
    no longer has it (404). Raises the RestClient's other errors."""
    try:
        item = await rest.get_item(f"cameras/{device_id}", {"disabled": ""})
    except NotFoundError:
        return None
    hardware = None
    server: RecordingServer | None = None
    hw_id = parent_id(item)
    if hw_id:
        try:
            hardware = await rest.get_item(f"hardware/{hw_id}", {"disabled": ""})
        except NotFoundError:
            hardware = None
    rs_id = parent_id(hardware) if hardware else ""
    if rs_id:
        try:
            server = recording_server_from(await rest.get_item(f"recordingServers/{rs_id}"))
        except NotFoundError:
            server = None
    streams = await fetch_streams(rest, device_id)
    return camera_from(item, hardware, server, streams)

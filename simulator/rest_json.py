"""JSON bodies of the REST Config API items, field for field as XProtect returns them (MILESTONE_PROTOCOL.md §2).

Field names and ``relations`` follow the OpenAPI spec and responses observed from XProtect 2025 R1/R2
(camera -> ``relations.parent`` hardware -> ``relations.parent`` recording server). Dates are ISO 8601 UTC
with 7 fractional digits.
"""

from __future__ import annotations

import uuid

from simulator.inventory import NAMESPACE, PRODUCT_VERSION, TIME_ZONE, SimCamera, SimRecorder, storage_id

SITE_ID = str(uuid.uuid5(NAMESPACE, "site/0"))
SITE_NAME = "XPROTECT-SIMULATOR"
CREATED = "2025-01-15T08:00:00.0000000Z"
MODIFIED = "2025-10-27T15:03:52.8070000Z"


def _ref(kind: str, item_id: str) -> dict:
    return {"type": kind, "id": item_id}


def camera_json(cam: SimCamera, fps: int) -> dict:
    """One ``cameras`` item."""
    return {
        "displayName": cam.name,
        "enabled": cam.enabled,
        "id": cam.id,
        "name": cam.name,
        "channel": 0,
        "description": f"Simulated camera {cam.index} ({cam.short_name})",
        "createdDate": CREATED,
        "lastModified": MODIFIED,
        "gisPoint": f"POINT ({cam.longitude} {cam.latitude})",
        "shortName": cam.short_name,
        "icon": 0,
        "coverageDirection": 0,
        "coverageDepth": 0,
        "coverageFieldOfView": 0,
        "recordingFramerate": fps,
        "recordKeyframesOnly": False,
        "recordOnRelatedDevices": True,
        "ptzEnabled": cam.ptz_enabled,
        "recordingEnabled": True,
        "prebufferEnabled": True,
        "prebufferInMemory": True,
        "prebufferSeconds": 3,
        "edgeStorageEnabled": False,
        "edgeStoragePlaybackEnabled": False,
        "manualRecordingTimeoutEnabled": True,
        "manualRecordingTimeoutMinutes": cam.manual_timeout_minutes,
        "recordingStorage": _ref("storages", storage_id(cam.recorder_index)),
        "failoverSetting": "FullSupport",
        "relations": {"parent": _ref("hardware", cam.hardware_id), "self": _ref("cameras", cam.id)},
    }


def streams_json(cam: SimCamera) -> dict:
    """The single ``streams`` item of a camera (one stream: live default and default playback)."""
    return {
        "displayName": "Video stream 1",
        "stream": [
            {
                "defaultPlayback": True,
                "liveDefault": True,
                "liveMode": "WhenNeeded",
                "name": "Video stream 1",
                "recordTo": storage_id(cam.recorder_index),
                "streamReferenceId": cam.stream_id,
                "useEdge": True,
            }
        ],
        "relations": {"parent": _ref("cameras", cam.id), "self": _ref("streams", cam.id)},
    }


def hardware_json(cam: SimCamera, recorder: SimRecorder) -> dict:
    """The ``hardware`` item holding one camera."""
    name = f"Simulator H.264 Camera ({cam.hardware_address.split('//')[1].rstrip('/')})"
    return {
        "displayName": name,
        "enabled": cam.enabled,
        "id": cam.hardware_id,
        "name": name,
        "address": cam.hardware_address,
        "userName": "root",
        "description": "",
        "lastModified": MODIFIED,
        "model": "Simulator H.264 Camera",
        "hardwareDriverPath": {"type": "hardwareDrivers", "id": str(uuid.uuid5(NAMESPACE, "driver/0"))},
        "relations": {"parent": _ref("recordingServers", recorder.id), "self": _ref("hardware", cam.hardware_id)},
    }


def recorder_json(rec: SimRecorder) -> dict:
    """One ``recordingServers`` item; ``portNumber`` is where ImageServer and RecorderCommandService listen."""
    return {
        "displayName": rec.name,
        "enabled": True,
        "id": rec.id,
        "name": rec.name,
        "description": "",
        "lastModified": MODIFIED,
        "hostName": rec.host,
        "portNumber": rec.port,
        "webServerUri": rec.web_server_uri,
        "activeWebServerUri": rec.web_server_uri,
        "publicAccessEnabled": False,
        "publicWebserverHostName": "",
        "publicWebserverPort": 0,
        "multicastServerAddress": "0.0.0.0",
        "shutdownOnStorageFailure": False,
        "timeZoneName": TIME_ZONE,
        "version": PRODUCT_VERSION,
        "relations": {"parent": _ref("sites", SITE_ID), "self": _ref("recordingServers", rec.id)},
    }


def site_json(management_url: str) -> dict:
    """The one ``sites`` item."""
    return {
        "displayName": SITE_NAME,
        "id": SITE_ID,
        "name": SITE_NAME,
        "description": "",
        "lastModified": MODIFIED,
        "timeZone": TIME_ZONE,
        "computerName": SITE_NAME,
        "domainName": "WORKGROUP",
        "version": PRODUCT_VERSION,
        "masterSiteAddress": "",
        "managementServerUri": management_url,
        "relations": {"self": _ref("sites", SITE_ID)},
    }


def error_json(http_code: int, text: str, text_id: str | None = None) -> dict:
    """The REST error envelope ``{"error": {"httpCode", "details": [{"errorText", "errorTextId"?}]}}``."""
    detail: dict = {"errorText": text}
    if text_id:
        detail["errorTextId"] = text_id
    return {"error": {"httpCode": http_code, "details": [detail]}}

"""The backend's wire contract (pydantic): the only backend module the GUI may import.

Conventions:
- JSON field names are camelCase, as in the seeds' API specification (``milestoneDeviceId``, ``nameAr``);
  requests also accept the snake_case names. Unknown request fields are refused (422).
- Times are ISO 8601 UTC strings (``2025-10-27T14:30:00Z``) in REST bodies; the event envelope and
  ``/health`` carry integer UTC microseconds (``time_us`` / ``timeUs``).
- Errors: ``ErrorResponse`` = ``{"error": {"code", "message", "message_ar", "details"}}`` (English and Arabic).
- Events on ``/api/v1/events``: ``EventOut`` = ``{"type", "time_us", "camera_id", "data"}``.

Recording routes keep their schemas in ``schemas_recording.py`` and build on ``ApiModel``/``ApiRequest``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, overload

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

Agency = Literal["DUBAI_POLICE", "METRO", "BUS", "OTHER"]
StorageMode = Literal["MILESTONE", "LOCAL", "BOTH"]
EventType = Literal[
    "recording_started",
    "recording_progress",
    "recording_stopped",
    "segment_uploaded",
    "camera_status",
    "quota_changed",
    "detection",
    "milestone_status",
    "export_progress",
    "clip_changed",
    "annotation_changed",
    "incident_changed",
]

API_PREFIX = "/api/v1"


@overload
def datetime_from_us(us: int) -> datetime: ...
@overload
def datetime_from_us(us: None) -> None: ...
@overload
def datetime_from_us(us: int | None) -> datetime | None: ...
def datetime_from_us(us: int | None) -> datetime | None:
    """UTC µs since the epoch -> aware UTC datetime (None stays None)."""
    return None if us is None else datetime.fromtimestamp(us / 1_000_000, UTC)


class ApiModel(BaseModel):
    """Base of response bodies: camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class ApiRequest(ApiModel):
    """Base of request bodies: camelCase or snake_case accepted, unknown fields refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True, extra="forbid")


# ---------------------------------------------------------------------------------------------- errors, events


class ErrorInfo(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. camera_not_found")
    message: str = Field(description="English message")
    message_ar: str = Field(description="Arabic message")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    """Body of every error response."""

    error: ErrorInfo


class EventOut(BaseModel):
    """One message of the WebSocket ``/api/v1/events``."""

    type: EventType | Literal["error"]
    time_us: int = Field(description="UTC microseconds when the event was published")
    camera_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- health


class HealthCheckOut(ApiModel):
    ok: bool
    status: str = Field(description="e.g. ok, connected, unreachable, auth_failed, not_configured, timeout")
    critical: bool = Field(description="a failing critical check makes /health answer 503")
    detail: str | None = Field(default=None, description="technical detail (English)")
    message: str | None = Field(default=None, description="what is wrong, in English (only when not ok)")
    message_ar: str | None = Field(default=None, alias="message_ar", description="what is wrong, in Arabic")
    data: dict[str, Any] | None = None


class HealthOut(ApiModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, HealthCheckOut]
    version: str
    uptime_seconds: float
    time_us: int


# ---------------------------------------------------------------------------------------------- cameras


class CameraOut(ApiModel):
    """A camera of ours (imported from XProtect or added by RTSP URL)."""

    id: str
    milestone_device_id: str | None = None
    name: str
    name_ar: str | None = None
    agency: Agency
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    recording_server_id: str | None = None
    recording_server_name: str | None = None
    stream_id: str | None = None
    rtsp_url: str | None = None
    storage_mode: StorageMode
    enabled: bool
    ptz_enabled: bool
    removed_from_milestone: bool
    manual_recording_timeout_minutes: int | None = None
    last_sync_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class CameraList(ApiModel):
    cameras: list[CameraOut]
    total: int = Field(description="cameras matching the filters (before paging)")
    limit: int
    offset: int


class CameraPatch(ApiRequest):
    """Fields an administrator may change; absent fields stay as they are, ``null`` clears optional ones."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    name_ar: str | None = Field(default=None, max_length=255)
    agency: Agency | None = None
    location: str | None = Field(default=None, max_length=2000)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    storage_mode: StorageMode | None = None
    rtsp_url: str | None = Field(default=None, max_length=1024)


class CameraChange(ApiModel):
    """One difference a sync found: ``kind`` renamed | renamed_in_milestone | moved | disabled | enabled |
    removed | restored | updated; ``field`` the column; ``old``/``new`` the values."""

    kind: str
    field: str | None = None
    old: Any = None
    new: Any = None


class CameraSyncResult(ApiModel):
    camera: CameraOut
    changes: list[CameraChange]
    sync_id: int


# ---------------------------------------------------------------------------------------------- Milestone


class MilestoneCameraOut(ApiModel):
    """A camera as XProtect lists it, with whether (and as which camera of ours) it is imported."""

    id: str = Field(description="XProtect camera GUID (milestoneDeviceId)")
    name: str
    display_name: str | None = None
    short_name: str | None = None
    description: str | None = None
    enabled: bool
    recording: bool = Field(description="recording enabled in XProtect")
    ptz_enabled: bool
    recording_server: str | None = Field(default=None, description="recording server name")
    recording_server_id: str | None = None
    hardware_name: str | None = None
    stream_ids: list[str] = Field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    suggested_agency: Agency
    imported: bool
    camera_id: str | None = Field(default=None, description="our camera id when imported")


class MilestoneCameraList(ApiModel):
    cameras: list[MilestoneCameraOut]
    total: int = Field(description="cameras matching the filters (before paging)")
    imported: int = Field(description="cameras of the whole inventory already imported")
    limit: int
    offset: int


class LocationIn(ApiRequest):
    """The seeds' location object."""

    address: str | None = Field(default=None, max_length=2000)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class ImportItem(ApiRequest):
    """One camera to import (or re-import). Absent fields keep their values on re-import; on a first import
    the agency is guessed from the XProtect name and the storage mode is the configured default."""

    milestone_device_id: str = Field(min_length=1, max_length=64)
    name: str | None = Field(
        default=None, min_length=1, max_length=255, description="custom name instead of XProtect's"
    )
    name_ar: str | None = Field(default=None, max_length=255)
    agency: Agency | None = Field(default=None, validation_alias=AliasChoices("agency", "source"))
    location: str | LocationIn | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    storage_mode: StorageMode | None = None
    rtsp_url: str | None = Field(default=None, max_length=1024)


class ImportRequest(ApiRequest):
    """``{"cameras": [ImportItem, ...]}``; a bare list of ImportItems, or a single ImportItem object (the seeds'
    form), is accepted too."""

    cameras: list[ImportItem] = Field(min_length=1, max_length=5000)

    @model_validator(mode="before")
    @classmethod
    def _single(cls, data: Any) -> Any:
        if isinstance(data, dict) and "cameras" not in data:
            return {"cameras": [data]}
        if isinstance(data, list):
            return {"cameras": data}
        return data


class ImportResult(ApiModel):
    cameras: list[CameraOut]
    created: int
    updated: int
    sync_id: int = Field(description="the sync history row recording this import")


class SyncAllRequest(ApiRequest):
    """Options of a full re-sync (seeds §8.1): only cameras of ``agency`` (alias ``sourceFilter``);
    ``autoImport`` also imports XProtect cameras not imported yet (agency guessed from their names)."""

    agency: Agency | None = Field(
        default=None, validation_alias=AliasChoices("agency", "sourceFilter", "source_filter")
    )
    auto_import: bool = False


class SyncAccepted(ApiModel):
    sync_job_id: int
    status: Literal["running", "succeeded", "failed"]
    message: str
    message_ar: str = Field(alias="message_ar")
    progress_url: str


class SyncStatusOut(ApiModel):
    """A sync history row: ``processed`` of ``total`` cameras so far; counters of what changed."""

    id: int
    kind: str
    status: Literal["running", "succeeded", "failed"]
    started_at: datetime
    finished_at: datetime | None = None
    total: int
    processed: int
    created: int
    updated: int
    disabled: int
    removed: int
    errors: int
    error: str | None = None
    triggered_by: str | None = None
    details: dict[str, Any] | None = None


class SyncList(ApiModel):
    runs: list[SyncStatusOut]

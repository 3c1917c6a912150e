"""Wire contract of evidence exports and clips (issue 7 §1-2; seeds' storage-service API; camelCase on the wire).

The GUI imports this module. Times are ISO 8601 with a timezone in requests (a time without one is refused
with 400 ``time_without_timezone``) and UTC in answers. Sizes are bytes; ``progress`` is 0..1.

Exports (``/api/v1/storage``): an export is a background job that turns ``[start, end)`` of one or more
cameras into one MP4 per camera (stream copy from the backend's segments; from XProtect's ImageServer when the
footage is only there; re-encoded with faces blurred when ``maskFaces``), and packs them with
``manifest.json`` into one ZIP package kept in the exports bucket until ``expiresAt``.

- ``POST /storage/exports`` (permission ``export``) ExportCreate -> 202 ExportOut (status ``queued``).
  Refused before queuing: 422 ``too_many_cameras``, ``range_too_long``, ``bad_range``, ``no_footage`` (no camera
  has footage in the range), 404 ``camera_not_found``.
- ``GET /storage/exports?status=&createdBy=&limit=&beforeCreated=`` (``export``) -> ExportPage, newest first.
- ``GET /storage/exports/{id}`` (``export``) -> ExportOut. 404 ``export_not_found``.
- ``GET /storage/exports/{id}/download`` (``export``) -> ExportDownload: where to fetch the package (a presigned
  URL of the object store when it has one, else the backend's own ``/file`` route); 409 ``export_not_ready``,
  410 ``export_expired``; audited as chain of custody.
- ``GET /storage/exports/{id}/file`` (``export``) -> the ZIP (``application/zip``, ``Content-Disposition``
  attachment, ``X-Package-Sha256``); same errors; audited.
- ``POST /storage/exports/{id}/verify`` (``export``) -> ExportVerification of the stored package.
- ``DELETE /storage/exports/{id}`` (``export``) -> 204: cancels a queued or running job, or removes a finished
  package before its expiry. Nothing partial is ever downloadable.
- WebSocket event ``export_progress`` (data: ExportOut as JSON) on every status change and at most every 0.5 s
  of progress.

Clips (``/api/v1/storage``): a clip keeps ``[start, end)`` of some cameras as evidence: while it exists,
retention never deletes the segments overlapping it (an *evidence lock*; on S3 stores with object lock enabled
the segment objects also get a legal hold).

- ``POST /storage/clips`` (``export``) ClipCreate -> 201 ClipOut. 422 ``bad_range``, ``no_footage``.
- ``GET /storage/clips?cameraId=&start=&end=&incidentId=&limit=&beforeCreated=`` (``view``) -> ClipPage.
- ``GET /storage/clips/{id}`` (``view``) -> ClipOut; 404 ``clip_not_found``.
- ``DELETE /storage/clips/{id}`` (``export``) -> 204; the lock is lifted (segments held by no other clip
  become subject to retention again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from backend.api.schemas import ApiModel, ApiRequest, ErrorInfo

ExportStatus = Literal["queued", "running", "completed", "failed", "cancelled", "expired"]
ExportFileSource = Literal["local", "xprotect"]
HoldKind = Literal["legal_hold", "database"]

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "control-room-export/1"
MAX_PAGE = 200
DEFAULT_PAGE = 50


class ExportCreate(ApiRequest):
    """What to export. ``cameraIds``: backend camera ids, 1..``exports.max_cameras``; ``end`` after ``start``,
    at most ``exports.max_range_hours`` apart; ``reason``: why (kept in the manifest and the audit log)."""

    camera_ids: list[str] = Field(min_length=1)
    start: datetime
    end: datetime
    reason: str = Field(min_length=3, max_length=2000)
    mask_faces: bool = Field(False, description="blur every face the face detector finds (re-encodes)")
    incident_id: int | None = Field(None, description="the incident this export is evidence for")
    expires_days: int | None = Field(None, ge=1, description="days the package is kept; default exports bucket's")


class ExportFileOut(ApiModel):
    """One MP4 of a package."""

    name: str = Field(description="file name inside the ZIP")
    camera_id: str
    camera_name: str
    source: ExportFileSource
    start: datetime = Field(description="wall time of the first frame, UTC")
    end: datetime = Field(description="wall time of the last frame plus one frame duration, UTC")
    frames: int
    size_bytes: int
    sha256: str = Field(description="hex SHA-256 of the file's bytes")
    masked: bool = Field(description="faces were blurred (the file was re-encoded)")


class ExportOut(ApiModel):
    """An export job and, once completed, its package."""

    id: str = Field(description="UUID")
    status: ExportStatus
    progress: float = Field(description="0..1")
    phase: str = Field(description="what the job does now, e.g. 'camera 2/3: copying', English")
    camera_ids: list[str]
    start: datetime
    end: datetime
    reason: str
    mask_faces: bool
    incident_id: int | None = None
    created_by: str
    created_at: datetime
    completed_at: datetime | None = None
    expires_at: datetime | None = Field(None, description="when the package is removed; set on completion")
    size_bytes: int | None = Field(None, description="the ZIP package's size")
    sha256: str | None = Field(None, description="the ZIP package's SHA-256")
    manifest_sha256: str | None = Field(None, description="SHA-256 of manifest.json inside the package")
    files: list[ExportFileOut] = Field(default_factory=list)
    missing_cameras: list[str] = Field(
        default_factory=list, description="cameras asked for that had no footage in the range"
    )
    error: ErrorInfo | None = None


class ExportPage(ApiModel):
    """Exports newest first; pass ``nextBeforeCreated`` as ``beforeCreated`` for the next page."""

    exports: list[ExportOut]
    next_before_created: datetime | None = None


class ExportDownload(ApiModel):
    """Where to fetch a completed package. ``url`` is absolute for a presigned object-store URL, or the path
    of the backend's ``/api/v1/storage/exports/{id}/file`` (fetch it with the same credentials)."""

    url: str
    presigned: bool
    url_expires_at: datetime | None = None
    name: str = Field(description="suggested file name, e.g. export-<id>.zip")
    size_bytes: int
    sha256: str


class FileCheck(ApiModel):
    name: str
    expected_sha256: str | None = Field(description="None: in the package but not in the manifest")
    actual_sha256: str | None = Field(description="None: in the manifest but missing from the package")
    ok: bool


class ExportVerification(ApiModel):
    """A package checked against its manifest (and the manifest against the digest recorded at creation)."""

    export_id: str | None = None
    ok: bool
    checked_at: datetime
    manifest_ok: bool = Field(description="the manifest's SHA-256 equals the one recorded when the export was made")
    files: list[FileCheck]
    problems: list[str] = Field(default_factory=list, description="English, one line each")


class ClipCreate(ApiRequest):
    """A kept range for evidence. ``title`` names it for operators; ``reason`` goes to the audit log."""

    camera_ids: list[str] = Field(min_length=1)
    start: datetime
    end: datetime
    title: str = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=2000)
    incident_id: int | None = None


class ClipOut(ApiModel):
    id: int
    camera_ids: list[str]
    start: datetime
    end: datetime
    title: str
    reason: str
    incident_id: int | None = None
    created_by: str
    created_at: datetime
    hold: HoldKind = Field(description="legal_hold: the objects also carry an S3 legal hold")
    segments: int = Field(description="segments held by this clip now")
    size_bytes: int = Field(description="bytes of those segments")


class ClipPage(ApiModel):
    clips: list[ClipOut]
    next_before_created: datetime | None = None

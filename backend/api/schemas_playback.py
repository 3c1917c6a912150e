"""Wire contract of the recordings query, timeline and playback routes (camelCase on the wire).

The GUI imports this module (and ``schemas``) only. Times are ISO 8601 with a timezone in requests (a time
without one is refused with 400 ``time_without_timezone``) and UTC (``...Z``) in answers; durations are
seconds (float); the ``*Us`` fields of ``LocalSegmentRef`` are integer UTC microseconds, the unit of the
media engine. Camera ids are XProtect camera GUIDs in lower case (or our UUID for RTSP cameras).

Routes (``/api/v1``): ``POST /cameras/{id}/recordings/query`` (RecordingQueryRequest -> RecordingQueryResult),
``GET /cameras/{id}/recordings/timeline`` (TimelineResult), ``GET /cameras/{id}/playback/snapshot`` (JPEG,
header ``X-Picture-Time``), ``GET /cameras/{id}/playback/source`` (PlaybackSourceResult),
``GET /storage/segments/{segmentId}/media`` (the segment's bytes, HTTP Range), ``GET /playback/limits``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from backend.api.schemas import ApiModel, ApiRequest, StorageMode

GapReason = Literal["camera_offline", "recorder_down", "quota_denied", "upload_failed"]  # None = unknown
SequenceSource = Literal["milestone", "local", "both"]
Resolution = Literal["minute", "hour", "day"]

GAP_REASONS: tuple[str, ...] = ("camera_offline", "recorder_down", "quota_denied", "upload_failed")
RESOLUTIONS: tuple[str, ...] = ("minute", "hour", "day")
PICTURE_TIME_HEADER = "X-Picture-Time"


class RecordingQueryRequest(ApiRequest):
    """The range to look at; both times must carry a timezone (``Z`` or ``+04:00``)."""

    start_time: datetime
    end_time: datetime


class TimeRange(ApiModel):
    start: datetime
    end: datetime


class RecordedSequence(ApiModel):
    """One stretch of recorded video (clipped to the query range), from XProtect, the backend's own segments
    or both (adjacent or overlapping pieces are merged into one sequence)."""

    sequence_id: str = Field(description="stable within a camera: seq_<start UTC µs>")
    start_time: datetime
    end_time: datetime
    duration_seconds: float
    available: bool = Field(description="playable; recorded time that cannot be played is reported as a gap")
    size_bytes: int | None = Field(default=None, description="bytes of the local segments in it (None: XProtect only)")
    source: SequenceSource


class RecordingGap(ApiModel):
    """Time inside the range without recording, with the reason when the backend knows it."""

    start_time: datetime
    end_time: datetime
    duration_seconds: float
    reason: GapReason | None = None
    message: str | None = Field(default=None, description="the reason in English")
    message_ar: str | None = Field(default=None, alias="message_ar", description="the reason in Arabic")


class MotionInterval(ApiModel):
    """An XProtect motion sequence (clipped to the range)."""

    start_time: datetime
    end_time: datetime


class SessionInterval(ApiModel):
    """A manual recording session overlapping the range; ``end_time`` None while it records."""

    recording_id: str
    start_time: datetime
    end_time: datetime | None = None
    status: str = Field(description="recording | stopping | stopped | failed")
    storage_mode: StorageMode


class SourceState(ApiModel):
    """Which sources answered: XProtect ``ok`` / ``unavailable`` (not reachable: only local results shown, and
    the answer is not cached) / ``not_applicable`` (not an XProtect camera, or no XProtect configured)."""

    milestone: Literal["ok", "unavailable", "not_applicable"]
    local: Literal["ok", "not_applicable"]


class RecordingQueryResult(ApiModel):
    """Sequences and gaps partition the range up to now (``coverage`` = recorded share of that span, 0..1)."""

    camera_id: str
    query_range: TimeRange
    sequences: list[RecordedSequence]
    gaps: list[RecordingGap]
    motion: list[MotionInterval]
    sessions: list[SessionInterval]
    total_recording_seconds: float
    total_gap_seconds: float
    coverage: float
    sources: SourceState
    message: str | None = Field(default=None, description="e.g. no recordings in the range (English)")
    message_ar: str | None = Field(default=None, alias="message_ar")


class TimelineBucket(ApiModel):
    """One minute, hour or day: ``segment_count`` = local segments plus XProtect sequences touching it,
    ``recorded_seconds`` = recorded time inside it (each instant counted once)."""

    timestamp: datetime = Field(description="start of the bucket")
    has_recording: bool
    segment_count: int
    recorded_seconds: float


class TimelineResult(ApiModel):
    """Buckets are whole minutes/hours/days in the UTC offset of ``startTime`` (a day starts at local
    midnight when the GUI sends local times) and cover the range; the first may begin before it."""

    camera_id: str
    resolution: Resolution
    start_time: datetime
    end_time: datetime
    timeline: list[TimelineBucket]


class LocalSegmentRef(ApiModel):
    """A local segment the GUI's PyAV can open: a presigned S3 URL (``requires_auth`` false) or the backend's
    byte-range route (``requires_auth`` true: send ``Authorization: Bearer <token>``)."""

    segment_id: str
    start_time: datetime
    end_time: datetime
    start_us: int
    end_us: int
    url: str
    requires_auth: bool
    size_bytes: int
    container: str
    codec: str


class MilestoneSourceRef(ApiModel):
    """Where XProtect has footage of the camera in the range (play it through ImageServer)."""

    camera_id: str
    recording_server_id: str | None = None
    ranges: list[TimeRange]


class PlaybackSourceResult(ApiModel):
    """``local`` oldest first; ``preferred``: with ``at``, the source that has footage at that moment when only
    one has; otherwise the source covering more of the range (local on a tie)."""

    camera_id: str
    query_range: TimeRange
    local: list[LocalSegmentRef]
    milestone: MilestoneSourceRef | None = None
    preferred: Literal["local", "milestone", "none"]
    truncated: bool = Field(default=False, description="more segments than the backend lists in one answer")


class PlaybackLimitsOut(ApiModel):
    """What the backend accepts: the longest query range, the most timeline buckets, the playback speeds."""

    max_query_days: float
    max_timeline_buckets: int
    min_speed: float
    max_speed: float
    speeds: list[float]

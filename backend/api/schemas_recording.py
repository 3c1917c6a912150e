"""Wire contract of manual recording (seeds' API specification §8.2), camelCase on the wire.

``recordingId`` is the session's UUID; times are ISO 8601 UTC; durations are whole seconds.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from backend.api.schemas import ApiModel, ApiRequest, ErrorInfo, StorageMode


class StartRecordingRequest(ApiRequest):
    """``duration`` in seconds; omitted: RECORDING_DEFAULT_DURATION (900)."""

    duration: int | None = Field(None, description="seconds; RECORDING_MIN_DURATION..RECORDING_MAX_DURATION")


class ExtendRecordingRequest(ApiRequest):
    seconds: int = Field(gt=0, description="seconds to add to the running recording")


class RecordingStarted(ApiModel):
    recording_id: str
    camera_id: str
    start_time: datetime
    estimated_end_time: datetime
    duration_seconds: int
    status: str = "recording"
    storage_mode: StorageMode


class RecordingStopped(ApiModel):
    recording_id: str
    camera_id: str
    start_time: datetime
    end_time: datetime
    actual_duration: int = Field(description="seconds actually recorded")
    status: str
    stop_reason: str | None = None


class RunningRecording(ApiModel):
    recording_id: str
    start_time: datetime
    estimated_end_time: datetime
    elapsed_seconds: int
    remaining_seconds: int
    duration_seconds: int
    storage_mode: StorageMode


class LastRecording(ApiModel):
    recording_id: str
    start_time: datetime
    end_time: datetime | None
    status: str
    stop_reason: str | None = None


class RecordingStatus(ApiModel):
    is_recording: bool
    recording: RunningRecording | None = None
    last_recording: LastRecording | None = None


class ActiveRecording(RunningRecording):
    camera_id: str


class ActiveRecordings(ApiModel):
    recordings: list[ActiveRecording]
    total: int


class RecordingLimitsOut(ApiModel):
    """The durations this backend accepts (RECORDING_MIN/MAX/DEFAULT_DURATION, seconds) and its concurrency."""

    default_seconds: int
    min_seconds: int
    max_seconds: int
    max_concurrent: int


class CurrentRecording(ApiModel):
    recording_id: str
    start_time: datetime
    remaining_seconds: int


class AlreadyRecordingResponse(ApiModel):
    """409: the bilingual error plus the seeds' ``currentRecording``."""

    error: ErrorInfo
    current_recording: CurrentRecording

"""Wire contract of the object-detection routes (issue 6 §3; camelCase on the wire).

The GUI imports this module (and ``schemas``) only. Times are ISO 8601 with a timezone in requests (a time
without one is refused with 400 ``time_without_timezone``) and UTC (``...Z``, microsecond precision) in answers.
Boxes are NORMALISED: ``x1, y1, x2, y2`` in 0..1 of the frame's width and height (``frameWidth`` x
``frameHeight`` pixels), ``x1 < x2`` and ``y1 < y2``. Scores are 0..1.

Routes (``/api/v1``, permission ``view``):
- ``GET /detections?cameraId=&label=&start=&end=&minScore=&detector=&limit=&beforeId=`` -> DetectionPage, newest
  first (by time, then id); ``nextBeforeId`` is the ``beforeId`` of the next (older) page, None on the last.
- ``GET /cameras/{id}/detections/summary?start=&end=`` -> DetectionSummary (one entry per label, by label).
- ``GET /detections/{id}/thumbnail`` -> ``image/jpeg``: the frame at the detection's time, cropped around its
  box with a margin (at most ``THUMBNAIL_MAX_WIDTH`` pixels wide); header ``X-Picture-Time``.
- ``GET /detection/status`` -> DetectionStatusOut.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from backend.api.schemas import ApiModel

DetectorState = Literal["ok", "error"]

MAX_PAGE = 1000
DEFAULT_PAGE = 100
THUMBNAIL_MAX_WIDTH = 320


class BoxOut(ApiModel):
    """A box normalised to 0..1 of the frame (x to the right, y down)."""

    x1: float
    y1: float
    x2: float
    y2: float


class DetectionOut(ApiModel):
    """One object found in one recorded frame."""

    id: int
    camera_id: str
    time: datetime = Field(description="the frame's wall time, UTC")
    label: str = Field(description="class name, e.g. person, car, face")
    score: float = Field(description="confidence 0..1")
    detector: str = Field(description="the detector that found it: yolo | face")
    box: BoxOut
    frame_width: int = Field(description="pixels of the analysed frame")
    frame_height: int
    segment_id: int | None = Field(description="the recording segment of the frame; None once it was deleted")


class DetectionPage(ApiModel):
    """A page of detections, newest first. Pass ``nextBeforeId`` as ``beforeId`` for the next (older) page."""

    detections: list[DetectionOut]
    next_before_id: int | None = Field(default=None, description="None: this is the last page")


class LabelSummary(ApiModel):
    """What one camera saw of one label in a range."""

    label: str
    count: int
    first: datetime = Field(description="time of the earliest detection in the range")
    last: datetime = Field(description="time of the latest detection in the range")
    max_score: float


class DetectionSummary(ApiModel):
    """Per label: how many detections a camera has in ``[start, end)``, when, and the best score."""

    camera_id: str
    start: datetime
    end: datetime
    labels: list[LabelSummary]


class DetectorStatusOut(ApiModel):
    """One detector plugin: ``ok``, or ``error`` with the reason (English and Arabic)."""

    name: str
    state: DetectorState
    message: str = ""
    message_ar: str = ""


class LiveCameraStatusOut(ApiModel):
    """One camera of live mode (settings ``detection.live_cameras``): its live stream sampled at
    ``detection.live_fps``. ``state``: starting | waiting | quota_full | connecting | live | reconnecting |
    auth_failed | no_permission | error | stopped; ``message``/``messageAr`` say why when it is not ``live``."""

    camera_id: str = Field(description="the backend's camera id (the configured text while it is unknown)")
    state: str
    message: str = ""
    message_ar: str = ""
    last_frame: datetime | None = Field(default=None, description="wall time of the newest frame analysed, UTC")
    frames: int = Field(default=0, description="frames analysed since the backend started")
    skipped: int = Field(default=0, description="sampled frames dropped because analysis fell behind")
    reconnects: int = Field(default=0, description="stream connections after the first")


class DetectionStatusOut(ApiModel):
    """The detection pipeline: whether it runs, its detectors, how far behind recording it is
    (``lagSeconds``: age of the oldest segment waiting, None when nothing waits or it does not run), segments
    waiting, segments processed / failed since the backend started, and the cameras of live mode."""

    enabled: bool
    detectors: list[DetectorStatusOut] = Field(default_factory=list)
    lag_seconds: float | None = None
    pending_segments: int = 0
    processed_total: int = 0
    failed_total: int = 0
    live: list[LiveCameraStatusOut] = Field(default_factory=list)

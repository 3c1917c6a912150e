"""The detection pipeline's state as other code reads it (``app.state.detection.status()``): the fields of the
``GET /api/v1/detection/status`` answer, the ``detection`` health check and the /metrics gauges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

STARTING = ("The detectors are loading.", "جارٍ تحميل أجهزة الكشف.")
NO_DETECTOR = (
    "No detector is configured: set detection.yolo_model or detection.face.",
    "لم يتم إعداد أي كاشف: اضبط detection.yolo_model أو detection.face.",
)
DISABLED = ("Object detection is disabled.", "كشف الأجسام معطل.")


@dataclass(frozen=True, slots=True)
class DetectorStatus:
    """One configured detector: ``state`` ``ok`` or ``error`` (then ``message``/``message_ar`` say why)."""

    name: str
    state: str
    message: str = ""
    message_ar: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "state": self.state, "message": self.message, "message_ar": self.message_ar}


@dataclass(frozen=True, slots=True)
class LiveCameraStatus:
    """One camera of live mode (``detection.live_cameras``; ``backend.detection.live``).

    ``camera_id``: the backend's camera id once the configured name resolved, else the configured text;
    ``state``: ``starting``, ``waiting`` (XProtect, the quota store or the detectors not ready: retried),
    ``quota_full`` (the agency's stream quota is used up: retried), ``connecting``, ``live``, ``reconnecting``,
    ``auth_failed``, ``no_permission`` (the stream's own states, ``media.stream_stats.StreamState``), ``error``
    (configuration: an unknown camera, a camera without a source; retried slowly) or ``stopped``;
    ``message``/``message_ar``: why, when not ``live``; ``last_frame``: wall time (UTC) of the newest frame
    analysed; ``frames``: frames analysed since start; ``skipped``: sampled frames dropped because analysis
    fell behind (a newer one replaced them); ``reconnects``: stream connections after the first."""

    camera_id: str
    state: str
    message: str = ""
    message_ar: str = ""
    last_frame: datetime | None = None
    frames: int = 0
    skipped: int = 0
    reconnects: int = 0

    @property
    def trouble(self) -> bool:
        """The administrator must act: a configuration error or a stream quota that is used up."""
        return self.state in ("error", "quota_full")

    def to_dict(self) -> dict[str, Any]:
        """The wire shape (camelCase), ``lastFrame`` ISO 8601 UTC or None."""
        last = self.last_frame.isoformat().replace("+00:00", "Z") if self.last_frame is not None else None
        return {
            "cameraId": self.camera_id,
            "state": self.state,
            "message": self.message,
            "messageAr": self.message_ar,
            "lastFrame": last,
            "frames": self.frames,
            "skipped": self.skipped,
            "reconnects": self.reconnects,
        }


@dataclass(frozen=True, slots=True)
class DetectionStatus:
    """``enabled``; ``detectors`` (empty while the worker processes are still loading them, ``loading`` True);
    ``lag_seconds``: how long the oldest pending segment has waited since its upload (0 when none waits);
    ``pending_segments``: uploaded segments without a run; ``processed_total``/``failed_total``: runs
    ``done``/``failed`` in the database; ``live``: the cameras of live mode, in configuration order."""

    enabled: bool
    detectors: tuple[DetectorStatus, ...] = ()
    lag_seconds: float = 0.0
    pending_segments: int = 0
    processed_total: int = 0
    failed_total: int = 0
    loading: bool = False
    live: tuple[LiveCameraStatus, ...] = ()

    @property
    def usable(self) -> bool:
        """At least one detector works."""
        return any(d.state == "ok" for d in self.detectors)

    def to_dict(self) -> dict[str, Any]:
        """The wire shape of ``GET /api/v1/detection/status`` (camelCase)."""
        return {
            "enabled": self.enabled,
            "detectors": [d.to_dict() for d in self.detectors],
            "lagSeconds": round(self.lag_seconds, 3),
            "pendingSegments": self.pending_segments,
            "processedTotal": self.processed_total,
            "failedTotal": self.failed_total,
            "live": [c.to_dict() for c in self.live],
        }

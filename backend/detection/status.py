"""The detection pipeline's state as other code reads it (``app.state.detection.status()``): the fields of the
``GET /api/v1/detection/status`` answer, the ``detection`` health check and the /metrics gauges."""

from __future__ import annotations

from dataclasses import dataclass
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
class DetectionStatus:
    """``enabled``; ``detectors`` (empty while the worker processes are still loading them, ``loading`` True);
    ``lag_seconds``: how long the oldest pending segment has waited since its upload (0 when none waits);
    ``pending_segments``: uploaded segments without a run; ``processed_total``/``failed_total``: runs
    ``done``/``failed`` in the database."""

    enabled: bool
    detectors: tuple[DetectorStatus, ...] = ()
    lag_seconds: float = 0.0
    pending_segments: int = 0
    processed_total: int = 0
    failed_total: int = 0
    loading: bool = False

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
        }

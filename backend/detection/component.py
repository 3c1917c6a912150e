"""The detection component of the backend's lifespan (``backend.app.default_components``, after storage).

Builds the ``DetectionPipeline`` over the storage component's spool and object store and puts it on
``app.state.detection`` (``status()`` -> ``DetectionStatus``: what ``GET /api/v1/detection/status`` answers).
Registers the non-critical health check ``detection`` (ok while enabled and every configured detector works;
else the bilingual reason: recording and upload go on regardless) and the /metrics gauges
``backend_detection_lag_seconds``, ``backend_detection_pending_segments``, ``backend_detection_runs{state}``,
``backend_detection_detector_up{detector}`` and ``backend_detection_live_up{camera}``. Subscribes to
``segment_uploaded`` events to start work at once.

Live mode (``detection.live_cameras``, ``backend.detection.live``) starts after the pipeline and stops before it;
it reserves ``live`` stream slots through the quota component (``app.state.quotas``, started before this one)
and reads XProtect through the backend's link. Its per-camera states are part of the status; a camera that is
unknown or disabled, or whose agency's stream quota is used up, makes the health check not ok (bilingual).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from backend.api.health import CheckResult
from backend.detection.live import LiveDetection
from backend.detection.live_source import LiveCameras
from backend.detection.pipeline import DetectionPipeline, worker_config
from backend.detection.settings import DetectionSettings
from backend.detection.status import DISABLED, NO_DETECTOR, STARTING
from backend.detection.store import DetectionStore
from backend.events import Subscription
from backend.playback.sources import SegmentLocator

log = logging.getLogger(__name__)


class DetectionComponent:
    """See the module docstring."""

    name = "detection"

    def __init__(self, ctx: Any) -> None:
        settings: DetectionSettings = ctx.settings.detection
        self._settings = settings
        storage = getattr(ctx.state, "storage", None)
        locator = SegmentLocator(
            storage.spool.root if storage is not None else ctx.settings.spool_path,
            storage.store if storage is not None else None,
        )
        model = str(ctx.settings.resolve(settings.yolo_model)) if settings.yolo_model.strip() else ""
        self.pipeline = DetectionPipeline(
            settings,
            worker_config(settings, model),
            DetectionStore(ctx.db.engine),
            locator.decode_location,
            ctx.bus.publish,
            ctx.clock,
        )
        self._bus = ctx.bus
        self._subscription: Subscription | None = None
        self._listener: asyncio.Task[None] | None = None
        self.live: LiveDetection | None = None
        if settings.enabled and settings.live_cameras:
            self.live = LiveDetection(
                settings.live_cameras,
                settings.live_fps,
                self.pipeline,
                LiveCameras(ctx.db.engine),
                ctx.milestone,
                getattr(ctx.state, "quotas", None),
                ctx.clock,
            )
            self.pipeline.attach_live(self.live.status)
        ctx.state.detection = self.pipeline
        ctx.health.register("detection", self._health, critical=False)
        status = self.pipeline.status
        metrics = ctx.metrics
        metrics.gauge_callback(
            "backend_detection_lag_seconds",
            "Seconds the oldest uploaded segment not yet analysed has waited since its upload",
            lambda: status().lag_seconds,
        )
        metrics.gauge_callback(
            "backend_detection_pending_segments",
            "Uploaded segments not yet analysed by the detectors",
            lambda: float(status().pending_segments),
        )
        metrics.gauge_callback(
            "backend_detection_runs",
            "Segments analysed (done) or that could not be (failed)",
            lambda: {("done",): status().processed_total, ("failed",): status().failed_total},
            ["state"],
        )
        metrics.gauge_callback(
            "backend_detection_live_up",
            "1 while a live-mode camera's stream is live and analysed",
            lambda: {(c.camera_id,): 1.0 if c.state == "live" else 0.0 for c in status().live},
            ["camera"],
        )
        metrics.gauge_callback(
            "backend_detection_detector_up",
            "1 when the detector's model is loaded in the workers",
            lambda: {(d.name,): 1.0 if d.state == "ok" else 0.0 for d in status().detectors},
            ["detector"],
        )

    async def start(self) -> None:
        await self.pipeline.start()
        if self._settings.enabled:
            self._subscription = self._bus.subscribe(types=["segment_uploaded"])
            self._listener = asyncio.create_task(self._listen(self._subscription), name="detection-events")
        if self.live is not None:
            await self.live.start()

    async def stop(self) -> None:
        if self.live is not None:
            await self.live.stop()
        if self._subscription is not None:
            self._subscription.close()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        await self.pipeline.stop()

    async def _listen(self, subscription: Subscription) -> None:
        while True:
            try:
                await subscription.get()
            except EOFError:
                return
            self.pipeline.notify()

    async def _health(self) -> CheckResult:
        st = self.pipeline.status()
        data = st.to_dict()
        if not st.enabled:
            return CheckResult(True, "disabled", DISABLED[0], data=data)
        if st.loading:
            return CheckResult(True, "starting", STARTING[0], data=data)
        if not st.detectors:
            return CheckResult(False, "not_configured", "no detector configured", *NO_DETECTOR, data)
        broken = [d for d in st.detectors if d.state != "ok"]
        if not broken:
            trouble = [c for c in st.live if c.trouble]
            if trouble:
                return CheckResult(
                    False,
                    "live_error",
                    "; ".join(f"{c.camera_id}: {c.state}" for c in trouble),
                    " ".join(c.message for c in trouble),
                    " ".join(c.message_ar for c in trouble),
                    data,
                )
            return CheckResult(True, "ok", ", ".join(d.name for d in st.detectors), data=data)
        return CheckResult(
            False,
            "detector_error",
            "; ".join(f"{d.name}: {d.message}" for d in broken),
            " ".join(d.message for d in broken),
            " ".join(d.message_ar for d in broken),
            data,
        )

"""The detection pipeline: uploaded segments -> worker processes -> ``detections`` and ``detection_runs`` rows.

Work: every ``uploaded`` segment without a ``detection_runs`` row (``DetectionStore.pending``), NEWEST first
so that fresh footage and watched-label events come first when the pipeline is behind. The dispatcher looks
for work at start, on :meth:`DetectionPipeline.notify` (the component calls it for each ``segment_uploaded``
event) and every ``RESCAN_S``; at most one segment per worker process is in flight.

Workers: a ``ProcessPoolExecutor`` (``spawn`` start method: the backend process has threads) of
``settings.workers`` processes whose initializer loads and warms the detectors once
(``backend.detection.worker``); a probe call then tells which detectors loaded. When none works (missing or
corrupt model, no detector configured), the processes are ended and segments stay pending, the lag grows, and
``status()`` and /health say why; recording and upload are never affected. A worker process that dies fails
the segment it was given (run ``failed``) and the pool is restarted.

Each segment: located (spool file while it exists, else the object store: a filesystem store's file or an S3
presigned URL, ``backend.playback.sources.SegmentLocator``), sampled at ``sample_fps``, analysed in batches of
``batch_size``, then its detections and one run row are written in one transaction: ``done``, or ``failed``
with the error for a segment that does not decode (what decoded before the damage is kept). A segment whose
object is gone gets a ``failed`` run; a store that is down leaves it pending and it is retried after
``RETRY_S``.

Events: for each label in ``watch_labels`` found in a segment, its best detection is published as a
``detection`` event, at most one per camera and label every ``EVENT_INTERVAL_S`` (injected clock).

Live mode (``live_cameras``/``live_fps``, ``backend.detection.live``) runs its sampled pictures through the
same worker processes (:meth:`DetectionPipeline.analyse_live`: queued with the segments, never loading the
models again), stores their detections without a segment and announces them with the same rate limit;
``status()`` includes its per-camera states once :meth:`DetectionPipeline.attach_live` was called.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from backend.detection.live_worker import LiveJob, LiveResult, analyse_live
from backend.detection.settings import DetectionSettings
from backend.detection.status import NO_DETECTOR, DetectionStatus, DetectorStatus, LiveCameraStatus
from backend.detection.store import DetectionStore, PendingStats
from backend.detection.worker import (
    FoundBox,
    SegmentJob,
    SegmentResult,
    WorkerConfig,
    analyse,
    detector_states,
    init_worker,
)
from backend.errors import BilingualError
from backend.playback.ranges import iso_z
from backend.storage.records import SegmentRecord
from milestone.clock import Clock

log = logging.getLogger(__name__)

RESCAN_S = 30.0  # look for pending segments at least this often (real seconds)
RETRY_S = 60.0  # a segment whose store was unavailable waits this long (injected clock's monotonic)
EVENT_INTERVAL_S = 10.0  # at most one detection event per camera and label in this time
STOP_TIMEOUT_S = 15.0
WORKER_DIED = "the detection worker process ended unexpectedly"
POOL_FAILED = ("The detection worker process could not start.", "تعذر بدء عملية الكشف.")

Locate = Callable[[SegmentRecord], str]
Publish = Callable[..., Any]
LiveStatus = Callable[[], tuple[LiveCameraStatus, ...]]


def worker_config(settings: DetectionSettings, model_path: str) -> WorkerConfig:
    """The worker's configuration; ``model_path`` the resolved (absolute) YOLO model path or ""."""
    return WorkerConfig(
        yolo_model=model_path,
        yolo_classes=tuple(settings.yolo_classes),
        confidence=settings.confidence,
        iou=settings.iou,
        face=settings.face,
        face_confidence=settings.face_confidence,
        threads=settings.threads,
        sample_fps=settings.sample_fps,
        batch_size=settings.batch_size,
    )


class DetectionPipeline:
    """See the module docstring. ``locate`` maps a segment to a path or URL PyAV opens (blocking; raises
    BilingualError with status 404 when the segment's bytes are gone, another error when the store is down);
    ``publish`` is ``EventBus.publish``."""

    def __init__(
        self,
        settings: DetectionSettings,
        config: WorkerConfig,
        store: DetectionStore,
        locate: Locate,
        publish: Publish,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self._config = config
        self._store = store
        self._locate = locate
        self._publish = publish
        self._clock = clock
        self._watch = frozenset(settings.watch_labels)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_broken = False
        self._wake: asyncio.Event | None = None
        self._runner: asyncio.Task[None] | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._deferred: dict[int, float] = {}  # segment id -> monotonic time it may be tried again
        self._last_event: dict[tuple[str, str], float] = {}
        self._detectors: tuple[DetectorStatus, ...] = ()
        self._loading = settings.enabled
        self._pending = PendingStats(0, None)
        self._done = 0
        self._failed = 0
        self._live_status: LiveStatus | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Read the totals and start the dispatcher (which starts the worker processes in the background)."""
        self._done, self._failed = await asyncio.to_thread(self._store.run_totals)
        self._pending = await asyncio.to_thread(self._store.pending_stats)
        if not self.settings.enabled:
            return
        self._wake = asyncio.Event()
        self._runner = asyncio.create_task(self._run(), name="detection-pipeline")

    async def stop(self) -> None:
        """Stop dispatching, abandon segments in flight (analysed again at the next start), end the workers."""
        runner, self._runner = self._runner, None
        tasks = list(self._tasks.values())
        for task in [runner, *tasks]:
            if task is not None:
                task.cancel()
        for task in [runner, *tasks]:
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self._close_pool()

    def notify(self) -> None:
        """A segment was uploaded: look for work now (call from the event loop)."""
        if self._wake is not None:
            self._wake.set()

    # -- status ----------------------------------------------------------------------------------------------

    def status(self) -> DetectionStatus:
        """The pipeline's state now (no I/O: the pending figures are refreshed as segments are processed)."""
        pending = self._pending
        lag = 0.0
        if pending.count and pending.oldest_uploaded_us is not None:
            lag = max(0.0, self._clock.time() - pending.oldest_uploaded_us / 1_000_000)
        return DetectionStatus(
            enabled=self.settings.enabled,
            detectors=self._detectors,
            lag_seconds=lag,
            pending_segments=pending.count,
            processed_total=self._done,
            failed_total=self._failed,
            loading=self._loading,
            live=self._live_status() if self._live_status is not None else (),
        )

    def attach_live(self, status: LiveStatus) -> None:
        """Include live mode's per-camera states (``LiveDetection.status``) in :meth:`status`."""
        self._live_status = status

    def ready(self) -> bool:
        """The worker processes run and at least one detector works (live mode waits for this)."""
        return self._usable()

    # -- live mode -------------------------------------------------------------------------------------------

    async def analyse_live(self, job: LiveJob) -> LiveResult | None:
        """Analyse one sampled live picture in a worker process (queued behind the segments in flight), store
        its detections (``segment_id`` NULL) and announce the watched labels. None when no worker is usable
        now (loading, no working detector, restarting after a crash)."""
        pool = self._pool
        if pool is None or not self._usable():
            return None
        try:
            result = await asyncio.get_running_loop().run_in_executor(pool, analyse_live, job)
        except BrokenProcessPool:
            log.error("detection worker died on a live picture of camera %s; restarting the workers", job.camera_id)
            self._pool_broken = True
            if self._wake is not None:
                self._wake.set()
            return None
        if result.boxes:
            ids = await asyncio.to_thread(self._store.save_live, job.camera_id, result.boxes, self._now_us())
            self.announce(job.camera_id, list(zip(ids, result.boxes, strict=False)))
        return result

    # -- dispatcher ------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        await self._open_pool()
        while True:
            try:
                if self._pool_broken:
                    await self._close_pool()
                    await self._open_pool()
                await self._dispatch()
            except Exception:
                log.exception("detection dispatcher failed; retrying in %g s", RESCAN_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), RESCAN_S)
            self._wake.clear()

    async def _open_pool(self) -> None:
        self._pool_broken = False
        if not self._config.yolo_model and not self._config.face:
            self._detectors, self._loading = (), False
            log.warning("object detection: %s", NO_DETECTOR[0])
            return
        self._loading = True
        pool = ProcessPoolExecutor(
            max_workers=self.settings.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(self._config,),
        )
        self._pool = pool
        try:
            states = await asyncio.get_running_loop().run_in_executor(pool, detector_states)
        except Exception as exc:
            log.error("detection workers could not start: %s", type(exc).__name__)
            names = (["yolo"] if self._config.yolo_model else []) + (["face"] if self._config.face else [])
            self._detectors = tuple(DetectorStatus(n, "error", *POOL_FAILED) for n in names)
            self._pool_broken = True
        else:
            self._detectors = tuple(
                DetectorStatus(s.name, "ok" if s.ok else "error", s.message, s.message_ar) for s in states
            )
            for s in states:
                if s.ok:
                    log.info("detector %s loaded in %d worker process(es)", s.name, self.settings.workers)
                else:
                    log.error("detector %s unusable: %s", s.name, s.message)
            if not any(s.ok for s in states):  # nothing to run: free the processes until the next start
                await self._close_pool()
        self._loading = False

    async def _close_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("detection workers did not stop within %g s", STOP_TIMEOUT_S)

    def _usable(self) -> bool:
        return self._pool is not None and not self._pool_broken and any(d.state == "ok" for d in self._detectors)

    async def _dispatch(self) -> None:
        now = self._clock.monotonic()
        self._deferred = {k: t for k, t in self._deferred.items() if t > now}
        free = self.settings.workers - len(self._tasks)
        if self._usable() and free > 0:
            exclude = [*self._tasks, *self._deferred]
            for record in await asyncio.to_thread(self._store.pending, free, exclude):
                self._tasks[record.id] = asyncio.create_task(self._process(record), name=f"detect-{record.id}")
        await self._refresh_pending()

    async def _refresh_pending(self) -> None:
        self._pending = await asyncio.to_thread(self._store.pending_stats)

    # -- one segment -----------------------------------------------------------------------------------------

    async def _process(self, record: SegmentRecord) -> None:
        started_us = self._now_us()
        try:
            try:
                location = await asyncio.to_thread(self._locate, record)
            except BilingualError as exc:
                if exc.status != 404:
                    raise
                result = SegmentResult(record.id, 0, (), exc.message)
            else:
                result = await self._analyse(record, location)
            await self._save(record, result, started_us)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = exc.message if isinstance(exc, BilingualError) else f"{type(exc).__name__}: {exc}"
            log.warning("segment %d not analysed now (retry in %g s): %s", record.id, RETRY_S, reason)
            self._deferred[record.id] = self._clock.monotonic() + RETRY_S
        finally:
            self._tasks.pop(record.id, None)
            if self._wake is not None:
                self._wake.set()

    async def _analyse(self, record: SegmentRecord, location: str) -> SegmentResult:
        pool = self._pool
        if pool is None:
            raise RuntimeError("no detection worker")
        job = SegmentJob(record.id, record.camera_id, location, record.start_us)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, analyse, job)
        except BrokenProcessPool:
            log.error("detection worker died on segment %d; restarting the workers", record.id)
            self._pool_broken = True
            return SegmentResult(record.id, 0, (), WORKER_DIED)

    async def _save(self, record: SegmentRecord, result: SegmentResult, started_us: int) -> None:
        ids = await asyncio.to_thread(
            self._store.save,
            record,
            result.boxes,
            frames=result.frames,
            error=result.error,
            started_us=started_us,
            finished_us=self._now_us(),
        )
        if ids is None:
            return
        if result.error:
            self._failed += 1
            log.warning("detection on segment %d failed: %s", record.id, result.error)
        else:
            self._done += 1
        self.announce(record.camera_id, list(zip(ids, result.boxes, strict=True)))

    def announce(self, camera_id: str, found: list[tuple[int, FoundBox]]) -> None:
        """Publish a ``detection`` event for the best detection of each watched label in ``found`` (detection id,
        box), at most one per camera and label every ``EVENT_INTERVAL_S`` (call on the loop)."""
        best: dict[str, tuple[int, FoundBox]] = {}
        for det_id, box in found:
            if box.label in self._watch and (box.label not in best or box.score > best[box.label][1].score):
                best[box.label] = (det_id, box)
        now = self._clock.monotonic()
        for label, (det_id, box) in sorted(best.items()):
            last = self._last_event.get((camera_id, label))
            if last is not None and now - last < EVENT_INTERVAL_S:
                continue
            self._last_event[(camera_id, label)] = now
            self._publish(
                "detection",
                camera_id=camera_id,
                id=det_id,
                label=label,
                score=box.score,
                time=iso_z(box.at_us),
                detector=box.detector,
                box={"x1": box.x1, "y1": box.y1, "x2": box.x2, "y2": box.y2},
            )

    def _now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

"""What runs inside a detection worker process: load and warm the detectors once, then analyse segments.

The pipeline (``backend.detection.pipeline``) starts a ``ProcessPoolExecutor`` whose initializer is
:func:`init_worker`; it loads the configured detectors into this module's ``_LOADED`` (per process: the one
piece of module state in the backend, because an executor's worker functions can reach nothing else) and
records, per detector, whether it loaded (``DetectorState``). :func:`analyse` decodes a segment's sampled
frames (``backend.detection.sampling``), runs every working detector on batches of ``batch_size`` frames and
returns normalised boxes; it never raises for a bad segment or a failing detector: the error is in the result.

Everything crossing the process boundary is a small frozen dataclass (pickled).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from backend.detection.base import Box, Detector, ModelError
from backend.detection.sampling import DecodeError, SampledFrame, sample_frames

log = logging.getLogger(__name__)

WORKER_NICE = 10  # added to a detection worker process's nice value


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What a worker needs (from ``DetectionSettings``): ``yolo_model`` an absolute path or "" (none)."""

    yolo_model: str
    yolo_classes: tuple[str, ...]
    confidence: float
    iou: float
    face: bool
    face_confidence: float
    threads: int
    sample_fps: float
    batch_size: int


@dataclass(frozen=True, slots=True)
class DetectorState:
    """One configured detector: ``ok`` when loaded and warmed, else the bilingual reason."""

    name: str
    ok: bool
    message: str = ""
    message_ar: str = ""


@dataclass(frozen=True, slots=True)
class SegmentJob:
    """A segment to analyse: ``location`` a file path or URL PyAV opens; ``start_us`` its first frame's wall
    time (UTC µs)."""

    segment_id: int
    camera_id: str
    location: str
    start_us: int


@dataclass(frozen=True, slots=True)
class FoundBox:
    """One detection in a sampled frame: ``at_us`` the frame's wall time (UTC µs), corners normalised 0..1."""

    at_us: int
    detector: str
    label: str
    class_id: int
    score: float
    x1: float
    y1: float
    x2: float
    y2: float
    frame_width: int
    frame_height: int


@dataclass(frozen=True, slots=True)
class SegmentResult:
    """What :func:`analyse` found: ``frames`` sampled frames analysed, the boxes, and ``error`` (None when the
    whole segment was analysed; else why not, the boxes then cover the frames before the error)."""

    segment_id: int
    frames: int
    boxes: tuple[FoundBox, ...]
    error: str | None


@dataclass
class _Loaded:
    config: WorkerConfig
    detectors: list[Detector]
    states: list[DetectorState]


_LOADED: _Loaded | None = None


def load_detectors(config: WorkerConfig) -> tuple[list[Detector], list[DetectorState]]:
    """Load and warm the configured detectors; a detector that cannot load is returned as a failed state."""
    detectors: list[Detector] = []
    states: list[DetectorState] = []
    if config.yolo_model:
        try:
            from backend.detection.yolo import YoloDetector

            detectors.append(
                cast(
                    Detector,
                    YoloDetector(
                        Path(config.yolo_model),
                        config.yolo_classes,
                        confidence=config.confidence,
                        iou=config.iou,
                        threads=config.threads,
                    ),
                )
            )
            states.append(DetectorState("yolo", True))
        except ModelError as exc:
            states.append(DetectorState("yolo", False, exc.message, exc.message_ar))
        except Exception as exc:  # onnxruntime or numpy failing in an unforeseen way: report, never crash the worker
            states.append(_unexpected("yolo", exc))
    if config.face:
        try:
            from backend.detection.face import FaceDetector  # type: ignore[import-not-found,unused-ignore]

            detectors.append(cast(Detector, FaceDetector(confidence=config.face_confidence, threads=config.threads)))
            states.append(DetectorState("face", True))
        except ImportError:
            states.append(
                DetectorState(
                    "face",
                    False,
                    "The face detector is not installed in this backend.",
                    "كاشف الوجوه غير مثبت في هذا الخادم.",
                )
            )
        except ModelError as exc:
            states.append(DetectorState("face", False, exc.message, exc.message_ar))
        except Exception as exc:
            states.append(_unexpected("face", exc))
    return detectors, states


def _unexpected(name: str, exc: Exception) -> DetectorState:
    log.exception("detector %s failed to load", name)
    reason = type(exc).__name__
    return DetectorState(
        name,
        False,
        f"The {name} detector failed to load ({reason}).",
        f"تعذر تحميل كاشف {name} ({reason}).",
    )


def init_worker(config: WorkerConfig) -> None:
    """ProcessPoolExecutor initializer: lower this process's CPU priority (``WORKER_NICE``: recording and the
    API come first when the machine is busy; detection catches up later) and load the detectors once."""
    global _LOADED
    logging.basicConfig(level=logging.WARNING)
    if hasattr(os, "nice"):  # POSIX only
        try:
            os.nice(WORKER_NICE)
        except OSError:
            log.warning("could not lower the detection worker's CPU priority")
    detectors, states = load_detectors(config)
    _LOADED = _Loaded(config, detectors, states)


def detector_states() -> list[DetectorState]:
    """The detectors of this worker process and whether they loaded."""
    return list(_loaded().states)


def _loaded() -> _Loaded:
    if _LOADED is None:
        raise RuntimeError("init_worker has not run in this process")
    return _LOADED


def loaded_detectors() -> list[Detector]:
    """The detectors that loaded in this worker process (``init_worker`` must have run; RuntimeError if not)."""
    return list(_loaded().detectors)


def detect_frames(detectors: Sequence[Detector], frames: list[SampledFrame]) -> list[FoundBox]:
    """Run every detector on ``frames`` (one batch); the boxes normalised to each frame. Raises what a detector
    raises (ModelError for an unexpected output)."""
    return _detect(detectors, frames) if frames else []


def analyse(job: SegmentJob) -> SegmentResult:
    """Sample the segment, run the detectors, return the boxes (see the module docstring)."""
    loaded = _loaded()
    return analyse_with(job, loaded.detectors, loaded.config.sample_fps, loaded.config.batch_size)


def analyse_with(job: SegmentJob, detectors: Sequence[Detector], sample_fps: float, batch_size: int) -> SegmentResult:
    """:func:`analyse` with explicit detectors (also usable in-process, e.g. by a benchmark)."""
    boxes: list[FoundBox] = []
    frames = 0
    batch: list[SampledFrame] = []
    error: str | None = None
    try:
        for sampled in sample_frames(job.location, job.start_us, sample_fps, max_side=input_side(detectors)):
            batch.append(sampled)
            if len(batch) >= batch_size:
                boxes += _detect(detectors, batch)
                frames += len(batch)
                batch = []
        if batch:
            boxes += _detect(detectors, batch)
            frames += len(batch)
    except DecodeError as exc:
        error = str(exc)
        if batch:
            boxes += _safe_detect(detectors, batch)
            frames += len(batch)
    except Exception as exc:  # a detector failing at run time: record it, the worker goes on
        log.exception("detection failed on segment %d", job.segment_id)
        error = f"detection failed: {type(exc).__name__}: {exc}"
    return SegmentResult(job.segment_id, frames, tuple(boxes), error)


def _safe_detect(detectors: Sequence[Detector], batch: list[SampledFrame]) -> list[FoundBox]:
    try:
        return _detect(detectors, batch)
    except Exception:
        log.exception("detection failed on the frames before a decoding error")
        return []


def input_side(detectors: Sequence[Detector]) -> int | None:
    """The longest picture side (px) any of ``detectors`` looks at (their optional ``input_side``): sampled
    frames are scaled down to it while they are converted to RGB. None when a detector does not say (then
    frames keep their recorded size)."""
    sides: list[int] = []
    for detector in detectors:
        side = getattr(detector, "input_side", None)
        if not isinstance(side, int) or side <= 0:
            return None
        sides.append(side)
    return max(sides) if sides else None


def _detect(detectors: Sequence[Detector], batch: list[SampledFrame]) -> list[FoundBox]:
    pictures = [s.rgb for s in batch]
    out: list[FoundBox] = []
    for detector in detectors:
        for sampled, found in zip(batch, detector.detect(pictures), strict=True):
            h, w = sampled.rgb.shape[:2]
            size = sampled.size
            out += [_normalised(detector.name, sampled.at_us, box, w, h, size) for box in found]
    return out


def _normalised(detector: str, at_us: int, box: Box, width: int, height: int, size: tuple[int, int]) -> FoundBox:
    """``box`` in pixels of a ``width`` x ``height`` picture -> normalised; ``size`` the recorded frame's."""

    def clip(v: float) -> float:
        return min(1.0, max(0.0, v))

    return FoundBox(
        at_us,
        detector,
        box.label,
        box.class_id,
        clip(box.score),
        clip(box.x1 / width),
        clip(box.y1 / height),
        clip(box.x2 / width),
        clip(box.y2 / height),
        size[0],
        size[1],
    )

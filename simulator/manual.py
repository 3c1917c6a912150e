"""Manual recording state of the simulated recording servers (MILESTONE_PROTOCOL.md §4).

``StartManualRecording`` / ``StopManualRecording`` are idempotent: starting an active recording or stopping
an inactive one still succeeds and changes nothing (a repeated start does NOT extend the timeout). A started
recording stops by itself after the camera's ``manualRecordingTimeoutMinutes`` (XProtect has no duration
parameter). The timeout is evaluated lazily from the clock, so no timer task is needed; ``minute_s`` lets
tests shrink a "minute" (production value 60).

Every manual recording interval, finished or running, is recorded video: simulator.timeline merges these
intervals with the scheduled history. Times: wall seconds in, ms UTC out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from milestone.clock import Clock

Interval = tuple[int, int]
MAX_INTERVALS_PER_CAMERA = 1000


@dataclass(slots=True)
class _CameraManual:
    timeout_s: float | None
    started_at: float | None = None
    finished: list[tuple[float, float]] = field(default_factory=list)


class ManualRecordings:
    """Per-camera manual recording sessions keyed by camera index."""

    def __init__(self, clock: Clock, timeouts_minutes: dict[int, int | None], minute_s: float = 60.0) -> None:
        """``timeouts_minutes`` maps camera index to its timeout in minutes (None: no timeout)."""
        self._clock = clock
        self._cams = {
            index: _CameraManual(None if minutes is None else minutes * minute_s)
            for index, minutes in timeouts_minutes.items()
        }

    def _settle(self, cam: _CameraManual, now: float) -> None:
        if cam.started_at is not None and cam.timeout_s is not None and now >= cam.started_at + cam.timeout_s:
            cam.finished.append((cam.started_at, cam.started_at + cam.timeout_s))
            cam.started_at = None
            del cam.finished[:-MAX_INTERVALS_PER_CAMERA]

    def _cam(self, index: int) -> _CameraManual:
        cam = self._cams[index]
        self._settle(cam, self._clock.time())
        return cam

    def start(self, index: int) -> bool:
        """Start manual recording; returns False (and changes nothing) when already active.

        Raises KeyError for an unknown camera index.
        """
        cam = self._cam(index)
        if cam.started_at is not None:
            return False
        cam.started_at = self._clock.time()
        return True

    def stop(self, index: int) -> bool:
        """Stop manual recording; returns False (and changes nothing) when not active. KeyError if unknown."""
        cam = self._cam(index)
        if cam.started_at is None:
            return False
        now = self._clock.time()
        cam.finished.append((cam.started_at, now))
        cam.started_at = None
        del cam.finished[:-MAX_INTERVALS_PER_CAMERA]
        return True

    def is_active(self, index: int) -> bool:
        """True while camera ``index`` records manually (timeout applied). KeyError if unknown."""
        return self._cam(index).started_at is not None

    def intervals(self, index: int, start_ms: int, end_ms: int) -> list[Interval]:
        """Manual recording intervals (ms UTC) overlapping ``[start_ms, end_ms)``; a running one ends "now"."""
        cam = self._cam(index)
        spans = list(cam.finished)
        if cam.started_at is not None:
            spans.append((cam.started_at, self._clock.time()))
        out = [(int(b * 1000), int(e * 1000)) for b, e in spans]
        return [iv for iv in out if iv[1] > iv[0] and iv[1] > start_ms and iv[0] < end_ms]

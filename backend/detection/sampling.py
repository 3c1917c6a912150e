"""Sampling a recorded segment: about ``sample_fps`` decoded RGB frames per second with their wall times.

Time: ``media.segment_writer`` writes a frame of wall time ``t`` (UTC µs) with pts ``(t - start_us)`` in
90 kHz ticks after the muxer's start offset, so a decoded frame's wall time is the segment's ``start_us`` plus
``(pts - first pts) x time_base`` (the same mapping as ``backend.playback.snapshot``), rounded to the µs: at
most 6 µs from the time the recorder was given.

Sampling grid: the first frame is taken, then the first frame at or after each multiple of
``1 / sample_fps`` s after it; a frame is never taken twice, so a stream slower than ``sample_fps`` gives
every frame. Every frame is decoded (H.264 needs its references) but only the sampled ones are converted to
RGB. Blocking (demuxing, decoding): run it in a worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

OPEN_TIMEOUT_S = 10.0


class DecodeError(Exception):
    """The segment cannot be opened or decoded (message: English, technical, no secrets)."""


@dataclass(frozen=True, slots=True)
class SampledFrame:
    """One sampled picture: ``at_us`` its wall time (UTC µs), ``rgb`` (H, W, 3) uint8."""

    at_us: int
    rgb: np.ndarray


def sample_frames(location: str, start_us: int, sample_fps: float) -> Iterator[SampledFrame]:
    """Yield the sampled frames of the segment at ``location`` (a file path or an http(s) URL) whose first frame
    is at ``start_us`` (UTC µs). Raises DecodeError (possibly after yielding the frames before the damage)."""
    period_us = max(1, round(1_000_000 / sample_fps))
    options = {"rw_timeout": str(int(OPEN_TIMEOUT_S * 1_000_000))} if "://" in location else {}
    try:
        container = av.open(location, options=options, timeout=OPEN_TIMEOUT_S)
    except (av.error.FFmpegError, OSError) as exc:
        raise DecodeError(f"cannot open the segment: {exc}") from exc
    try:
        if not container.streams.video:
            raise DecodeError("the segment holds no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        time_base = stream.time_base or Fraction(1, 90_000)
        first: int | None = stream.start_time
        next_us: int | None = None
        decoded = 0
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            if first is None:
                first = int(frame.pts)
            offset_us = round((frame.pts - first) * time_base * 1_000_000)
            decoded += 1
            if next_us is not None and offset_us < next_us:
                continue
            next_us = (offset_us // period_us + 1) * period_us
            yield SampledFrame(start_us + offset_us, frame.to_ndarray(format="rgb24"))
        if decoded == 0:
            raise DecodeError("no picture decodes in the segment")
    except av.error.FFmpegError as exc:
        raise DecodeError(f"decoding failed: {exc}") from exc
    finally:
        container.close()

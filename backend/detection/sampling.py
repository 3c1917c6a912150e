"""Sampling a recorded segment: about ``sample_fps`` decoded RGB frames per second with their wall times.

Time: ``media.segment_writer`` writes a frame of wall time ``t`` (UTC µs) with pts ``(t - start_us)`` in
90 kHz ticks after the muxer's start offset, so a decoded frame's wall time is the segment's ``start_us`` plus
``(pts - first pts) x time_base`` (the same mapping as ``backend.playback.snapshot``), rounded to the µs: at
most 6 µs from the time the recorder was given.

Sampling grid: the first frame is taken, then the first frame at or after each multiple of ``1 / sample_fps``
s after it; a frame is never taken twice, so a stream slower than ``sample_fps`` gives every frame. A KEY frame
up to ``key_tolerance_us`` (a tenth of the period, at most 200 ms) before a grid time counts as at it: a camera's
GOP of one period, stamped with a few ms of jitter, is then still sampled at its key frames alone.

Decoding only what is needed: packets are demultiplexed (cheap) and held from the GOP's key frame on; they go
to the decoder only when a sampled frame is due (a packet at or after the next grid time), so each sample
costs the decoding of its GOP up to it, never the rest of the GOP. When the GOP is not longer than the
sampling period (the recorder's usual 1-2 s GOPs at 1 frame per second) only key frames are decoded. A
decoder that holds frames back (B-frames) is fed the following packets until the due frame comes out, so the
frames taken are exactly those a full decode would give (``bench/detection.py``: at 1280x720, 15 fps, GOP
1 s, this cut the decoding from 15 frames per sample to 1).

Conversion: only sampled frames are converted to RGB (planar, see :func:`to_rgb`); with ``max_side`` a larger
frame is scaled down in the same swscale pass (area averaging, aspect ratio kept) so that its longer side is
``max_side`` px: the detectors scale down to their input anyway (``input_side``), and this is several times
cheaper than an RGB conversion at full size followed by a resize. ``SampledFrame.width``/``height`` keep the
recorded size.
Blocking (demuxing, decoding): run it in a worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

OPEN_TIMEOUT_S = 10.0
MAX_KEY_TOLERANCE_US = 200_000


class DecodeError(Exception):
    """The segment cannot be opened or decoded (message: English, technical, no secrets)."""


@dataclass(frozen=True, slots=True)
class SampledFrame:
    """One sampled picture: ``at_us`` its wall time (UTC µs), ``rgb`` (H, W, 3) uint8, possibly scaled down
    from the recorded ``width`` x ``height`` (0: the size of ``rgb``)."""

    at_us: int
    rgb: np.ndarray
    width: int = 0
    height: int = 0

    @property
    def size(self) -> tuple[int, int]:
        """The recorded picture's (width, height) in px."""
        if self.width and self.height:
            return self.width, self.height
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])


def to_rgb(
    frame: av.VideoFrame, max_side: int | None = None, reformatter: VideoReformatter | None = None
) -> np.ndarray:
    """``frame`` as RGB (H, W, 3) uint8; scaled down (area averaging) to a longer side of ``max_side`` px when
    it is larger. Pass the same ``reformatter`` for the frames of one stream: it keeps its swscale context.

    The array is a channels-last VIEW of planar memory (3, H, W): swscale writes planar RGB faster than packed
    RGB, and the detectors want planar input (``frame.transpose(2, 0, 1)`` is then contiguous, a plain copy).
    """
    width, height = frame.width, frame.height
    longest = max(width, height)
    if max_side is not None and longest > max_side:
        scale = max_side / longest
        width, height = max(2, round(width * scale)), max(2, round(height * scale))
    scaler = reformatter or VideoReformatter()
    planar = scaler.reformat(frame, width, height, "gbrp", interpolation=Interpolation.AREA)
    out = np.empty((3, height, width), dtype=np.uint8)
    for channel, plane in zip((1, 2, 0), planar.planes, strict=True):  # gbrp: green, blue, red planes
        out[channel] = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(height, plane.line_size)[:, :width]
    return out.transpose(1, 2, 0)


def sample_frames(
    location: str, start_us: int, sample_fps: float, *, max_side: int | None = None
) -> Iterator[SampledFrame]:
    """Yield the sampled frames of the segment at ``location`` (a file path or an http(s) URL) whose first frame
    is at ``start_us`` (UTC µs), as RGB at most ``max_side`` px on the longer side (None: the recorded size).
    Raises DecodeError (possibly after yielding the frames before the damage)."""
    period_us = max(1, round(1_000_000 / sample_fps))
    key_tolerance_us = min(period_us // 10, MAX_KEY_TOLERANCE_US)
    options = {"rw_timeout": str(int(OPEN_TIMEOUT_S * 1_000_000))} if "://" in location else {}
    try:
        container = av.open(location, options=options, timeout=OPEN_TIMEOUT_S)
    except (av.error.FFmpegError, OSError) as exc:
        raise DecodeError(f"cannot open the segment: {exc}") from exc
    try:
        if not container.streams.video:
            raise DecodeError("the segment holds no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"  # no frame delay: a due frame comes out of the packet that carries it
        decoder = stream.codec_context
        time_base = stream.time_base or Fraction(1, 90_000)
        tick_num, tick_den = time_base.numerator * 2_000_000, time_base.denominator * 2  # µs, rounded half up
        first: int | None = stream.start_time
        next_us: int | None = None
        decoded = 0
        reformatter = VideoReformatter()
        held: list[av.Packet] = []  # packets of the current GOP not given to the decoder yet
        due = False  # a sampled frame is due and has not come out of the decoder yet

        def offset_of(pts: int) -> int:
            """µs from the first frame, rounded (integer arithmetic: this runs for every packet)."""
            assert first is not None
            return ((pts - first) * tick_num + time_base.denominator) // tick_den

        def take(frames: list[av.VideoFrame]) -> Iterator[SampledFrame]:
            nonlocal first, next_us, decoded, due
            for frame in frames:
                if frame.pts is None:
                    continue
                if first is None:
                    first = int(frame.pts)
                offset_us = offset_of(frame.pts)
                decoded += 1
                if next_us is not None and offset_us < next_us - (key_tolerance_us if frame.key_frame else 0):
                    continue
                next_us = (max(offset_us, next_us or 0) // period_us + 1) * period_us
                due = False
                yield SampledFrame(
                    start_us + offset_us, to_rgb(frame, max_side, reformatter), frame.width, frame.height
                )

        for packet in container.demux(stream):
            if packet.size == 0:  # the demuxer's end-of-stream packet
                continue
            if packet.is_keyframe:
                held = []
            held.append(packet)
            slack = key_tolerance_us if packet.is_keyframe else 0
            if packet.pts is None or first is None or next_us is None or offset_of(packet.pts) >= next_us - slack:
                due = True
            if not due:
                continue
            pending, held = held, []
            for p in pending:
                yield from take(decoder.decode(p))
        yield from take(decoder.decode(None))
        if decoded == 0:
            raise DecodeError("no picture decodes in the segment")
    except av.error.FFmpegError as exc:
        raise DecodeError(f"decoding failed: {exc}") from exc
    finally:
        container.close()

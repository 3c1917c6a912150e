"""Video encoders for synthetic frames: H.264 (libx264 through PyAV) and standard JPEG.

Used by the simulator to produce what an XProtect recording server streams (MILESTONE_PROTOCOL.md §3): H.264
access units in Annex-B byte-stream format (each key frame carries SPS and PPS in-band, so a decoder can start
at any key frame) and JPEG images for ``alwaysstdjpeg=yes`` connections and ``JPEGGetAt`` snapshots.

Input frames are planar YUV 4:2:0 (``yuv420p``, BT.601 limited range) as one ``uint8`` array of shape
``(height * 3 // 2, width)``: the Y plane, then U, then V, each chroma plane flattened row by row. That is the
layout ``av.VideoFrame.from_ndarray(..., format="yuv420p")`` takes, so no colour conversion runs per frame.

PyAV releases the GIL while libx264 encodes, so encoders run in worker threads without stalling an asyncio
loop. One encoder must not be used by two threads at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.video.frame import PictureType

MS_TIME_BASE = Fraction(1, 1000)


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded H.264 access unit: Annex-B bytes, key frame flag and the frame time in ms UTC."""

    data: bytes
    key_frame: bool
    pts_ms: int


def yuv420_shape(width: int, height: int) -> tuple[int, int]:
    """Array shape of one yuv420p frame of ``width`` x ``height`` pixels (both even)."""
    if width % 2 or height % 2:
        raise ValueError(f"yuv420p needs even dimensions, got {width}x{height}")
    return (height * 3 // 2, width)


class H264Encoder:
    """libx264 encoder: preset ultrafast, tune zerolatency, no B-frames, yuv420p, one thread.

    Key frames (IDR, with SPS/PPS repeated in-band) come only when asked for (``key_frame=True``) and on the
    very first frame; the caller owns the GOP structure (the simulator puts one key frame on every whole
    second). With zerolatency every ``encode`` call returns exactly the access unit of the frame passed in.
    ``crf`` is x264's constant rate factor (lower = better quality, larger output).
    """

    def __init__(self, width: int, height: int, fps: int, crf: int = 23) -> None:
        self._shape = yuv420_shape(width, height)
        ctx = av.CodecContext.create("libx264", "w")
        ctx.width = width
        ctx.height = height
        ctx.pix_fmt = "yuv420p"
        ctx.time_base = MS_TIME_BASE
        ctx.framerate = Fraction(fps, 1)
        ctx.max_b_frames = 0
        ctx.gop_size = 100 * fps  # natural key frames effectively never: the caller forces them
        ctx.options = {
            "preset": "ultrafast",
            "tune": "zerolatency",
            "bf": "0",
            "scenecut": "0",
            "forced-idr": "1",
            "repeat-headers": "1",
            "threads": "1",
            "crf": str(crf),
        }
        ctx.open()
        self._ctx: av.VideoCodecContext | None = ctx
        self._first = True
        self._last_pts = -1

    def encode(self, yuv420p: np.ndarray, pts_ms: int, key_frame: bool = False) -> EncodedFrame:
        """Encode one frame and return its access unit.

        ``pts_ms`` must increase from call to call (ms UTC of the frame). Raises ValueError for a frame of
        the wrong shape or a non-increasing time, RuntimeError if the encoder returns no packet.
        """
        if yuv420p.shape != self._shape or yuv420p.dtype != np.uint8:
            raise ValueError(f"expected uint8 frame of shape {self._shape}, got {yuv420p.dtype} {yuv420p.shape}")
        if pts_ms <= self._last_pts:
            raise ValueError(f"frame time {pts_ms} does not follow {self._last_pts}")
        frame = av.VideoFrame.from_ndarray(yuv420p, format="yuv420p")
        frame.pts = pts_ms
        frame.time_base = MS_TIME_BASE
        if key_frame or self._first:
            frame.pict_type = PictureType.I
        if self._ctx is None:
            raise RuntimeError("encoder is closed")
        packets = self._ctx.encode(frame)
        if len(packets) != 1:
            raise RuntimeError(f"libx264 returned {len(packets)} packets for one frame (zerolatency expected 1)")
        packet = packets[0]
        self._first = False
        self._last_pts = pts_ms
        return EncodedFrame(bytes(packet), bool(packet.is_keyframe), pts_ms)

    def close(self) -> None:
        """Flush the encoder and drop it; further ``encode`` calls are invalid. Safe to call twice."""
        ctx, self._ctx = self._ctx, None
        if ctx is None:
            return
        try:
            ctx.encode(None)
        except (av.error.EOFError, ValueError):
            pass


class JpegEncoder:
    """Baseline JPEG (FFmpeg's mjpeg encoder) from yuv420p frames; ``quality`` 1 (worst) .. 100 (best)."""

    def __init__(self, width: int, height: int, quality: int = 80) -> None:
        self._shape = yuv420_shape(width, height)
        ctx = av.CodecContext.create("mjpeg", "w")
        ctx.width = width
        ctx.height = height
        ctx.pix_fmt = "yuvj420p"
        ctx.time_base = MS_TIME_BASE
        # FFmpeg's qscale 2 (best) .. 31 (worst) stands in for the 1..100 quality scale.
        qscale = max(2, min(31, round(31 - (max(1, min(100, quality)) - 1) * 29 / 99)))
        ctx.qmin = qscale
        ctx.qmax = qscale
        ctx.open()
        self._ctx = ctx
        self._pts = 0

    def encode(self, yuv420p: np.ndarray) -> bytes:
        """Encode one frame as a JPEG file (bytes starting with FF D8). Raises ValueError on a wrong shape."""
        if yuv420p.shape != self._shape or yuv420p.dtype != np.uint8:
            raise ValueError(f"expected uint8 frame of shape {self._shape}, got {yuv420p.dtype} {yuv420p.shape}")
        frame = av.VideoFrame.from_ndarray(yuv420p, format="yuv420p").reformat(format="yuvj420p")
        self._pts += 1
        frame.pts = self._pts
        packets = self._ctx.encode(frame)
        if not packets:
            raise RuntimeError("mjpeg encoder returned no packet")
        return bytes(packets[0])

"""Decoded GOP buffers: the frames of a GOP decoded forward from its key frame, handed out in any order.

Forward play decodes a GOP a few frames ahead of the picture on screen and frees the frames behind it. Reverse
play decodes a whole GOP forward into its buffer and hands the frames out backwards, while the previous GOP is
decoded into a second buffer (neither libvlc nor QtMultimedia plays backwards). Frames are kept as decoded
(native size, YUV) and scaled to the output size in FFmpeg only when shown, like the live engine
(``media.decoder``): memory per buffered frame is the native picture (640x360: 345 KB).
"""

from __future__ import annotations

import logging
from typing import cast

import av
import numpy as np
from av.video.codeccontext import VideoCodecContext
from av.video.frame import VideoFrame
from av.video.reformatter import Interpolation, VideoReformatter

from media.decoder import DECODER_NAMES, DecodeError
from media.geometry import fit_size
from media.playback.source import Gop

log = logging.getLogger(__name__)


class DecodedGop:
    """A GOP and its decoded frames (``frames[i]`` for ``gop.units[i]``; None until decoded or when the unit
    could not be decoded). ``fed`` counts units sent to the decoder; ``complete`` is True once every unit was
    sent and the decoder drained."""

    def __init__(self, gop: Gop) -> None:
        self.gop = gop
        self.frames: list[VideoFrame | None] = [None] * len(gop.units)
        self.fed = 0
        self.complete = False
        self.errors = 0
        self.released = 0  # frames before this index were freed

    def frame(self, index: int) -> tuple[int, VideoFrame] | None:
        """The decoded frame at ``index`` or, when that one is missing, the nearest decoded one before it."""
        for i in range(index, -1, -1):
            frame = self.frames[i]
            if frame is not None:
                return i, frame
        return None

    def release_before(self, index: int) -> None:
        """Free decoded frames before ``index`` (forward play never shows them again)."""
        for i in range(self.released, min(index, len(self.frames))):
            self.frames[i] = None
        self.released = max(self.released, index)

    def decoded_through(self) -> int:
        """Index of the last unit fed to the decoder (-1 when none)."""
        return self.fed - 1


class GopDecoder:
    """One decoding chain: feeds a GOP's units in order from its key frame (closed GOPs). Switching to another
    GOP starts a fresh decoder; returning to a partly decoded GOP restarts it from its key frame. ``threads``
    is FFmpeg's thread count per picture. Not thread-safe: one worker thread."""

    def __init__(self, *, threads: int = 1) -> None:
        self._threads = threads
        self._ctx: VideoCodecContext | None = None
        self._active: DecodedGop | None = None
        self._reformatter = VideoReformatter()

    def decode(self, buf: DecodedGop, through: int, need: int | None = None) -> int:
        """Decode ``buf`` up to and including unit ``through`` (clamped); returns the units fed by this call.
        ``need``: a unit whose frame must be present (decoded again when forward play freed it; default
        ``through``)."""
        through = min(through, len(buf.gop.units) - 1)
        if min(through, through if need is None else need) < buf.released:  # freed: decode the GOP again
            buf.released = 0
            self._start(buf)
        elif buf.complete or buf.fed > through:
            return 0
        elif self._active is not buf or self._ctx is None:
            self._start(buf)
        ctx = self._ctx
        assert ctx is not None
        fed = 0
        while buf.fed <= through:
            unit = buf.gop.units[buf.fed]
            packet = av.Packet(unit.data)
            packet.pts = packet.dts = unit.time_us
            buf.fed += 1
            fed += 1
            self._receive(buf, ctx, packet)
        if buf.fed == len(buf.gop.units):
            self._receive(buf, ctx, None)
            buf.complete = True
            self._active = None
        return fed

    def to_bgra(self, frame: VideoFrame, box_w: int, box_h: int) -> np.ndarray:
        """``frame`` scaled in FFmpeg to fit ``box_w`` x ``box_h`` (0,0 = native), as C-contiguous BGRA uint8."""
        width, height = fit_size(frame.width, frame.height, box_w, box_h)
        out = self._reformatter.reformat(
            frame, width, height, format="bgra", interpolation=Interpolation.BILINEAR, threads=self._threads
        )
        return np.ascontiguousarray(out.to_ndarray())

    def _start(self, buf: DecodedGop) -> None:
        name = DECODER_NAMES.get(buf.gop.codec)
        if name is None:
            raise ValueError(f"no decoder for codec {buf.gop.codec!r}")
        ctx = cast(VideoCodecContext, av.CodecContext.create(name, "r"))
        ctx.thread_count = self._threads
        self._ctx, self._active = ctx, buf
        buf.fed = 0
        buf.complete = False

    def _receive(self, buf: DecodedGop, ctx: VideoCodecContext, packet: av.Packet | None) -> None:
        try:
            frames = ctx.decode(packet)
        except DecodeError as exc:
            buf.errors += 1
            if buf.errors == 1:
                log.warning("decode error in the GOP at %d: %s", buf.gop.start_us, exc)
            return
        for frame in frames:
            if frame.pts is None:
                continue
            index = buf.gop.index_at(int(frame.pts))
            if buf.gop.units[index].time_us == frame.pts:
                buf.frames[index] = frame

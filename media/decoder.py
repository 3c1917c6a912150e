"""PyAV decoding of ImageServer packets and FFmpeg scaling to a tile's size.

One :class:`FrameDecoder` per stream and connection. Decoding and scaling run in C with the GIL released
(``avcodec_send_packet`` / ``sws_scale_frame``), so several decode workers run in parallel; Python never
touches pixels.
"""

from __future__ import annotations

from typing import cast

import av
import numpy as np
from av.video.codeccontext import VideoCodecContext
from av.video.frame import VideoFrame
from av.video.reformatter import Interpolation, VideoReformatter

from media.geometry import fit_size
from milestone.models import VideoCodec

# FFmpeg decoder names for the GenericByteData codec field (MILESTONE_PROTOCOL.md §3, [GBD]).
DECODER_NAMES: dict[VideoCodec, str] = {
    VideoCodec.H264: "h264",
    VideoCodec.H265: "hevc",
    VideoCodec.JPEG: "mjpeg",
}

DecodeError = (av.FFmpegError, ValueError)
"""Exceptions a damaged packet can raise from :meth:`FrameDecoder.decode`."""


class FrameDecoder:
    """Decoder for one codec plus a cached swscale context converting to BGRA.

    ``threads`` is FFmpeg's thread count for decoding and scaling each picture (1 keeps one stream on one
    worker thread; parallelism comes from the engine's decode pool). Raises ``ValueError`` for a codec with
    no decoder.
    """

    def __init__(self, codec: VideoCodec, *, threads: int = 1) -> None:
        try:
            name = DECODER_NAMES[codec]
        except KeyError:
            raise ValueError(f"no decoder for codec {codec!r}") from None
        self.codec = codec
        self._threads = threads
        self._ctx = cast(VideoCodecContext, av.CodecContext.create(name, "r"))
        self._ctx.thread_count = threads
        self._reformatter = VideoReformatter()

    def decode(self, payload: bytes, picture_ms: int) -> list[VideoFrame]:
        """Feed one access unit (Annex-B H.264/H.265, or a JPEG file); return the pictures it completes.

        Each returned frame's ``pts`` is the ``picture_ms`` of the packet it came from (ms UTC), also when
        the decoder reorders. Raises one of :data:`DecodeError` for data the decoder rejects.
        """
        packet = av.Packet(payload)
        packet.pts = picture_ms
        packet.dts = picture_ms
        return list(self._ctx.decode(packet))

    def to_bgra(self, frame: VideoFrame, box_w: int, box_h: int) -> np.ndarray:
        """Scale ``frame`` in FFmpeg to fit inside ``box_w`` x ``box_h`` (aspect kept, even sides; 0,0 = native).

        Returns a C-contiguous ``uint8`` array ``(h, w, 4)`` in BGRA order with alpha 255.
        """
        width, height = fit_size(frame.width, frame.height, box_w, box_h)
        out = self._reformatter.reformat(
            frame, width, height, format="bgra", interpolation=Interpolation.BILINEAR, threads=self._threads
        )
        return np.ascontiguousarray(out.to_ndarray())

"""Recorded playback for one ImageServer connection: ``goto`` / ``next`` / ``previous`` (MILESTONE_PROTOCOL.md §3).

Navigation follows ``simulator.timeline``: ``goto T`` lands on the frame at or before T inside T's sequence;
``next``/``previous`` walk the fps grid across GOP and sequence boundaries. Every answer carries ``Prev``,
``Current`` and ``Next`` in ms UTC. Where nothing is recorded (``goto`` into a gap, or stepping from a gap
with nothing beyond) all three are 0 and the content is empty. At the very edge of the recordings (the
newest frame, or the oldest within retention) ``Next`` (or ``Prev``) equals ``Current`` and stepping further
returns that frame again, which is the end condition the vendor's TcpVideoViewer sample checks
(``nextTime == _playbackTime``).

H.264: the GOP holding the requested frame is encoded on demand with a fresh encoder (closed GOP from its key
frame), in a worker thread, and a few GOPs are cached per connection. Each frame is sent as it is: a
non-key frame's GenericByteData header names its key frame in ``sync_ms``, so a client that lands mid-GOP
can ``goto`` the key frame and step ``next`` to the frame it wants. JPEG (``alwaysstdjpeg=yes``): every
frame is an independent JPEG of that historic instant.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import Executor
from dataclasses import dataclass

from media.encoder import EncodedFrame, H264Encoder, JpegEncoder
from milestone.imageserver_codec import CONTENT_TYPE_GBD, CONTENT_TYPE_JPEG, pack_gbd
from milestone.models import VideoCodec
from simulator.scene import SceneRenderer
from simulator.timeline import RecordedTimeline

GOP_CACHE = 4


@dataclass(frozen=True, slots=True)
class PlaybackImage:
    """One playback answer; ``content`` empty (and all times 0) where nothing is recorded."""

    current_ms: int
    prev_ms: int
    next_ms: int
    content_type: str
    content: bytes


class PlaybackCursor:
    """The playback position of one connection on one camera."""

    def __init__(
        self, renderer: SceneRenderer, timeline: RecordedTimeline, pool: Executor, jpeg: bool, jpeg_quality: int = 80
    ) -> None:
        self._renderer = renderer
        self._camera = renderer.camera_index
        self._timeline = timeline
        self._pool = pool
        self._jpeg = jpeg
        self._jpeg_quality = jpeg_quality
        self._content_type = CONTENT_TYPE_JPEG if jpeg else CONTENT_TYPE_GBD
        self._position: int | None = None
        self._on_frame = False
        self._gops: OrderedDict[int, dict[int, EncodedFrame]] = OrderedDict()
        self._jpeg_encoder: JpegEncoder | None = None

    def _empty(self) -> PlaybackImage:
        return PlaybackImage(0, 0, 0, self._content_type, b"")

    async def goto(self, t_ms: int) -> PlaybackImage:
        """Move to ``t_ms`` and return the frame there (or the empty answer in a gap)."""
        frame = self._timeline.frame_at(self._camera, t_ms)
        if frame is None:
            self._position, self._on_frame = t_ms, False
            return self._empty()
        return await self._show(frame)

    async def step(self, forward: bool) -> PlaybackImage:
        """``next`` (forward) or ``previous``: the adjacent recorded frame, crossing gaps."""
        if self._position is None:
            return self._empty()
        if forward:
            frame = self._timeline.next_frame(self._camera, self._position)
        else:
            frame = self._timeline.prev_frame(self._camera, self._position)
        if frame is None:
            return await self._show(self._position) if self._on_frame else self._empty()
        return await self._show(frame)

    async def _show(self, frame: int) -> PlaybackImage:
        self._position, self._on_frame = frame, True
        prev = self._timeline.prev_frame(self._camera, frame) or frame
        nxt = self._timeline.next_frame(self._camera, frame) or frame
        loop = asyncio.get_running_loop()
        if self._jpeg:
            content = await loop.run_in_executor(self._pool, self._encode_jpeg, frame)
        else:
            gop = self._timeline.gop(self._camera, frame)
            encoded = self._gops.get(gop[0])
            if encoded is None or frame not in encoded:
                encoded = await loop.run_in_executor(self._pool, self._encode_gop, gop)
                self._gops[gop[0]] = encoded
                while len(self._gops) > GOP_CACHE:
                    self._gops.popitem(last=False)
            self._gops.move_to_end(gop[0])
            unit = encoded[frame]
            n = self._timeline.grid.index_at_or_before(frame)
            content = pack_gbd(VideoCodec.H264, n & 0xFFFF, frame == gop[0], gop[0], frame, unit.data)
        return PlaybackImage(frame, prev, nxt, self._content_type, content)

    def _encode_jpeg(self, t_ms: int) -> bytes:
        if self._jpeg_encoder is None:
            self._jpeg_encoder = JpegEncoder(self._renderer.width, self._renderer.height, self._jpeg_quality)
        return self._jpeg_encoder.encode(self._renderer.render(t_ms))

    def _encode_gop(self, frames: list[int]) -> dict[int, EncodedFrame]:
        encoder = H264Encoder(self._renderer.width, self._renderer.height, self._timeline.grid.fps)
        try:
            return {t: encoder.encode(self._renderer.render(t), t, key_frame=i == 0) for i, t in enumerate(frames)}
        finally:
            encoder.close()


def snapshot_jpeg(renderer: SceneRenderer, t_ms: int, quality: int = 80) -> bytes:
    """A JPEG of the frame at ``t_ms`` (blocking; run it in a worker thread)."""
    return JpegEncoder(renderer.width, renderer.height, quality).encode(renderer.render(t_ms))

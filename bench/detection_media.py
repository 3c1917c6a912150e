"""Media for ``bench/detection.py``, made at run time: a clip of the simulator's scene, recorder segments of it,
and cameras that replay it live into the real local recorder.

- :func:`encode_clip`: ``seconds`` of the simulator's camera 3 scene (``simulator.scene.SceneRenderer``: the
  zidane.jpg photo with its two real faces, moving shapes, clock, frame stamp) at the chosen size, encoded like
  the simulator's live stream (``media.encoder.H264Encoder``: x264, no B-frames) with a key frame every
  ``gop_s`` seconds.
- :func:`write_segments`: the clip looped into MPEG-TS segments by the recorder's own ``SegmentWriter``, frame
  times on the wall clock as the recorder stamps them: exactly what the detection pipeline reads.
- :class:`ReplaySource`: a ``PacketSource`` replaying the clip in real time with wall-clock packet times, in
  batches every second (as ``ImageServerSource`` reads with its default paced reading). The cameras' encoders
  are not on the backend's machine in production (cameras, XProtect), so replaying pre-encoded H.264 puts on
  this machine what recording really costs it (stream copy, segment writing, fsync) and nothing else.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path

from media.encoder import H264Encoder
from media.recorder_packets import EncodedPacket
from media.segment_writer import ClosedSegment, SegmentWriter

SCENE_CAMERA = 3  # the zidane.jpg scene: two real faces


@dataclass(frozen=True, slots=True)
class Clip:
    """Encoded access units (Annex-B) of ``fps`` frames per second, ``key`` flags, starting with a key frame and
    a whole number of GOPs long (so that it loops seamlessly)."""

    width: int
    height: int
    fps: int
    units: tuple[bytes, ...]
    key: tuple[bool, ...]

    @property
    def seconds(self) -> float:
        return len(self.units) / self.fps

    @property
    def mbit_per_s(self) -> float:
        return sum(len(u) for u in self.units) * 8 / 1e6 / self.seconds


def encode_clip(width: int, height: int, fps: int, seconds: float, gop_s: float) -> Clip:
    """See the module docstring (takes about a second per 10 s of 1280x720)."""
    from simulator import inventory
    from simulator.scene import SceneRenderer

    renderer = SceneRenderer(SCENE_CAMERA, inventory.camera_name(SCENE_CAMERA), width, height)
    gop = max(1, round(gop_s * fps))
    frames = max(gop, round(seconds * fps) // gop * gop)
    t0_ms = int(time.time()) * 1000
    encoder = H264Encoder(width, height, fps)
    units, keys = [], []
    try:
        for n in range(frames):
            t_ms = t0_ms + n * 1000 // fps
            unit = encoder.encode(renderer.render(t_ms), t_ms, key_frame=n % gop == 0)
            units.append(unit.data)
            keys.append(unit.key_frame)
    finally:
        encoder.close()
    return Clip(width, height, fps, tuple(units), tuple(keys))


def write_segments(clip: Clip, spool: Path, camera: str, segments: int, segment_s: float) -> list[ClosedSegment]:
    """``segments`` closed segments of ``segment_s`` seconds (the clip looped), ending about now."""
    writer = SegmentWriter(spool, camera, segment_seconds=segment_s, fsync=False)
    frames = round(segments * segment_s * clip.fps)
    start_us = int((time.time() - segments * segment_s - 5) * 1e6)
    closed: list[ClosedSegment] = []
    for n in range(frames):
        i = n % len(clip.units)
        t_us = start_us + n * 1_000_000 // clip.fps
        closed += writer.write(EncodedPacket(clip.units[i], t_us, clip.key[i]), flush=False)
    last = writer.close()
    if last is not None:
        closed.append(last)
    return closed


class ReplaySource:
    """The clip as a live camera (see the module docstring); ``phase_s`` delays the first batch so that many
    cameras do not deliver in lock-step."""

    def __init__(self, clip: Clip, label: str, *, read_interval_s: float = 1.0, phase_s: float = 0.0) -> None:
        self.clip = clip
        self.label = label
        self.read_interval_s = read_interval_s
        self._phase_s = phase_s
        self._closed = False
        self.delivered = 0

    async def packet_batches(self) -> AsyncGenerator[list[EncodedPacket], None]:
        await asyncio.sleep(self._phase_s)
        clip, fps = self.clip, self.clip.fps
        start = time.time()
        start_us = int(start * 1e6)
        n = 0
        while not self._closed:
            due = int((time.time() - start) * fps)
            batch = []
            while n <= due:
                i = n % len(clip.units)
                t_us = start_us + n * 1_000_000 // fps
                batch.append(EncodedPacket(clip.units[i], t_us, clip.key[i], "h264", n == 0))
                n += 1
            if batch:
                self.delivered += len(batch)
                yield batch
            await asyncio.sleep(self.read_interval_s)

    async def packets(self) -> AsyncGenerator[EncodedPacket, None]:
        async for batch in self.packet_batches():
            for packet in batch:
                yield packet

    async def aclose(self) -> None:
        self._closed = True


def phases(count: int, seed: int = 7) -> list[float]:
    """Start offsets (s, within one read interval) for ``count`` replayed cameras."""
    rng = random.Random(seed)
    return [rng.uniform(0.0, 1.0) for _ in range(count)]

"""Sampling recorded segments (backend.detection.sampling) decodes only what it needs and still takes exactly the
frames of the sampling grid: compared with a plain decode of every frame on real H.264 files made with PyAV
(with B-frames, so the decoder holds frames back), key frames with a few ms of jitter are taken alone, and a
large frame is scaled down while it is converted to RGB without losing its stamp or its recorded size."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from backend.detection.sampling import sample_frames
from media.encoder import yuv420_shape
from media.stamp import Stamp, draw_stamp, read_stamp

CAM = 4
T0_MS = 1_700_000_000_000


def write_clip(path: Path, width: int, height: int, times_ms: list[int], keys: set[int], *, bframes: int) -> Path:
    """An MPEG-TS file of stamped frames at ``times_ms`` (key frames at the indices in ``keys``)."""
    with av.open(str(path), "w", format="mpegts") as container:
        stream = container.add_stream("libx264", rate=15)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = stream.codec_context.time_base = Fraction(1, 1000)
        stream.codec_context.options = {"preset": "ultrafast", "bf": str(bframes), "g": "1000", "sc_threshold": "0"}
        for n, t_ms in enumerate(times_ms):
            picture = np.full(yuv420_shape(width, height), 128, dtype=np.uint8)
            picture[:height] = 60 + (n * 5) % 120
            draw_stamp(picture[:height], Stamp(CAM, t_ms))
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane, data in zip(frame.planes, (picture[:height], *_chroma(picture, width, height)), strict=True):
                plane.update(np.ascontiguousarray(data))
            frame.pts = t_ms - T0_MS
            frame.time_base = Fraction(1, 1000)
            frame.pict_type = av.video.frame.PictureType.I if n in keys else av.video.frame.PictureType.NONE
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def _chroma(picture: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    quarter = (width // 2) * (height // 2)
    flat = picture[height:].reshape(-1)
    return flat[:quarter].reshape(height // 2, width // 2), flat[quarter : 2 * quarter].reshape(height // 2, width // 2)


def every_frame(path: Path) -> list[tuple[int, bool]]:
    """(stamp ms, key frame) of every frame, in display order, by a plain full decode."""
    with av.open(str(path)) as container:
        return [
            (read_stamp(f.to_ndarray(format="rgb24")).timestamp_ms, f.key_frame)  # type: ignore[union-attr]
            for f in container.decode(video=0)
        ]


def grid_of(frames: list[tuple[int, bool]], period_ms: int) -> list[int]:
    """The stamps the sampling grid takes (the first, then the first at or after each multiple of the period)."""
    taken, next_ms = [], None
    for t, _ in frames:
        offset = t - frames[0][0]
        if next_ms is None or offset >= next_ms:
            taken.append(t)
            next_ms = (offset // period_ms + 1) * period_ms
    return taken


def test_the_grid_frames_come_out_of_a_stream_with_b_frames(tmp_path):
    times = [T0_MS + n * 1000 // 15 for n in range(60)]
    path = write_clip(tmp_path / "b.ts", 320, 180, times, {0, 20, 40}, bframes=2)
    frames = every_frame(path)
    assert len(frames) == 60 and [k for _, k in frames].count(True) == 3
    for fps in (1.0, 2.5, 4.0):
        got = list(sample_frames(str(path), T0_MS * 1000, fps))
        want = grid_of(frames, round(1000 / fps))
        assert [s.at_us // 1000 for s in got] == want
        assert [read_stamp(s.rgb).timestamp_ms for s in got] == want  # type: ignore[union-attr]


def test_key_frames_a_few_ms_early_are_taken_alone_and_large_frames_scaled_down(tmp_path):
    # 15 fps, a key frame every 15 frames, each stamped up to 4 ms early (a camera's jittery clock).
    times = [T0_MS + n * 1000 // 15 - (3 if n % 15 == 0 and n else 0) for n in range(75)]
    path = write_clip(tmp_path / "k.ts", 1280, 720, times, {0, 15, 30, 45, 60}, bframes=0)
    got = list(sample_frames(str(path), T0_MS * 1000, 1.0, max_side=640))
    assert [s.at_us // 1000 for s in got] == [times[n] for n in (0, 15, 30, 45, 60)]
    for sampled in got:
        assert sampled.rgb.shape == (360, 640, 3) and sampled.size == (1280, 720)
        assert read_stamp(sampled.rgb) == Stamp(CAM, sampled.at_us // 1000)
    full = next(iter(sample_frames(str(path), T0_MS * 1000, 1.0)))
    assert full.rgb.shape == (720, 1280, 3) and full.size == (1280, 720)

"""Face masking of an exported MP4: decode, find faces with CenterFace (``backend.detection.face``), cover
each with a coarse mosaic, re-encode with libx264.

The covered frame is searched again and whatever is found then is covered too: CenterFace looks at the whole
picture, and with the real faces gone it may score another face-like patch (a hand) above the threshold.

A face box is grown by ``MARGIN`` on every side and replaced by a mosaic of ``MOSAIC`` cells across its longer
side (too coarse for a face detector or a person to recognise a face); each frame is also covered with the
previous frame's boxes, so a face the detector misses for one frame stays covered. The input is the exact
stream copy (``backend.exports.mp4``): its decoder drops the pre-roll through the edit list, so the masked file
holds the same frames with the same timestamps (1/90000 s). Blocking: run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import av
import numpy as np
from PIL import Image

from .mp4 import TIME_BASE, Stopped

MARGIN = 0.25
MOSAIC = 6
BATCH = 4


class FaceFinder(Protocol):
    """``detect(frames)`` -> per frame a list of boxes with ``x1, y1, x2, y2`` in frame pixels."""

    def detect(self, frames: list[np.ndarray]) -> list[list[Any]]: ...


@dataclass(frozen=True, slots=True)
class MaskResult:
    """The masked file: frames written, faces covered (boxes over all frames) and size (its SHA-256 is taken
    by the package writer while it copies the file in)."""

    path: Path
    frames: int
    faces: int
    size_bytes: int


def cover(rgb: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """``rgb`` (H, W, 3 uint8, modified in place and returned) with each box, grown by MARGIN, a mosaic."""
    height, width = rgb.shape[:2]
    for x1, y1, x2, y2 in boxes:
        mx, my = (x2 - x1) * MARGIN, (y2 - y1) * MARGIN
        a, b = max(0, int(x1 - mx)), max(0, int(y1 - my))
        c, d = min(width, int(np.ceil(x2 + mx))), min(height, int(np.ceil(y2 + my)))
        if c - a < 2 or d - b < 2:
            continue
        region = Image.fromarray(rgb[b:d, a:c])
        cells = max(1, round(max(c - a, d - b) / MOSAIC))
        small = region.resize((max(1, (c - a) // cells), max(1, (d - b) // cells)), Image.Resampling.BOX)
        rgb[b:d, a:c] = np.asarray(small.resize((c - a, d - b), Image.Resampling.NEAREST))
    return rgb


def mask_faces(
    source: Path,
    target: Path,
    detector: FaceFinder,
    *,
    crf: int = 20,
    on_frame: Callable[[int], None] = lambda n: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> MaskResult:
    """Write ``target``: ``source`` with every detected face covered. Raises ``Stopped``, ``av`` errors."""
    faces = frames = 0
    previous: list[tuple[float, float, float, float]] = []
    with av.open(str(source)) as src, av.open(str(target), "w", format="mp4") as out:
        in_stream = src.streams.video[0]
        rate = in_stream.average_rate or Fraction(15)
        stream: Any = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = in_stream.codec_context.width, in_stream.codec_context.height
        stream.pix_fmt = "yuv420p"
        stream.time_base = TIME_BASE
        stream.codec_context.time_base = TIME_BASE
        stream.options = {"crf": str(crf), "preset": "veryfast", "bf": "0"}
        pending: list[tuple[np.ndarray, int]] = []

        def flush() -> None:
            nonlocal faces, frames, previous
            found = detector.detect([rgb for rgb, _ in pending])
            covered = []
            for (rgb, _), boxes in zip(pending, found, strict=True):
                current = [(b.x1, b.y1, b.x2, b.y2) for b in boxes]
                faces += len(current)
                covered.append(cover(rgb, current + previous))
                previous = current
            for rgb, boxes in zip(covered, detector.detect(covered), strict=True):
                cover(rgb, [(b.x1, b.y1, b.x2, b.y2) for b in boxes])  # what the covering itself revealed
            for rgb, pts in zip(covered, [pts for _, pts in pending], strict=True):
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame = frame.reformat(format="yuv420p")
                frame.pts, frame.time_base = pts, TIME_BASE
                for packet in stream.encode(frame):
                    out.mux(packet)
                frames += 1
                on_frame(frames)
            pending.clear()

        for decoded in src.decode(in_stream):
            if should_stop():
                raise Stopped()
            tb = decoded.time_base or TIME_BASE
            pts = round(decoded.pts * tb / TIME_BASE) if decoded.pts is not None else frames
            pending.append((decoded.to_ndarray(format="rgb24"), pts))
            if len(pending) >= BATCH:
                flush()
        if pending:
            flush()
        for packet in stream.encode(None):
            out.mux(packet)
    return MaskResult(target, frames, faces, target.stat().st_size)

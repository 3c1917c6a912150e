"""A detection's thumbnail: the decoded frame cropped around the normalised box, with a margin, as a JPEG.

The crop is the box grown by ``MARGIN`` of its width on the left and right and of its height above and below
(so a box of w x h pixels gives a crop of 1.5 w x 1.5 h), at least ``MIN_SIDE_PX`` on each side (grown around
the box's centre), clipped to the frame; it is then scaled down (never up) to at most ``max_width`` pixels wide,
keeping the aspect ratio. Pure CPU work with Pillow: run it in a worker thread.
"""

from __future__ import annotations

import io
import math

from PIL import Image

MARGIN = 0.25
MIN_SIDE_PX = 16
JPEG_QUALITY = 85


def crop_box(
    width: int, height: int, box: tuple[float, float, float, float], *, margin: float = MARGIN
) -> tuple[int, int, int, int]:
    """The pixel rectangle ``(left, top, right, bottom)`` (right/bottom exclusive) to cut from a ``width`` x
    ``height`` frame for the normalised ``box`` ``(x1, y1, x2, y2)`` in 0..1 (values outside are clipped)."""

    def span(lo: float, hi: float, size: int) -> tuple[int, int]:
        lo, hi = min(max(lo, 0.0), 1.0) * size, min(max(hi, 0.0), 1.0) * size
        lo, hi = min(lo, hi), max(lo, hi)
        grow = (hi - lo) * margin
        lo, hi = lo - grow, hi + grow
        short = MIN_SIDE_PX - (hi - lo)
        if short > 0:
            lo, hi = lo - short / 2, hi + short / 2
        first, last = max(0, math.floor(lo + 1e-6)), min(size, math.ceil(hi - 1e-6))
        return (first, last) if last > first else (max(0, min(first, size - 1)), max(1, min(first + 1, size)))

    left, right = span(box[0], box[2], width)
    top, bottom = span(box[1], box[3], height)
    return left, top, right, bottom


def thumbnail_jpeg(image: Image.Image, box: tuple[float, float, float, float], *, max_width: int = 320) -> bytes:
    """The JPEG of ``image`` cropped around the normalised ``box`` (see the module docstring)."""
    piece = image.crop(crop_box(image.width, image.height, box))
    if piece.width > max_width:
        height = max(1, round(piece.height * max_width / piece.width))
        piece = piece.resize((max_width, height), Image.Resampling.LANCZOS)
    if piece.mode != "RGB":
        piece = piece.convert("RGB")
    buf = io.BytesIO()
    piece.save(buf, format="JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()

"""Pure size arithmetic for scaling video into tiles (shared by the media engine and the GUI)."""

from __future__ import annotations

_EPSILON = 1e-6


def _even_floor(value: float) -> int:
    return max(2, int(value + _EPSILON) // 2 * 2)


def fit_size(src_w: int, src_h: int, box_w: int, box_h: int) -> tuple[int, int]:
    """Largest size with the source's aspect ratio that fits inside a box, both numbers even.

    All sizes are pixels. The result may be larger than the source (scaling up) or smaller (scaling down);
    each side is rounded down to an even number (YUV 4:2:0 friendly) and is at least 2. A box with a side of
    0 or less means "no box": the source size is returned unchanged (the caller wants native size).
    Raises ValueError when the source has a side of 0 or less.

    >>> fit_size(640, 360, 320, 320)
    (320, 180)
    >>> fit_size(640, 360, 0, 0)
    (640, 360)
    """
    if src_w <= 0 or src_h <= 0:
        raise ValueError(f"source size {src_w}x{src_h} is empty")
    if box_w <= 0 or box_h <= 0:
        return src_w, src_h
    scale = min(box_w / src_w, box_h / src_h)
    width = min(_even_floor(src_w * scale), max(2, box_w // 2 * 2))
    height = min(_even_floor(src_h * scale), max(2, box_h // 2 * 2))
    return width, height

"""Machine-readable frame stamp: camera index and timestamp (ms UTC) drawn as black/white blocks.

The simulator draws the stamp into every frame it encodes; tests and benchmarks read it back from decoded,
possibly scaled pixels to check *what* was shown, not just that something was shown.

Layout, in the frame's own coordinates (640x360 source, but any size works because reading uses fractions of
the width and height): a band at the top of the frame, ``BAND_FRACTION`` of the height tall, holding
``TOTAL_BITS`` equal-width cells across ``STAMP_WIDTH_FRACTION`` of the width. The cells are, from left to
right: 4 sync bits ``1010``, 16 bits of camera index, 48 bits of timestamp in ms, 8 bits of CRC-8 over the
64 data bits. A set bit is white (luma 235), a clear bit black (luma 16). Blocks are large enough to survive
H.264 at normal quality and down-scaling to a quarter of the width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SYNC = (1, 0, 1, 0)
CAMERA_BITS = 16
TIME_BITS = 48
CRC_BITS = 8
TOTAL_BITS = len(SYNC) + CAMERA_BITS + TIME_BITS + CRC_BITS  # 76
BAND_FRACTION = 16 / 360
STAMP_WIDTH_FRACTION = 608 / 640
WHITE = 235
BLACK = 16


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a frame says about itself: the simulator's camera index and the frame time in ms UTC."""

    camera_index: int
    timestamp_ms: int


def _crc8(bits: list[int]) -> int:
    """CRC-8 (polynomial 0x07) over a bit list, most significant bit first."""
    crc = 0
    for bit in bits:
        top = ((crc >> 7) & 1) ^ bit
        crc = (crc << 1) & 0xFF
        if top:
            crc ^= 0x07
    return crc


def _to_bits(value: int, width: int) -> list[int]:
    return [(value >> (width - 1 - i)) & 1 for i in range(width)]


def stamp_bits(stamp: Stamp) -> list[int]:
    """The TOTAL_BITS bits of a stamp, left to right. Raises ValueError for out-of-range values."""
    if not 0 <= stamp.camera_index < (1 << CAMERA_BITS):
        raise ValueError(f"camera index {stamp.camera_index} does not fit in {CAMERA_BITS} bits")
    if not 0 <= stamp.timestamp_ms < (1 << TIME_BITS):
        raise ValueError(f"timestamp {stamp.timestamp_ms} does not fit in {TIME_BITS} bits")
    data = _to_bits(stamp.camera_index, CAMERA_BITS) + _to_bits(stamp.timestamp_ms, TIME_BITS)
    return list(SYNC) + data + _to_bits(_crc8(data), CRC_BITS)


def _cell_edges(width: int) -> np.ndarray:
    span = width * STAMP_WIDTH_FRACTION
    return np.round(np.arange(TOTAL_BITS + 1) * span / TOTAL_BITS).astype(int)


def draw_stamp(luma_or_rgb: np.ndarray, stamp: Stamp) -> None:
    """Draw the stamp in place into an ``(H, W)`` luma plane or an ``(H, W, 3)`` uint8 RGB image."""
    height, width = luma_or_rgb.shape[:2]
    band = max(1, round(height * BAND_FRACTION))
    edges = _cell_edges(width)
    luma_or_rgb[:band, : edges[-1]] = BLACK
    for i, bit in enumerate(stamp_bits(stamp)):
        if bit:
            luma_or_rgb[:band, edges[i] : edges[i + 1]] = WHITE


def read_stamp(image: np.ndarray) -> Stamp | None:
    """Read the stamp from a decoded frame of any size.

    ``image`` is ``(H, W)`` luma, ``(H, W, 3)`` RGB/BGR or ``(H, W, 4)`` RGBA/BGRA uint8. Each cell is
    sampled over its central half (to ignore ringing at block edges). Returns None when the sync bits or
    the CRC do not match (no stamp, or a frame too damaged to trust).
    """
    height, width = image.shape[:2]
    plane = image[..., :3].mean(axis=2) if image.ndim == 3 else image.astype(np.float32)
    band = max(1, round(height * BAND_FRACTION))
    y0, y1 = band // 4, max(band // 4 + 1, (3 * band) // 4)
    edges = _cell_edges(width)
    bits: list[int] = []
    for i in range(TOTAL_BITS):
        left, right = edges[i], edges[i + 1]
        quarter = (right - left) // 4
        x0, x1 = left + quarter, max(left + quarter + 1, right - quarter)
        bits.append(1 if float(plane[y0:y1, x0:x1].mean()) > (WHITE + BLACK) / 2 else 0)
    if tuple(bits[: len(SYNC)]) != SYNC:
        return None
    data = bits[len(SYNC) : len(SYNC) + CAMERA_BITS + TIME_BITS]
    crc = bits[len(SYNC) + CAMERA_BITS + TIME_BITS :]
    if _to_bits(_crc8(data), CRC_BITS) != crc:
        return None
    camera = int("".join(map(str, data[:CAMERA_BITS])), 2)
    stamp_ms = int("".join(map(str, data[CAMERA_BITS:])), 2)
    return Stamp(camera, stamp_ms)

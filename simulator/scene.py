"""Renders one synthetic camera frame for any time: background, moving shapes, clock, label and stamp.

A frame is a pure function of (camera index, time in ms UTC): live and playback render the same picture for
the same instant. Rendering works directly on yuv420p planes (no colour conversion per frame): copy the
precomputed background, paint a few coloured shapes whose positions are triangle waves of time, paste cached
glyph tiles for the clock and the camera label, and draw the machine-readable stamp
(``media.stamp.draw_stamp``) whose ``timestamp_ms`` is the frame time, i.e. the GenericByteData picture
timestamp and the image response ``Current`` header.

Thread safety: ``render`` only reads shared state (the glyph cache fills idempotently), so one renderer may
serve the live encoder thread and playback threads at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from media.stamp import BAND_FRACTION, STAMP_WIDTH_FRACTION, Stamp, draw_stamp
from simulator.backgrounds import camera_background
from simulator.glyphs import TextTiles

NEUTRAL_CHROMA = 128
PALETTE = ((230, 60, 40), (40, 200, 90), (250, 200, 30), (60, 110, 240), (220, 80, 200), (30, 220, 230))


def _rgb_to_yuv(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = rgb
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    return round(y), round(u), round(v)


def _triangle(t_ms: int, period_ms: int, phase_ms: int) -> float:
    p = ((t_ms + phase_ms) % period_ms) / period_ms
    return 1.0 - abs(2.0 * p - 1.0)


@dataclass(frozen=True, slots=True)
class _Mover:
    width: int
    height: int
    circle: bool
    yuv: tuple[int, int, int]
    period_x_ms: int
    period_y_ms: int
    phase_x_ms: int
    phase_y_ms: int


def _movers(index: int) -> tuple[_Mover, ...]:
    out = []
    for k in range(4):
        seed = index * 7 + k * 13
        size = 24 + (seed * 11) % 40
        out.append(
            _Mover(
                width=size // 2 * 2,
                height=(size * (3 if k % 2 else 2) // 3) // 2 * 2 if k != 1 else size // 2 * 2,
                circle=k % 2 == 1,
                yuv=_rgb_to_yuv(PALETTE[seed % len(PALETTE)]),
                period_x_ms=4000 + (seed * 977) % 7000,
                period_y_ms=5000 + (seed * 631) % 9000,
                phase_x_ms=(seed * 1237) % 10_000,
                phase_y_ms=(seed * 2111) % 10_000,
            )
        )
    return tuple(out)


def _disc(width: int, height: int) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    return ((yy - cy) / (height / 2)) ** 2 + ((xx - cx) / (width / 2)) ** 2 <= 1.0


def clock_text(t_ms: int) -> str:
    """The on-screen clock for ``t_ms``: ``YYYY-MM-DD HH:MM:SS.mmm`` (UTC)."""
    moment = datetime.fromtimestamp(t_ms // 1000, UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{t_ms % 1000:03d}"


class SceneRenderer:
    """Draws frames of one camera; ``render(t_ms)`` returns a new yuv420p array ``(H * 3 // 2, W)``."""

    def __init__(
        self, camera_index: int, label: str, width: int = 640, height: int = 360, tiles: TextTiles | None = None
    ):
        self.camera_index = camera_index
        self.width, self.height = width, height
        self._bg = camera_background(camera_index, width, height)
        self._movers = _movers(camera_index)
        self._masks = {
            (m.width, m.height): (_disc(m.width, m.height), _disc(m.width // 2, m.height // 2))
            for m in self._movers
            if m.circle
        }
        self._tiles = tiles or TextTiles(max(12, height // 20))
        self._label = self._tiles.line(f"CAM {camera_index:02d} | {label}")
        self._utc = self._tiles.line(" UTC")
        self._band = max(1, round(height * BAND_FRACTION))
        self._stamp_width = round(width * STAMP_WIDTH_FRACTION)

    def _planes(self, buf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h, w = self.height, self.width
        flat = buf.reshape(-1)
        luma, quarter = h * w, h * w // 4
        u = flat[luma : luma + quarter].reshape(h // 2, w // 2)
        v = flat[luma + quarter :].reshape(h // 2, w // 2)
        return flat[:luma].reshape(h, w), u, v

    def _box(self, planes: tuple[np.ndarray, np.ndarray, np.ndarray], x: int, y: int, tile: np.ndarray) -> None:
        luma, u, v = planes
        th, tw = tile.shape
        tw = min(tw, self.width - x)
        luma[y : y + th, x : x + tw] = tile[:, :tw]
        u[y // 2 : (y + th) // 2, x // 2 : (x + tw) // 2] = NEUTRAL_CHROMA
        v[y // 2 : (y + th) // 2, x // 2 : (x + tw) // 2] = NEUTRAL_CHROMA

    def render(self, t_ms: int) -> np.ndarray:
        """Render the frame at ``t_ms`` (ms UTC, >= 0)."""
        buf = self._bg.copy()
        planes = self._planes(buf)
        luma, u, v = planes
        for m in self._movers:
            x = int(_triangle(t_ms, m.period_x_ms, m.phase_x_ms) * (self.width - m.width)) & ~1
            top = self._band + 40
            y = top + (int(_triangle(t_ms, m.period_y_ms, m.phase_y_ms) * (self.height - top - 40 - m.height)) & ~1)
            yv, uv, vv = m.yuv
            if m.circle:
                mask, cmask = self._masks[(m.width, m.height)]
                luma[y : y + m.height, x : x + m.width][mask] = yv
                u[y // 2 : (y + m.height) // 2, x // 2 : (x + m.width) // 2][cmask] = uv
                v[y // 2 : (y + m.height) // 2, x // 2 : (x + m.width) // 2][cmask] = vv
            else:
                luma[y : y + m.height, x : x + m.width] = yv
                u[y // 2 : (y + m.height) // 2, x // 2 : (x + m.width) // 2] = uv
                v[y // 2 : (y + m.height) // 2, x // 2 : (x + m.width) // 2] = vv
        self._box(planes, 8, self._band + 6, self._label)
        text = clock_text(t_ms)
        tiles = self._tiles
        cx, cy = 8, (self.height - tiles.height - 8) & ~1
        luma[cy : cy + tiles.height, cx : cx + tiles.mono_width(text)] = 0
        tiles.paste_mono(luma, cx, cy, text)
        cw = min(tiles.mono_width(text), self.width - cx)
        u[cy // 2 : (cy + tiles.height) // 2, cx // 2 : (cx + cw) // 2] = NEUTRAL_CHROMA
        v[cy // 2 : (cy + tiles.height) // 2, cx // 2 : (cx + cw) // 2] = NEUTRAL_CHROMA
        if cx + cw + self._utc.shape[1] <= self.width:
            self._box(planes, cx + cw, cy, self._utc)
        draw_stamp(luma, Stamp(self.camera_index, t_ms))
        chroma_band = (self._band + 1) // 2
        u[:chroma_band, : (self._stamp_width + 1) // 2] = NEUTRAL_CHROMA
        v[:chroma_band, : (self._stamp_width + 1) // 2] = NEUTRAL_CHROMA
        return buf

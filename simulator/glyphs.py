"""Cheap text for synthetic frames: Pillow renders each glyph once, frames paste cached luma tiles.

A clock that changes every frame (``2025-10-27 15:03:52.807``) costs one slice assignment per character
instead of a Pillow text render per frame. Tiles are light text on a dark box in limited-range luma
(16..235); the chroma under the box is set neutral by the caller, so the text is grey-scale.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MONO_CHARS = "0123456789-:. "
BOX_LUMA = 24
INK_LUMA = 235


class TextTiles:
    """Glyph and line tiles for one font size. Tiles have even width and height (chroma alignment)."""

    def __init__(self, size: int = 18) -> None:
        self._font = ImageFont.load_default(size=size)
        if isinstance(self._font, ImageFont.FreeTypeFont):
            ascent, descent = self._font.getmetrics()
        else:  # Pillow without FreeType: the fixed bitmap font
            ascent, descent = 11, 2
        self.height = (ascent + descent + 4 + 1) // 2 * 2
        self._cell = (max(round(self._font.getlength(c)) for c in MONO_CHARS) + 1 + 1) // 2 * 2
        self._glyphs: dict[str, np.ndarray] = {}

    def _render(self, text: str, width: int, centred: bool) -> np.ndarray:
        img = Image.new("L", (width, self.height), 0)
        x = (width - self._font.getlength(text)) / 2 if centred else 2
        ImageDraw.Draw(img).text((x, 2), text, fill=255, font=self._font)
        ink = np.asarray(img, dtype=np.float32) / 255
        return (BOX_LUMA + ink * (INK_LUMA - BOX_LUMA)).astype(np.uint8)

    def glyph(self, char: str) -> np.ndarray:
        """The fixed-width tile of one character (cached)."""
        tile = self._glyphs.get(char)
        if tile is None:
            tile = self._render(char, self._cell, centred=True)
            self._glyphs[char] = tile
        return tile

    def line(self, text: str) -> np.ndarray:
        """A tile for a whole proportional-width line (render once and keep it; not cached here)."""
        width = (round(self._font.getlength(text)) + 4 + 1) // 2 * 2
        return self._render(text, width, centred=False)

    def mono_width(self, text: str) -> int:
        """Pixel width of ``text`` drawn with ``paste_mono``."""
        return self._cell * len(text)

    def paste_mono(self, luma: np.ndarray, x: int, y: int, text: str) -> None:
        """Paste ``text`` as fixed-width glyph tiles into ``luma`` with its top-left corner at (x, y).

        Characters that would fall outside the plane are skipped.
        """
        height, width = luma.shape
        if y < 0 or y + self.height > height:
            return
        for i, char in enumerate(text):
            left = x + i * self._cell
            if left < 0 or left + self._cell > width:
                continue
            luma[y : y + self.height, left : left + self._cell] = self.glyph(char)

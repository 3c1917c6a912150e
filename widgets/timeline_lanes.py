"""The timeline's drawn items: one ``BlocksItem`` per lane of a camera row, and the lane colours.

A camera row is one unit high (the recorded, motion and sessions bands) plus ``DETECTION_ROW`` per detection
class present (the detections lane: one sub-row per class, band ``DETECTION_BAND`` inside it). ``NamesAxis``
writes the camera names and, under them, the class names in their colours.

A ``BlocksItem`` paints horizontal blocks ``[x0, x1)`` in a fixed vertical band, each with its colour; blocks
narrower than a pixel stay visible as a one-pixel line (a cosmetic pen). What it drew stays inspectable:
``blocks`` holds ``(start_us, end_us, key)`` exactly as given (``key`` names the colour, e.g. a gap reason).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from .detection_style import detection_colour

# Lane colours. Gaps are coloured by reason; "unknown" when the backend (or XProtect) does not say why.
RECORDED_COLOURS = {"milestone": "#2f81f7", "local": "#1f9e89", "both": "#5a8dee", "unavailable": "#3b4a5e"}
GAP_COLOURS = {
    "camera_offline": "#d29922",
    "recorder_down": "#e5484d",
    "quota_denied": "#a371f7",
    "upload_failed": "#f0883e",
    "unknown": "#4a515c",
}
MOTION_COLOUR = "#e3b341"
SESSION_COLOURS = {"running": "#ff6b6b", "done": "#b4474b"}

# Vertical bands inside a camera row of height 1 (y grows downwards: the view is inverted).
BANDS = {"recorded": (0.10, 0.56), "motion": (0.62, 0.74), "sessions": (0.80, 0.92)}
DETECTIONS = "detections"
TAGS = "tags"  # tagged-range bars of the marks lane: the key is the tag's colour (#RRGGBB)
DETECTION_ROW = 0.36  # height of one class sub-row, in camera rows (under the row's own bands)
DETECTION_BAND = (0.16, 0.84)  # the spans' band inside a class sub-row (fractions of DETECTION_ROW)


def colour_of(lane: str, key: str) -> str:
    """The colour of a block with ``key`` in ``lane`` (``recorded`` / ``gaps`` / ``motion`` / ``sessions``)."""
    if lane == "recorded":
        return RECORDED_COLOURS.get(key, RECORDED_COLOURS["milestone"])
    if lane == "gaps":
        return GAP_COLOURS.get(key, GAP_COLOURS["unknown"])
    if lane == "sessions":
        return SESSION_COLOURS.get(key, SESSION_COLOURS["done"])
    if lane == DETECTIONS:
        return detection_colour(key)
    if lane == TAGS:
        return key if QColor(key).isValid() else "#808080"
    return MOTION_COLOUR


class BlocksItem(pg.GraphicsObject):
    """Blocks of one lane of row ``row`` (band ``[row + top, row + bottom]``) for x = seconds since ``origin_us``.

    ``set_blocks([(start_us, end_us, key), ...])`` replaces them; ``blocks`` returns them as given;
    ``rects()`` the rectangles in view coordinates. ``set_top(y)`` moves the band to ``[y + top, y + bottom]``
    (rows above grew or shrank).
    """

    def __init__(self, lane: str, row: int, band: tuple[float, float], origin_us: int, hatched: bool = False) -> None:
        super().__init__()
        self.lane = lane
        self.row = row
        self._band = band
        self._top, self._bottom = row + band[0], row + band[1]
        self._origin_us = origin_us
        self._hatched = hatched
        self._blocks: list[tuple[int, int, str]] = []
        self._by_colour: dict[str, list[QRectF]] = {}
        self._bounds = QRectF()
        self.min_px = 0.0  # blocks narrower than this many pixels are drawn this wide (short detection spans)

    @property
    def blocks(self) -> list[tuple[int, int, str]]:
        return list(self._blocks)

    def rects(self) -> list[QRectF]:
        """Every drawn rectangle in view coordinates (x seconds since the origin, y rows)."""
        return [rect for rects in self._by_colour.values() for rect in rects]

    def set_origin(self, origin_us: int) -> None:
        self._origin_us = origin_us
        self.set_blocks(self._blocks)

    def set_top(self, y: float) -> None:
        """Place the band relative to view y ``y`` (the top of its row or sub-row)."""
        top, bottom = y + self._band[0], y + self._band[1]
        if (top, bottom) != (self._top, self._bottom):
            self._top, self._bottom = top, bottom
            self.set_blocks(self._blocks)

    @property
    def band_y(self) -> tuple[float, float]:
        """The band's (top, bottom) in view y."""
        return (self._top, self._bottom)

    def set_blocks(self, blocks: Sequence[tuple[int, int, str]]) -> None:
        self.prepareGeometryChange()
        self._blocks = [(int(a), int(b), str(k)) for a, b, k in blocks]
        self._by_colour = {}
        height = self._bottom - self._top
        for start, end, key in self._blocks:
            x0 = (start - self._origin_us) / 1e6
            x1 = (end - self._origin_us) / 1e6
            rect = QRectF(x0, self._top, max(0.0, x1 - x0), height)
            self._by_colour.setdefault(colour_of(self.lane, key), []).append(rect)
        rects = self.rects()
        if rects:
            left = min(r.left() for r in rects)
            right = max(r.right() for r in rects)
            self._bounds = QRectF(left, self._top, right - left, height)
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        if self.min_px and not self._bounds.isNull():
            width = self.pixelWidth()  # view units per pixel
            return self._bounds.adjusted(0, 0, self.min_px * width if width else 0.0, 0)
        return QRectF(self._bounds)

    def viewTransformChanged(self) -> None:
        if self.min_px:
            self.prepareGeometryChange()  # the widened blocks' extent depends on the zoom
        super().viewTransformChanged()

    def paint(self, p: QPainter, *_args) -> None:
        scale = p.transform().m11()  # pixels per view unit
        least = self.min_px / scale if self.min_px and scale > 0 else 0.0
        for colour, rects in self._by_colour.items():
            if least:
                rects = [r if r.width() >= least else QRectF(r.left(), r.top(), least, r.height()) for r in rects]
            fill = QColor(colour)
            edge = QPen(fill.lighter(125) if self.lane == "gaps" else fill, 1)
            edge.setCosmetic(True)  # a block narrower than a pixel still shows as a one-pixel line
            p.setPen(edge)
            if self._hatched and self.lane == "gaps":
                brush = QBrush(fill, Qt.BrushStyle.BDiagPattern)
                brush.setTransform(p.transform().inverted()[0])  # hatch in screen pixels, not in seconds
                back = QColor(fill)
                back.setAlpha(70)
                p.setBrush(back)
                p.drawRects(rects)
                p.setBrush(brush)
            else:
                p.setBrush(fill)
            p.drawRects(rects)


class NowMarker(pg.InfiniteLine):
    """The dashed "now" line (not movable)."""

    def __init__(self) -> None:
        pen = pg.mkPen(QColor("#c9d1d9"), width=1, style=Qt.PenStyle.DashLine)
        super().__init__(pos=0.0, angle=90, movable=False, pen=pen)
        self.setZValue(20)


class Playhead(pg.InfiniteLine):
    """The playhead: a movable vertical line with a handle on top (drag it to seek)."""

    def __init__(self) -> None:
        pen = pg.mkPen(QColor("#ffffff"), width=2)
        hover = pg.mkPen(QColor("#58a6ff"), width=3)
        super().__init__(pos=0.0, angle=90, movable=True, pen=pen, hoverPen=hover)
        self.setZValue(30)
        self.addMarker("v", position=0.0, size=12)
        self.addMarker("^", position=1.0, size=12)

    def point(self) -> QPointF:
        return QPointF(float(self.value()), 0.0)


class NamesAxis(pg.AxisItem):
    """The left axis of row names: camera names in the text colour, class names of the detections lane in
    their class colour after a chip. ``set_names([(y, text, colour or None), ...])``; ``entries`` as given."""

    def __init__(self) -> None:
        super().__init__("left")
        self.entries: list[tuple[float, str, str | None]] = []
        self._colours: dict[str, str] = {}

    def set_names(self, entries: list[tuple[float, str, str | None]]) -> None:
        self.entries = list(entries)
        self._colours = {text: colour for _y, text, colour in entries if colour is not None}
        self.setTicks([[(y, text) for y, text, _colour in entries], []])

    def drawPicture(self, p: QPainter, axisSpec, tickSpecs, textSpecs) -> None:
        super().drawPicture(p, axisSpec, tickSpecs, [])
        font = self.style["tickFont"]
        if font is not None:
            p.setFont(font)
        p.setClipRect(self.boundingRect().toAlignedRect())
        for rect, flags, text in textSpecs:
            colour = self._colours.get(text)
            if colour is None:
                p.setPen(self.textPen())
            else:
                chip = QRectF(rect.left() - 14, rect.center().y() - 4, 8, 8)
                p.fillRect(chip, QColor(colour))
                p.setPen(QColor(colour).lighter(115))
            p.drawText(rect, int(flags), text)

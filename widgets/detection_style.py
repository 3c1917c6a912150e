"""How detections look: one colour per class (the timeline's sub-rows, the boxes over the video, the class
chooser), and the glyphs of the detection buttons of the transport bar, drawn with QPainter.

Common classes have fixed colours picked to stand out on video and on the dark timeline; any other class gets
one of ``FALLBACK_COLOURS`` by a stable hash of its name (the same colour in every run and on every workstation).
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPolygonF

from .player_icons import GLYPH, SIZE, painted_icon

DETECTION_COLOURS = {
    "person": "#ff5c8a",
    "face": "#56d364",
    "car": "#39d0e6",
    "truck": "#c297ff",
    "bus": "#ffa940",
    "motorcycle": "#f2cc60",
    "bicycle": "#7ee0b0",
}
FALLBACK_COLOURS = ("#79c0ff", "#ffdf5d", "#ff9b72", "#b392f0", "#7ce38b", "#ffa7c4", "#e2c08d", "#a5f3fc")


def detection_colour(label: str) -> str:
    """The colour (``#rrggbb``) of class ``label``."""
    fixed = DETECTION_COLOURS.get(label.lower())
    if fixed is not None:
        return fixed
    return FALLBACK_COLOURS[zlib.crc32(label.lower().encode("utf-8")) % len(FALLBACK_COLOURS)]


def text_colour_on(colour: str) -> QColor:
    """Black or white, whichever reads better on ``colour``."""
    c = QColor(colour)
    luminance = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return QColor("#0d1117") if luminance > 140 else QColor("#ffffff")


def chip_icon(colour: str, size: int = 12) -> QIcon:
    """A small rounded square of ``colour`` (the class chooser's entries)."""
    return painted_icon(size, colour, lambda p: p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 2, 2))


def _box(p: QPainter, rect: QRectF) -> None:
    pen = QPen(QColor(GLYPH), 1.6)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(GLYPH))


def detection_icon(kind: str) -> QIcon:
    """A 20x20 glyph: ``next_detection`` (a box, then a triangle pointing right), ``previous_detection`` (the
    mirror: time flows left to right in every language) or ``boxes`` (a box with its label tab)."""
    return painted_icon(SIZE, GLYPH, lambda p: _draw_detection(kind, p))


def _draw_detection(kind: str, p: QPainter) -> None:
    s = float(SIZE)
    top, height = s * 0.25, s * 0.5
    if kind == "next_detection":
        _box(p, QRectF(s * 0.12, s * 0.3, s * 0.36, s * 0.4))
        p.drawPolygon(QPolygonF([QPointF(s * 0.56, top), QPointF(s * 0.9, s * 0.5), QPointF(s * 0.56, top + height)]))
    elif kind == "previous_detection":
        _box(p, QRectF(s * 0.52, s * 0.3, s * 0.36, s * 0.4))
        p.drawPolygon(QPolygonF([QPointF(s * 0.44, top), QPointF(s * 0.1, s * 0.5), QPointF(s * 0.44, top + height)]))
    elif kind == "boxes":
        _box(p, QRectF(s * 0.18, s * 0.32, s * 0.64, s * 0.5))
        p.drawRect(QRectF(s * 0.18, s * 0.18, s * 0.4, s * 0.14))

"""Transport control glyphs drawn with QPainter (no icon files, no font glyphs that a workstation may lack).

Every glyph points the way time flows on the timeline, left to right, in every language (a "forward" triangle
points right also in Arabic, where the transport bar keeps a left-to-right layout on purpose).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

SIZE = 20  # logical pixels
GLYPH = "#dfe5ec"


def _triangle(p: QPainter, x: float, y: float, w: float, h: float, right: bool) -> None:
    if right:
        points = [QPointF(x, y), QPointF(x + w, y + h / 2), QPointF(x, y + h)]
    else:
        points = [QPointF(x + w, y), QPointF(x, y + h / 2), QPointF(x + w, y + h)]
    p.drawPolygon(QPolygonF(points))


def _bar(p: QPainter, x: float, y: float, w: float, h: float) -> None:
    p.drawRoundedRect(QRectF(x, y, w, h), 0.6, 0.6)


def _draw(kind: str, p: QPainter) -> None:
    s = float(SIZE)
    top, height = s * 0.22, s * 0.56
    if kind == "play":
        _triangle(p, s * 0.3, s * 0.18, s * 0.5, s * 0.64, True)
    elif kind == "reverse":
        _triangle(p, s * 0.2, s * 0.18, s * 0.5, s * 0.64, False)
    elif kind == "pause":
        _bar(p, s * 0.28, top, s * 0.15, height)
        _bar(p, s * 0.57, top, s * 0.15, height)
    elif kind == "step_forward":
        _bar(p, s * 0.22, top, s * 0.1, height)
        _triangle(p, s * 0.4, top, s * 0.4, height, True)
    elif kind == "step_back":
        _triangle(p, s * 0.2, top, s * 0.4, height, False)
        _bar(p, s * 0.68, top, s * 0.1, height)
    elif kind == "next":
        _triangle(p, s * 0.14, top, s * 0.32, height, True)
        _triangle(p, s * 0.44, top, s * 0.32, height, True)
        _bar(p, s * 0.76, top, s * 0.09, height)
    elif kind == "previous":
        _bar(p, s * 0.15, top, s * 0.09, height)
        _triangle(p, s * 0.24, top, s * 0.32, height, False)
        _triangle(p, s * 0.54, top, s * 0.32, height, False)
    elif kind == "snapshot":
        body = QPainterPath()
        body.addRoundedRect(QRectF(s * 0.14, s * 0.3, s * 0.72, s * 0.5), 2, 2)
        body.addRect(QRectF(s * 0.36, s * 0.2, s * 0.28, s * 0.12))
        lens = QPainterPath()
        lens.addEllipse(QPointF(s * 0.5, s * 0.55), s * 0.14, s * 0.14)
        p.drawPath(body.subtracted(lens))
    elif kind == "fullscreen":
        pen = QPen(QColor(GLYPH), 2.0)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        a, b, m = s * 0.2, s * 0.8, s * 0.2
        for x, y, dx, dy in ((a, a, 1, 1), (b, a, -1, 1), (a, b, 1, -1), (b, b, -1, -1)):
            p.drawPolyline(QPolygonF([QPointF(x, y + dy * m), QPointF(x, y), QPointF(x + dx * m, y)]))
    elif kind == "live":
        p.setBrush(QColor("#e5484d"))
        p.drawEllipse(QPointF(s * 0.5, s * 0.5), s * 0.2, s * 0.2)


def painted_icon(size: int, colour: str, draw: Callable[[QPainter], None]) -> QIcon:
    """A ``size`` x ``size`` logical-pixel icon (drawn at 2x for high-DPI screens, transparent), painted by
    ``draw`` with antialiasing, no pen and a ``colour`` brush to start with."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    draw(p)
    p.end()
    return QIcon(pixmap)


def transport_icon(kind: str, colour: str = GLYPH) -> QIcon:
    """A 20x20 glyph: play, reverse, pause, step_forward, step_back, next, previous, snapshot, fullscreen, live."""
    return painted_icon(SIZE, colour, lambda p: _draw(kind, p))

"""Small status icons for the camera tree, painted at run time (no image files to ship or load)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from .camera_status import CameraStatus

STATUS_COLOURS = {
    CameraStatus.ONLINE: "#3fb950",
    CameraStatus.OFFLINE: "#d29922",
    CameraStatus.NO_PERMISSION: "#f85149",
    CameraStatus.DISABLED: "#6e7681",
}
SIZE = 16


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE * 2, SIZE * 2)  # drawn at 2x so it stays crisp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def status_icon(status: CameraStatus) -> QIcon:
    """A 16x16 icon: green dot (online), amber dot (offline), red no-entry sign (no permission), grey ring."""
    pixmap, p = _canvas()
    colour = QColor(STATUS_COLOURS[status])
    dot = QRectF(3.5, 3.5, 9, 9)
    if status is CameraStatus.DISABLED:
        p.setPen(QPen(colour, 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(dot)
        p.drawLine(5, 11, 11, 5)
    elif status is CameraStatus.NO_PERMISSION:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(2.5, 2.5, 11, 11))
        p.setBrush(QColor("#ffffff"))
        p.drawRoundedRect(QRectF(5, 7, 6, 2), 0.8, 0.8)
    else:
        p.setPen(QPen(colour.darker(160), 1))
        p.setBrush(colour)
        p.drawEllipse(dot)
    p.end()
    return QIcon(pixmap)


def server_icon() -> QIcon:
    """A 16x16 recording-server glyph (two stacked rack units)."""
    pixmap, p = _canvas()
    p.setPen(QPen(QColor("#8b949e"), 1.2))
    p.setBrush(QColor("#30363d"))
    for top in (2.5, 8.5):
        p.drawRoundedRect(QRectF(2.5, top, 11, 5), 1.2, 1.2)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#58a6ff"))
    for top in (4.5, 10.5):
        p.drawEllipse(QRectF(10, top, 1.6, 1.6))
    p.end()
    return QIcon(pixmap)

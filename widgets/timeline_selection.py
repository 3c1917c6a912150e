"""The timeline's view box (pan and zoom X only, clicks, Shift+drag selection, context menu) and the selection
band (a translucent rectangle over every row with its start, end and duration above it).

``TimelineViewBox`` reports a plain left click (``sigClicked``), a Shift+drag of the left button
(``sigSelecting(x0, x1, finished)`` in view x) and a right click (``sigContextMenu(x, y, QPoint screen)``);
a drag without Shift pans as before.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen

SELECTION_FILL = QColor(88, 166, 255, 60)
SELECTION_EDGE = QColor("#58a6ff")


class TimelineViewBox(pg.ViewBox):
    """A ViewBox that pans and zooms X only, has no built-in menu and reports clicks, selections and context
    menu requests (see the module docstring)."""

    sigClicked = Signal(float, float)  # view x, y
    sigSelecting = Signal(float, float, bool)  # view x where the drag began, where it is, finished
    sigContextMenu = Signal(float, float, object)  # view x, y, QPoint on the screen

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=True, y=False)
        self.setMouseMode(pg.ViewBox.PanMode)
        self.invertY(True)

    def mouseClickEvent(self, ev) -> None:
        point = self.mapSceneToView(ev.scenePos())
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.sigClicked.emit(point.x(), point.y())
        elif ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            screen = ev.screenPos()
            self.sigContextMenu.emit(point.x(), point.y(), QPoint(round(screen.x()), round(screen.y())))
        else:
            ev.ignore()

    def mouseDragEvent(self, ev, axis=None) -> None:
        shifted = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ev.button() == Qt.MouseButton.LeftButton and shifted:
            ev.accept()
            x0 = self.mapSceneToView(ev.buttonDownScenePos()).x()
            x1 = self.mapSceneToView(ev.scenePos()).x()
            self.sigSelecting.emit(x0, x1, bool(ev.isFinish()))
            return
        super().mouseDragEvent(ev, axis)


class SelectionBand(pg.GraphicsObject):
    """The selection ``[x0, x1)`` (view x) drawn over rows ``[0, height)``; ``set_span(None)`` hides it."""

    def __init__(self) -> None:
        super().__init__()
        self._span: tuple[float, float] | None = None
        self._height = 1.0
        self.setZValue(25)
        self.label = pg.TextItem("", color=QColor("#ffffff"), fill=pg.mkBrush(QColor(31, 59, 99, 220)), anchor=(0.5, 0))
        self.label.setZValue(45)

    @property
    def span(self) -> tuple[float, float] | None:
        return self._span

    def set_span(self, span: tuple[float, float] | None, height: float, text: str = "") -> None:
        self.prepareGeometryChange()
        self._span, self._height = span, max(1.0, height)
        self.setVisible(span is not None)
        self.label.setText(text)
        self.label.setVisible(span is not None and bool(text))
        if span is not None:
            self.label.setPos((span[0] + span[1]) / 2, 0.0)
        self.update()

    def boundingRect(self) -> QRectF:
        if self._span is None:
            return QRectF()
        x0, x1 = self._span
        return QRectF(x0, 0.0, x1 - x0, self._height)

    def paint(self, p: QPainter, *_args) -> None:
        if self._span is None:
            return
        rect = self.boundingRect()
        p.setBrush(SELECTION_FILL)
        edge = QPen(SELECTION_EDGE, 2)
        edge.setCosmetic(True)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRect(rect)
        p.setPen(edge)
        p.drawLine(rect.topLeft(), rect.bottomLeft())
        p.drawLine(rect.topRight(), rect.bottomRight())

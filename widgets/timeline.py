"""The timeline (pyqtgraph): one row per camera on one shared local-time axis, bound to a ``TimelineViewModel``.

Each row draws the recorded blocks (coloured by where they are stored) with the gaps between them (coloured by
reason, hatched), a motion lane and a manual recording sessions lane. Wheel zooms and dragging pans, X only and
bounded by the queried range; a click or a drag of the playhead seeks; hovering shows the time and, over a gap,
why nothing was recorded. Time flows left to right in every language (the widget keeps a left-to-right layout
on purpose, also in Arabic). What is drawn stays inspectable: ``drawn(row, lane)``.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from app.viewmodels.playback_lanes import CameraLanes
from app.viewmodels.timeline import TimelineViewModel

from .theme import BASE, MUTED, TEXT
from .timeline_axis import TimeAxisItem
from .timeline_lanes import BANDS, BlocksItem, NowMarker, Playhead

ROW_PX = 54  # height of one camera row
AXIS_PX = 30
NAME_AXIS_PX = 150
DRAG_SEEK_MS = 120  # while the playhead is dragged, seek at most this often
REBASE_US = 8 * 86_400_000_000  # move the x origin when the range drifts this far from it
LANE_KEYS = ("recorded", "gaps", "motion", "sessions")


class TimelineViewBox(pg.ViewBox):
    """A ViewBox that pans and zooms X only, has no context menu and reports plain left clicks."""

    sigClicked = Signal(float, float)  # view x, y

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=True, y=False)
        self.setMouseMode(pg.ViewBox.PanMode)
        self.invertY(True)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            point = self.mapSceneToView(ev.scenePos())
            self.sigClicked.emit(point.x(), point.y())
        else:
            ev.ignore()


class TimelineWidget(QWidget):
    """See the module docstring. ``zone`` (QTimeZone) overrides the workstation's time zone (tests)."""

    def __init__(self, vm: TimelineViewModel, parent: QWidget | None = None, zone=None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # time flows left to right, also in Arabic
        self._origin_us = vm.range_us[0]
        self._syncing = False
        self._rows: list[dict[str, BlocksItem]] = []
        self._texts: list[pg.TextItem] = []
        self.last_tooltip = ""
        self.axis = TimeAxisItem(self._origin_us / 1e6, zone)
        self.names_axis = pg.AxisItem("left")
        self.names_axis.setWidth(NAME_AXIS_PX)
        self.view = TimelineViewBox()
        self.plot = pg.PlotWidget(viewBox=self.view, axisItems={"bottom": self.axis, "left": self.names_axis})
        self.plot.setBackground(QColor(BASE))
        self.plot.setMouseTracking(True)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # graphics items inherit the app's, not ours
        item.showGrid(x=True, y=False, alpha=0.18)
        for axis in (self.axis, self.names_axis):
            axis.setPen(pg.mkPen(QColor("#3a414c")))
            axis.setTextPen(pg.mkPen(QColor(TEXT)))
        self.axis.setHeight(AXIS_PX)
        self.names_axis.setStyle(tickLength=0)
        self.playhead = Playhead()
        self.now_line = NowMarker()
        self.view.addItem(self.now_line, ignoreBounds=True)
        self.view.addItem(self.playhead, ignoreBounds=True)
        self.playhead.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(DRAG_SEEK_MS)
        self._drag_timer.timeout.connect(self._seek_to_playhead)
        self.view.sigClicked.connect(self._on_clicked)
        self.view.sigXRangeChanged.connect(lambda *_args: self._place_texts())
        self.view.sigRangeChangedManually.connect(self._on_view_changed)
        self.playhead.sigDragged.connect(self._on_playhead_dragged)
        self.playhead.sigPositionChangeFinished.connect(self._on_playhead_dropped)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        vm.sigRowsChanged.connect(self._rebuild)
        vm.sigLanesChanged.connect(self._on_lanes)
        vm.sigRangeChanged.connect(self._on_range)
        vm.sigVisibleChanged.connect(self._on_visible)
        vm.sigPlayheadChanged.connect(self._on_playhead)
        vm.sigNowChanged.connect(self._on_now)
        self._rebuild()

    # --- coordinates ------------------------------------------------------------------------------------
    def x_of(self, time_us: float) -> float:
        """View x (seconds since the origin) of ``time_us``."""
        return (time_us - self._origin_us) / 1e6

    def time_of(self, x: float) -> int:
        """µs UTC of view x."""
        return round(self._origin_us + x * 1e6)

    def widget_point(self, time_us: float, row: int = 0, lane: str = "recorded") -> QPointF:
        """The point in ``plot.viewport()`` pixels of ``time_us`` in the middle of ``lane`` of ``row``."""
        top, bottom = BANDS["recorded" if lane == "gaps" else lane]
        scene = self.view.mapViewToScene(QPointF(self.x_of(time_us), row + (top + bottom) / 2))
        return QPointF(self.plot.mapFromScene(scene))

    # --- inspection (tests, diagnostics) ----------------------------------------------------------------
    def drawn(self, row: int, lane: str) -> list[tuple[int, int, str]]:
        """What ``row``'s ``lane`` (recorded, gaps, motion, sessions) drew: ``(start_us, end_us, key)``."""
        return self._rows[row][lane].blocks

    def lane_item(self, row: int, lane: str) -> BlocksItem:
        return self._rows[row][lane]

    def row_text(self, row: int) -> str:
        """The message drawn over ``row`` ("" when none)."""
        return self._texts[row].toPlainText() if self._texts[row].isVisible() else ""

    def visible_x(self) -> tuple[float, float]:
        (x0, x1), _ = self.view.viewRange()
        return (x0, x1)

    # --- view-model -> view -----------------------------------------------------------------------------
    def _rebuild(self) -> None:
        for row in self._rows:
            for item in row.values():
                self.view.removeItem(item)
        for text in self._texts:
            self.view.removeItem(text)
        self._rows, self._texts = [], []
        rows = self._vm.rows
        ticks = []
        for index, row in enumerate(rows):
            items = {
                "gaps": BlocksItem("gaps", index, BANDS["recorded"], self._origin_us, hatched=True),
                "recorded": BlocksItem("recorded", index, BANDS["recorded"], self._origin_us),
                "motion": BlocksItem("motion", index, BANDS["motion"], self._origin_us),
                "sessions": BlocksItem("sessions", index, BANDS["sessions"], self._origin_us),
            }
            for item in items.values():
                self.view.addItem(item, ignoreBounds=True)
            self._rows.append(items)
            text = pg.TextItem("", color=QColor(TEXT), anchor=(0.5, 0.5))
            font = QFont(self.font())
            font.setPointSizeF(9.0)
            text.setFont(font)
            text.setZValue(40)
            self.view.addItem(text, ignoreBounds=True)
            self._texts.append(text)
            name = row.name if len(row.name) <= 22 else row.name[:21] + "…"
            ticks.append((index + sum(BANDS["recorded"]) / 2, name))
        self.names_axis.setTicks([ticks, []])
        count = max(1, len(rows))
        self.view.setLimits(yMin=0, yMax=count)
        self.view.setYRange(0, count, padding=0)
        self.plot.setFixedHeight(AXIS_PX + 12 + ROW_PX * count)
        self._on_range()
        self._on_visible()
        self._on_lanes(-1)
        self._on_playhead()
        self._on_now()

    def _on_lanes(self, row: int) -> None:
        indices = range(len(self._rows)) if row < 0 else [row]
        rows = self._vm.rows
        for index in indices:
            if index >= len(rows) or index >= len(self._rows):
                continue
            self._draw_row(index, rows[index].lanes)
            r = rows[index]
            message = r.error or ("" if r.lanes is not None else (self.tr("Loading…") if r.loading else ""))
            if not message and r.lanes is not None and not r.lanes.recorded:
                message = r.lanes.message or self.tr("Nothing is recorded in this range.")
            self._texts[index].setText(message)
            self._texts[index].setColor(QColor("#ff7b72") if r.error else QColor(MUTED if r.loading else TEXT))
            self._texts[index].setVisible(bool(message))
        self._place_texts()

    def _draw_row(self, index: int, lanes: CameraLanes | None) -> None:
        items = self._rows[index]
        if lanes is None:
            for item in items.values():
                item.set_blocks([])
            return
        items["recorded"].set_blocks(
            [(b.start_us, b.end_us, b.source if b.available else "unavailable") for b in lanes.recorded]
        )
        items["gaps"].set_blocks([(g.start_us, g.end_us, g.reason or "unknown") for g in lanes.gaps])
        items["motion"].set_blocks([(m.start_us, m.end_us, "motion") for m in lanes.motion])
        items["sessions"].set_blocks(
            [(s.start_us, s.end_us, "running" if s.running else "done") for s in lanes.sessions]
        )

    def _on_range(self) -> None:
        start, end = self._vm.range_us
        if abs(start - self._origin_us) > REBASE_US:
            self._origin_us = start
            self.axis.set_origin(start / 1e6)
            for items in self._rows:
                for item in items.values():
                    item.set_origin(start)
            self._on_playhead()
            self._on_now()
        span = (end - start) / 1e6
        self.view.setLimits(xMin=self.x_of(start), xMax=self.x_of(end), minXRange=min(span, 20.0), maxXRange=span)

    def _on_visible(self) -> None:
        start, end = self._vm.visible_us
        self._syncing = True
        try:
            self.view.setXRange(self.x_of(start), self.x_of(end), padding=0)
        finally:
            self._syncing = False
        self._place_texts()

    def _on_playhead(self) -> None:
        if self.playhead.moving:
            return  # the operator drags it: the player follows the line, not the other way round
        time_us = self._vm.playhead_us
        self.playhead.setVisible(time_us is not None)
        if time_us is not None:
            self.playhead.setValue(self.x_of(time_us))

    def _on_now(self) -> None:
        self.now_line.setValue(self.x_of(self._vm.now_us()))

    def _place_texts(self) -> None:
        x0, x1 = self.visible_x()
        for index, text in enumerate(self._texts):
            text.setPos((x0 + x1) / 2, index + sum(BANDS["recorded"]) / 2)

    # --- operator -> view-model -------------------------------------------------------------------------
    def _on_view_changed(self, *_args) -> None:
        """The operator zoomed (wheel) or panned (drag)."""
        if self._syncing:
            return
        x0, x1 = self.visible_x()
        self._vm.set_visible(self.time_of(x0), self.time_of(x1))

    def _on_clicked(self, x: float, _y: float) -> None:
        self._vm.request_seek(self.time_of(x))

    def _on_playhead_dragged(self) -> None:
        if not self._drag_timer.isActive():
            self._drag_timer.start()

    def _on_playhead_dropped(self) -> None:
        self._drag_timer.stop()  # the drop's own seek supersedes a pending one
        self._seek_to_playhead()

    def _seek_to_playhead(self) -> None:
        self._vm.request_seek(self.time_of(float(self.playhead.value())))

    def tooltip_at(self, x: float, y: float) -> str:
        """The hover text at view point (x, y) (the time, and the row's recording or gap there)."""
        row = math.floor(y) if 0 <= y < len(self._rows) else -1
        self.last_tooltip = self._vm.hover_text(row, self.time_of(x))
        return self.last_tooltip

    def _on_mouse_moved(self, scene_pos) -> None:
        if not self.view.sceneBoundingRect().contains(scene_pos):
            QToolTip.hideText()
            return
        point = self.view.mapSceneToView(scene_pos)
        QToolTip.showText(QCursor.pos(), self.tooltip_at(point.x(), point.y()), self.plot)

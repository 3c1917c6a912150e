"""The timeline (pyqtgraph): one row per camera on one shared local-time axis, bound to a ``TimelineViewModel``.

Each row draws the recorded blocks (coloured by where they are stored) with the gaps between them (coloured by
reason, hatched), a motion lane and a manual recording sessions lane. Wheel zooms and dragging pans, X only and
bounded by the queried range; a click or a drag of the playhead seeks; hovering shows the time and, over a gap,
why nothing was recorded. Time flows left to right in every language (the widget keeps a left-to-right layout
on purpose, also in Arabic). What is drawn stays inspectable: ``drawn(row, lane)``.

Under a camera's bands, the detections lane: one sub-row per class the backend's object detection found in the
range (the class name at the left in its colour, its spans in that colour; hovering tells how many detections,
when, and the best score), or one sub-row with the error when the detections could not be read. Rows therefore
have different heights: ``row_top(row)`` / ``row_height(row)`` in view units (one unit is ``ROW_PX`` pixels);
``drawn_detections(row, label)`` / ``detection_labels(row)`` / ``detection_text(row)`` tell what was drawn.
"""

from __future__ import annotations

import bisect
import math

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from app.viewmodels.playback_lanes import CameraLanes
from app.viewmodels.playback_time import format_instant
from app.viewmodels.recording_state import isolate
from app.viewmodels.timeline import TimelineViewModel

from .theme import BASE, MUTED, TEXT
from .timeline_axis import TimeAxisItem
from .timeline_detections import DetectionLane
from .timeline_evidence import TimelineEvidence
from .timeline_inspect import TimelineInspection
from .timeline_lanes import BANDS, DETECTION_ROW, DETECTIONS, BlocksItem, NamesAxis, NowMarker, Playhead
from .timeline_marks import ANNOTATION_COLOUR, MarksLane
from .timeline_selection import SelectionBand, TimelineViewBox

ROW_PX = 54  # height of one camera row
AXIS_PX = 30
NAME_AXIS_PX = 150
DRAG_SEEK_MS = 120  # while the playhead is dragged, seek at most this often
REBASE_US = 8 * 86_400_000_000  # move the x origin when the range drifts this far from it
LANE_KEYS = ("recorded", "gaps", "motion", "sessions")
HOVER_SLACK_PX = 3  # a detection span this close to the mouse is the one hovered (a short one is a pixel wide)


class TimelineWidget(TimelineInspection, TimelineEvidence, QWidget):
    """See the module docstring. ``zone`` (QTimeZone) overrides the workstation's time zone (tests).

    ``sigContextMenu(object time_us, int row, QPoint screen)``: a right click (row -1: under the rows).
    """

    sigContextMenu = Signal(object, int, QPoint)

    def __init__(self, vm: TimelineViewModel, parent: QWidget | None = None, zone=None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # time flows left to right, also in Arabic
        self._origin_us = vm.range_us[0]
        self._syncing = False
        self._rows: list[dict[str, BlocksItem]] = []
        self._texts: list[pg.TextItem] = []
        self._detections: list[DetectionLane] = []  # per row: its detections lane
        self._marks: list[MarksLane] = []  # per row: annotations and tagged ranges (with a backend)
        self.marks_vm = None  # app.viewmodels.timeline_marks.TimelineMarks, see set_marks
        self._separators: list[pg.InfiniteLine] = []
        self._tops: list[float] = []  # view y of each row's top
        self._total = 1.0
        self.last_tooltip = ""
        self.axis = TimeAxisItem(self._origin_us / 1e6, zone)
        self.names_axis = NamesAxis()
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
        self.selection_band = SelectionBand()
        self.view.addItem(self.selection_band, ignoreBounds=True)
        self.view.addItem(self.selection_band.label, ignoreBounds=True)
        self.selection_band.set_span(None, 1.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(DRAG_SEEK_MS)
        self._drag_timer.timeout.connect(self._seek_to_playhead)
        self.view.sigClicked.connect(self._on_clicked)
        self.view.sigSelecting.connect(self._on_selecting)
        self.view.sigContextMenu.connect(self._on_context_menu)
        vm.selection.sigChanged.connect(self._on_selection)
        self.view.sigXRangeChanged.connect(lambda *_args: self._place_texts())
        self.view.sigRangeChangedManually.connect(self._on_view_changed)
        self.playhead.sigDragged.connect(self._on_playhead_dragged)
        self.playhead.sigPositionChangeFinished.connect(self._on_playhead_dropped)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        vm.sigRowsChanged.connect(self._rebuild)
        vm.sigLanesChanged.connect(self._on_lanes)
        vm.sigDetectionsChanged.connect(self._on_detections)
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

    def widget_point(self, time_us: float, row: int = 0, lane: str = "recorded", label: str | None = None) -> QPointF:
        """The point in ``plot.viewport()`` pixels of ``time_us`` in the middle of ``lane`` of ``row``; for
        ``lane="detections"``, of the sub-row of class ``label`` (None: the first sub-row)."""
        return self._viewport_point(self.x_of(time_us), self.lane_y(row, lane, label))

    def _viewport_point(self, x: float, y: float) -> QPointF:
        scene = self.view.mapViewToScene(QPointF(x, y))
        return QPointF(self.plot.mapFromScene(scene))

    def lane_y(self, row: int, lane: str = "recorded", label: str | None = None) -> float:
        """View y of the middle of ``lane`` of ``row`` (``detections``: of class ``label``'s sub-row)."""
        top = self.row_top(row)
        if lane == DETECTIONS:
            labels = self.detection_labels(row)
            index = labels.index(label) if label is not None else 0
            return top + 1.0 + self.marks_height + (index + 0.5) * DETECTION_ROW
        if lane in ("marks", "tags") and 0 <= row < len(self._marks):
            return self._marks[row].marker_y if lane == "marks" else self._marks[row].bar_y
        band_top, band_bottom = BANDS["recorded" if lane == "gaps" else lane]
        return top + (band_top + band_bottom) / 2

    def row_top(self, row: int) -> float:
        """View y of the top of ``row`` (rows are one unit high plus their detection sub-rows)."""
        return self._tops[row] if 0 <= row < len(self._tops) else float(row)

    def row_height(self, row: int) -> float:
        """1 (the camera's bands), the marks lane (with a backend) and ``DETECTION_ROW`` per detections sub-row."""
        sub_rows = self._detections[row].sub_rows if 0 <= row < len(self._detections) else 0
        return 1.0 + self.marks_height + sub_rows * DETECTION_ROW

    def visible_x(self) -> tuple[float, float]:
        (x0, x1), _ = self.view.viewRange()
        return (x0, x1)

    # --- view-model -> view -----------------------------------------------------------------------------
    def _rebuild(self) -> None:
        for row in self._rows:
            for item in row.values():
                self.view.removeItem(item)
        for lane in self._detections:
            lane.remove()
        for marks in self._marks:
            marks.remove()
        self._marks = []
        for item in self._texts + [lane.note for lane in self._detections] + self._separators:
            self.view.removeItem(item)
        self._rows, self._texts, self._detections, self._separators = [], [], [], []
        rows = self._vm.rows
        for index, _row in enumerate(rows):
            items = {
                "gaps": BlocksItem("gaps", index, BANDS["recorded"], self._origin_us, hatched=True),
                "recorded": BlocksItem("recorded", index, BANDS["recorded"], self._origin_us),
                "motion": BlocksItem("motion", index, BANDS["motion"], self._origin_us),
                "sessions": BlocksItem("sessions", index, BANDS["sessions"], self._origin_us),
            }
            for item in items.values():
                self.view.addItem(item, ignoreBounds=True)
            self._rows.append(items)
            self._texts.append(self._text_item(9.0))
            self._detections.append(DetectionLane(self.view, index, self._origin_us, self._text_item(8.5)))
            self._marks.append(MarksLane(self.view, index, self._origin_us, self.font()))
            if index > 0:
                line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen(QColor("#2a3039"), width=1))
                line.setZValue(5)
                self.view.addItem(line, ignoreBounds=True)
                self._separators.append(line)
        self._layout()
        self._on_range()
        self._on_visible()
        self._on_lanes(-1)
        self._on_detections(-1)
        self._on_playhead()
        self._on_now()

    def _text_item(self, points: float) -> pg.TextItem:
        text = pg.TextItem("", color=QColor(TEXT), anchor=(0.5, 0.5))
        font = QFont(self.font())
        font.setPointSizeF(points)
        text.setFont(font)
        text.setZValue(40)
        text.setVisible(False)
        self.view.addItem(text, ignoreBounds=True)
        return text

    def _layout(self) -> None:
        """Place every row under the one above (heights follow the detection classes), the names at the left,
        and size the plot to show every row."""
        rows = self._vm.rows
        self._tops, y = [], 0.0
        names: list[tuple[float, str, str | None]] = []
        for index, row in enumerate(rows[: len(self._rows)]):
            self._tops.append(y)
            for item in self._rows[index].values():
                item.set_top(y)
            name = row.name if len(row.name) <= 22 else row.name[:21] + "…"
            names.append((y + sum(BANDS["recorded"]) / 2, name, None))
            marks = self.marks_height
            if marks:
                self._marks[index].place(y + 1.0)
                names.append((y + 1.0 + marks / 2, self.tr("Notes and tags"), ANNOTATION_COLOUR))
            names += self._detections[index].place(y + 1.0 + marks, self.tr("Detections"))
            if index > 0:
                self._separators[index - 1].setValue(y)
            y += self.row_height(index)
        self._total = max(1.0, y)
        self.names_axis.set_names(names)
        self.view.setLimits(yMin=0, yMax=self._total)
        self.view.setYRange(0, self._total, padding=0)
        self.plot.setFixedHeight(AXIS_PX + 12 + round(ROW_PX * self._total))
        self._on_selection()
        self._place_texts()

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

    def _on_detections(self, row: int) -> None:
        """A row's detections (or their error) arrived: redraw its sub-rows, and lay the rows out again when
        its classes changed."""
        indices = range(len(self._rows)) if row < 0 else [row]
        rows = self._vm.rows
        relayout = False
        for index in indices:
            if index >= len(rows) or index >= len(self._rows):
                continue
            relayout |= self._detections[index].draw(rows[index])
        if relayout:
            self._layout()
        else:
            self._place_texts()

    def _on_range(self) -> None:
        start, end = self._vm.range_us
        if abs(start - self._origin_us) > REBASE_US:
            self._origin_us = start
            self.axis.set_origin(start / 1e6)
            for items in self._rows:
                for item in items.values():
                    item.set_origin(start)
            for lane in self._detections:
                lane.set_origin(start)
            for marks in self._marks:
                marks.set_origin(start)
            self._on_selection()
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
            text.setPos((x0 + x1) / 2, self.row_top(index) + sum(BANDS["recorded"]) / 2)
        for index, lane in enumerate(self._detections):
            lane.note.setPos((x0 + x1) / 2, self.row_top(index) + 1.0 + self.marks_height + 0.5 * DETECTION_ROW)

    # --- operator -> view-model -------------------------------------------------------------------------
    def _on_view_changed(self, *_args) -> None:
        """The operator zoomed (wheel) or panned (drag)."""
        if self._syncing:
            return
        x0, x1 = self.visible_x()
        self._vm.set_visible(self.time_of(x0), self.time_of(x1))

    def _on_clicked(self, x: float, _y: float) -> None:
        self._vm.selection.clear()
        self._vm.request_seek(self.time_of(x))

    def _on_playhead_dragged(self) -> None:
        if not self._drag_timer.isActive():
            self._drag_timer.start()

    def _on_playhead_dropped(self) -> None:
        self._drag_timer.stop()  # the drop's own seek supersedes a pending one
        self._seek_to_playhead()

    def _seek_to_playhead(self) -> None:
        self._vm.request_seek(self.time_of(float(self.playhead.value())))

    def row_at(self, y: float) -> int:
        """The row at view y (-1: none)."""
        if not self._tops or y < 0 or y >= self._total:
            return -1
        return bisect.bisect_right(self._tops, y) - 1

    def tooltip_at(self, x: float, y: float) -> str:
        """The hover text at view point (x, y): the time, and the row's recording or gap there, or in a class
        sub-row of the detections lane, that class's detections there."""
        row = self.row_at(y)
        time_us = self.time_of(x)
        marks = self.marks_height
        x0, x1 = self.visible_x()
        slack_us = round(HOVER_SLACK_PX * 2 * (x1 - x0) / max(1.0, self.view.width()) * 1e6)
        if row >= 0 and marks and 0 <= y - self.row_top(row) - 1.0 < marks and self.marks_vm is not None:
            text = self.marks_vm.hover_text(row, time_us, slack_us)
            self.last_tooltip = "\n".join(t for t in (isolate(format_instant(time_us)), text) if t)
            return self.last_tooltip
        sub = math.floor((y - self.row_top(row) - 1.0 - marks) / DETECTION_ROW) if row >= 0 else -1
        labels = self.detection_labels(row)
        if 0 <= sub < len(labels):
            x0, x1 = self.visible_x()
            pixels = max(1.0, self.view.width())
            tolerance = round(HOVER_SLACK_PX * (x1 - x0) / pixels * 1e6)
            self.last_tooltip = self._vm.detection_hover_text(row, labels[sub], time_us, tolerance)
        else:
            self.last_tooltip = self._vm.hover_text(row, time_us)
            if sub >= 0 and self.detection_text(row):
                self.last_tooltip += "\n" + self.detection_text(row)
        return self.last_tooltip

    def _on_mouse_moved(self, scene_pos) -> None:
        if not self.view.sceneBoundingRect().contains(scene_pos):
            QToolTip.hideText()
            return
        point = self.view.mapSceneToView(scene_pos)
        QToolTip.showText(QCursor.pos(), self.tooltip_at(point.x(), point.y()), self.plot)

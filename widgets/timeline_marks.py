"""The marks lane of one camera row of the timeline: annotation markers and tagged-range bars.

The lane is ``MARKS_ROW`` high, under the camera's own bands and above its detections lane. Annotations are
downward triangles (``ANNOTATION_COLOUR``, ``MARKER_PX`` wide, a ``pg.ScatterPlotItem`` so they keep their
pixel size at every zoom) in the lane's upper half; tagged ranges are bars in their tag's colour in its lower
half with the tag's name at their start. The tooltip (text, author, time; the tags) comes from
``TimelineMarks.hover_text``. ``drawn_annotations`` / ``drawn_ranges`` tell what was drawn.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

from app.viewmodels.timeline_marks import RowMarks

from .timeline_lanes import TAGS, BlocksItem

MARKS_ROW = 0.42  # height of the marks lane, in camera rows
MARKER_Y = 0.28  # the markers' centre, fraction of MARKS_ROW
TAG_BAND = (0.55, 0.95)  # the bars' band, fractions of MARKS_ROW
ANNOTATION_COLOUR = "#f778ba"
MARKER_PX = 11
MAX_TAG_LABELS = 60  # more bars than this: the names are left to the tooltips


class MarksLane:
    """The marks lane of camera row ``row`` in ``view`` (x = seconds since ``origin_us``)."""

    def __init__(self, view: pg.ViewBox, row: int, origin_us: int, font: QFont) -> None:
        self._view = view
        self._origin_us = origin_us
        self._font = QFont(font)
        self._font.setPointSizeF(7.5)
        self._top = float(row)
        self._marks = RowMarks()
        self.bars = BlocksItem(TAGS, row, (TAG_BAND[0] * MARKS_ROW, TAG_BAND[1] * MARKS_ROW), origin_us)
        self.bars.setZValue(12)
        self.markers = pg.ScatterPlotItem(
            symbol="t", size=MARKER_PX, pen=pg.mkPen(QColor("#ffffff"), width=1), brush=pg.mkBrush(ANNOTATION_COLOUR)
        )
        self.markers.setZValue(35)
        self._labels: list[pg.TextItem] = []
        view.addItem(self.bars, ignoreBounds=True)
        view.addItem(self.markers, ignoreBounds=True)

    @property
    def drawn_annotations(self) -> list[tuple[int, str]]:
        """``(at_us, text)`` of every marker drawn."""
        return [(a.at_us, a.text) for a in self._marks.annotations]

    @property
    def drawn_ranges(self) -> list[tuple[int, int, str, str]]:
        """``(start_us, end_us, tag, colour)`` of every bar drawn."""
        return [(r.start_us, r.end_us, r.tag, r.colour) for r in self._marks.ranges]

    @property
    def marker_y(self) -> float:
        return self._top + MARKER_Y * MARKS_ROW

    @property
    def bar_y(self) -> float:
        return self._top + (TAG_BAND[0] + TAG_BAND[1]) / 2 * MARKS_ROW

    def draw(self, marks: RowMarks | None) -> None:
        self._marks = marks or RowMarks()
        self._redraw()

    def place(self, top: float) -> None:
        if top != self._top:
            self._top = top
            self.bars.set_top(top)
            self._redraw()

    def set_origin(self, origin_us: int) -> None:
        self._origin_us = origin_us
        self.bars.set_origin(origin_us)
        self._redraw()

    def _x(self, time_us: int) -> float:
        return (time_us - self._origin_us) / 1e6

    def _redraw(self) -> None:
        notes = self._marks.annotations
        self.markers.setData(
            x=[self._x(a.at_us) for a in notes], y=[self.marker_y] * len(notes), data=[a.id for a in notes]
        )
        self.bars.set_blocks([(r.start_us, r.end_us, r.colour) for r in self._marks.ranges])
        for label in self._labels:
            self._view.removeItem(label)
        self._labels = []
        for bar in self._marks.ranges[:MAX_TAG_LABELS]:
            label = pg.TextItem(bar.tag, color=QColor("#0d1117"), anchor=(0, 0.5))
            label.setFont(self._font)
            label.setZValue(13)
            label.setPos(self._x(bar.start_us), self.bar_y)
            self._view.addItem(label, ignoreBounds=True)
            self._labels.append(label)

    def remove(self) -> None:
        for item in [self.bars, self.markers, *self._labels]:
            self._view.removeItem(item)
        self._labels = []

"""The detections lane of one camera row of the timeline: a sub-row per class present, or one with an error.

Each class's spans are a ``BlocksItem`` (lane ``detections``, key = the class, so coloured by class) placed
``DETECTION_ROW`` apart under the camera's own bands; a span shorter than ``DETECTION_MIN_PX`` on screen is
drawn that wide (one second is less than a pixel at the one-hour zoom). When the detections could not be read,
one sub-row holds the error (a ``pg.TextItem``). ``place`` puts the lane under a row top and returns the names
for the names axis.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

from app.viewmodels.timeline import TimelineRow

from .detection_style import detection_colour
from .timeline_lanes import DETECTION_BAND, DETECTION_ROW, DETECTIONS, BlocksItem

DETECTION_MIN_PX = 3.0  # a detection span is at least this wide on screen
ERROR_COLOUR = "#ff7b72"
NAME_CHARS = 20  # a longer class name is elided on the names axis


class DetectionLane:
    """The detections lane of camera row ``row`` in ``view`` (x = seconds since ``origin_us``). ``note`` is the
    text item for an error (owned by the caller's view too; hidden when there is none)."""

    def __init__(self, view: pg.ViewBox, row: int, origin_us: int, note: pg.TextItem) -> None:
        self._view = view
        self._row = row
        self._origin_us = origin_us
        self.note = note
        self._items: dict[str, BlocksItem] = {}

    @property
    def labels(self) -> list[str]:
        """The class sub-rows, top to bottom."""
        return list(self._items)

    @property
    def error_text(self) -> str:
        return self.note.toPlainText() if self.note.isVisible() else ""

    @property
    def sub_rows(self) -> int:
        """One per class, or one for an error, or none."""
        return len(self._items) or (1 if self.error_text else 0)

    def drawn(self, label: str) -> list[tuple[int, int, str]]:
        item = self._items.get(label)
        return item.blocks if item is not None else []

    def item(self, label: str) -> BlocksItem:
        return self._items[label]

    def draw(self, row: TimelineRow) -> bool:
        """Draw ``row``'s detections (or its error); True when the sub-rows changed (the rows must be laid out
        again)."""
        found = row.detections
        labels = list(found.labels) if found is not None else []
        had_error = bool(self.error_text)
        message = row.detections_error if found is None else ""
        self.note.setText(message)
        self.note.setColor(QColor(ERROR_COLOUR))
        self.note.setVisible(bool(message))
        changed = self.labels != labels or had_error != bool(message)
        if self.labels != labels:
            self.remove()
            band = (DETECTION_BAND[0] * DETECTION_ROW, DETECTION_BAND[1] * DETECTION_ROW)
            for label in labels:
                item = BlocksItem(DETECTIONS, self._row, band, self._origin_us)
                item.setZValue(10)
                item.min_px = DETECTION_MIN_PX
                self._view.addItem(item, ignoreBounds=True)
                self._items[label] = item
        if found is not None:
            for label in labels:
                self._items[label].set_blocks([(s.start_us, s.end_us, label) for s in found.spans[label]])
        return changed

    def place(self, top: float, error_name: str) -> list[tuple[float, str, str | None]]:
        """Put the sub-rows under view y ``top``; returns the names axis entries ``(y, text, colour)`` (the error
        sub-row is named ``error_name``)."""
        names: list[tuple[float, str, str | None]] = []
        for sub, (label, item) in enumerate(self._items.items()):
            item.set_top(top + sub * DETECTION_ROW)
            shown = label if len(label) <= NAME_CHARS else label[: NAME_CHARS - 1] + "…"
            names.append((top + (sub + 0.5) * DETECTION_ROW, shown, detection_colour(label)))
        if not self._items and self.error_text:
            names.append((top + 0.5 * DETECTION_ROW, error_name, None))
        return names

    def set_origin(self, origin_us: int) -> None:
        self._origin_us = origin_us
        for item in self._items.values():
            item.set_origin(origin_us)

    def remove(self) -> None:
        """Take the class items out of the view (the note stays with its owner)."""
        for item in self._items.values():
            self._view.removeItem(item)
        self._items.clear()

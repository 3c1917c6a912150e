"""The search panel's result list: one row per detection, newest first, with the texts and thumbnail of its card.

``DetectionResultsModel`` is a flat ``QAbstractListModel`` (thousands of rows, shown by a ``QListView`` with a
card delegate). Each row's roles: ``DetectionRole`` (the ``Detection``), ``ThumbnailRole`` (QImage or None),
``ThumbnailStateRole`` (``idle`` | ``loading`` | ``ready`` | ``failed``, ``app.viewmodels.detection_thumbnails``),
``FailureRole`` (why the thumbnail failed), ``LabelRole`` (the class), ``ScoreTextRole`` ("87 %" in the locale's
digits, bidi-isolated), ``CameraNameRole`` (the XProtect inventory's name) and ``TimeTextRole`` (local date and
time, isolated left to right); ``DisplayRole`` is the class and ``ToolTipRole`` every text on its own line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QLocale, QModelIndex, QObject, QPersistentModelIndex, Qt

from .detection_thumbnails import ThumbnailLoader
from .detections import Detection
from .playback_texts import translate
from .playback_time import format_instant
from .recording_state import isolate

_USER = Qt.ItemDataRole.UserRole
DetectionRole = _USER + 1
ThumbnailRole = _USER + 2
ThumbnailStateRole = _USER + 3
FailureRole = _USER + 4
LabelRole = _USER + 5
ScoreTextRole = _USER + 6
CameraNameRole = _USER + 7
TimeTextRole = _USER + 8

Index = QModelIndex | QPersistentModelIndex


def score_percent(score: float) -> int:
    """A 0..1 score as whole percent (rounded, clipped to 0..100)."""
    return max(0, min(100, round(float(score) * 100)))


def score_text(score: float) -> str:
    """A 0..1 score as "87 %" in the locale's digits and percent sign, bidi-isolated."""
    locale = QLocale()
    return isolate(f"{locale.toString(score_percent(score))}\u00a0{locale.percent()}")


def order_key(detection: Detection) -> tuple[int, int]:
    """The search's order: by frame time, then id (the result list is this order reversed: newest first)."""
    return detection.at_us, detection.id


class DetectionResultsModel(QAbstractListModel):
    """See the module docstring. ``camera_name(camera_id) -> str`` names a result's camera."""

    def __init__(
        self, thumbnails: ThumbnailLoader, camera_name: Callable[[str], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._camera_name = camera_name
        self._items: list[Detection] = []
        self._rows: dict[int, int] = {}  # detection id -> row
        thumbnails.sigChanged.connect(self._on_thumbnail)

    # --- Qt model ---------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        d = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, LabelRole):
            return d.label
        if role == DetectionRole:
            return d
        if role == ThumbnailRole:
            return self._thumbnails.image(d.id)
        if role == ThumbnailStateRole:
            return self._thumbnails.state(d.id)
        if role == FailureRole:
            return self._thumbnails.failure(d.id)
        if role == ScoreTextRole:
            return score_text(d.score)
        if role == CameraNameRole:
            return self._camera_name(d.camera_id)
        if role == TimeTextRole:
            return format_instant(d.at_us)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._tooltip(d)
        return None

    def _tooltip(self, d: Detection) -> str:
        lines = [
            f"{d.label} · {score_text(d.score)}",
            isolate(self._camera_name(d.camera_id)),
            format_instant(d.at_us),
        ]
        failure = self._thumbnails.failure(d.id)
        if failure:
            lines.append(failure)
        lines.append(translate("DetectionSearch", "Double-click or press Enter to play the recording at this moment."))
        return "\n".join(lines)

    # --- rows -------------------------------------------------------------------------------------------
    @property
    def items(self) -> list[Detection]:
        """The detections listed, newest first."""
        return list(self._items)

    def detection(self, row: int) -> Detection | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, detection_id: int) -> int | None:
        return self._rows.get(detection_id)

    def clear(self) -> None:
        self.beginResetModel()
        self._items = []
        self._rows = {}
        self.endResetModel()

    def append(self, detections: Iterable[Detection]) -> int:
        """Add older results at the end (ids already listed are skipped); returns how many were added."""
        new: list[Detection] = []
        for d in detections:
            if d.id not in self._rows:
                self._rows[d.id] = len(self._items) + len(new)
                new.append(d)
        if new:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._items.extend(new)
            self.endInsertRows()
        return len(new)

    def insert_sorted(self, detection: Detection, *, complete: bool) -> int | None:
        """Put a new detection (a live event) where it belongs newest first; returns its row, or None when it is
        listed already or belongs after the last row while older pages remain to load (``complete`` False:
        "Load more" brings it)."""
        if detection.id in self._rows:
            return None
        key = order_key(detection)
        row = next((i for i, d in enumerate(self._items) if order_key(d) < key), len(self._items))
        if row == len(self._items) and not complete:
            return None
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, detection)
        self._rows = {d.id: i for i, d in enumerate(self._items)}
        self.endInsertRows()
        return row

    def refresh_texts(self) -> None:
        """The camera names or the language changed: repaint every card."""
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1))

    def _on_thumbnail(self, detection_id: int) -> None:
        row = self._rows.get(detection_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(
                index, index, [ThumbnailRole, ThumbnailStateRole, FailureRole, Qt.ItemDataRole.ToolTipRole]
            )

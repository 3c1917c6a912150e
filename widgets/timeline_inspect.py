"""What the timeline drew, for tests and diagnostics (a mixin of ``TimelineWidget``: its rows' items)."""

from __future__ import annotations

from typing import Any

from .timeline_lanes import BlocksItem


class TimelineInspection:
    """Read-only views of ``TimelineWidget``'s drawn items (``_rows``, ``_detections``, ``_texts``)."""

    _rows: list[dict[str, BlocksItem]]
    _detections: list[Any]
    _texts: list[Any]

    def drawn(self, row: int, lane: str) -> list[tuple[int, int, str]]:
        """What ``row``'s ``lane`` (recorded, gaps, motion, sessions) drew: ``(start_us, end_us, key)``."""
        return self._rows[row][lane].blocks

    def lane_item(self, row: int, lane: str) -> BlocksItem:
        return self._rows[row][lane]

    def drawn_detections(self, row: int, label: str) -> list[tuple[int, int, str]]:
        """The spans ``row``'s sub-row of class ``label`` drew: ``(start_us, end_us, label)`` ([] when none)."""
        return self._detections[row].drawn(label) if 0 <= row < len(self._detections) else []

    def detection_item(self, row: int, label: str) -> BlocksItem:
        return self._detections[row].item(label)

    def detection_labels(self, row: int) -> list[str]:
        """The class sub-rows of ``row``, top to bottom."""
        return self._detections[row].labels if 0 <= row < len(self._detections) else []

    def detection_text(self, row: int) -> str:
        """The detections' error drawn in ``row``'s detections lane ("" when none)."""
        return self._detections[row].error_text if 0 <= row < len(self._detections) else ""

    def row_text(self, row: int) -> str:
        """The message drawn over ``row`` ("" when none)."""
        return self._texts[row].toPlainText() if self._texts[row].isVisible() else ""

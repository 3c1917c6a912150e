"""The timeline's evidence hooks (a mixin of ``TimelineWidget``): the selection band follows the view-model's
``selection`` (set by Shift+drag), right clicks become ``sigContextMenu``, and the marks lane of each row draws
the ``TimelineMarks`` (annotations and tagged ranges) while the backend is usable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint

from .timeline_marks import MARKS_ROW, MarksLane


class TimelineEvidence:
    """Uses ``TimelineWidget``'s ``_vm``, ``_marks``, ``_total``, ``selection_band``, ``x_of``/``time_of``,
    ``row_at``, ``_layout`` and ``sigContextMenu``."""

    _vm: Any
    _marks: list[MarksLane]
    _total: float
    marks_vm: Any
    selection_band: Any
    sigContextMenu: Any
    x_of: Callable[[float], float]
    time_of: Callable[[float], int]
    row_at: Callable[[float], int]
    _layout: Callable[[], None]

    @property
    def marks_height(self) -> float:
        """``MARKS_ROW`` while annotations and tags are shown (a usable backend), else 0."""
        return MARKS_ROW if self.marks_vm is not None and self.marks_vm.available else 0.0

    def set_marks(self, marks) -> None:
        """Show ``marks`` (a ``TimelineMarks``): a marks lane under each camera's bands."""
        self.marks_vm = marks
        marks.sigChanged.connect(self._on_marks)
        self._on_marks(-1)

    def marks_lane(self, row: int) -> MarksLane:
        return self._marks[row]

    def _on_selecting(self, x0: float, x1: float, _finished: bool) -> None:
        self._vm.selection.set_span(self.time_of(x0), self.time_of(x1))

    def _on_context_menu(self, x: float, y: float, screen: QPoint) -> None:
        self.sigContextMenu.emit(self.time_of(x), self.row_at(y), screen)

    def _on_selection(self) -> None:
        span = self._vm.selection.span_us
        shown = (self.x_of(span[0]), self.x_of(span[1])) if span is not None else None
        self.selection_band.set_span(shown, self._total, self._vm.selection.text())

    def _on_marks(self, row: int) -> None:
        """A row's annotations or tagged ranges arrived (-1: all, or the lane appeared / went)."""
        vm = self.marks_vm
        if vm is None:
            return
        indices = range(len(self._marks)) if row < 0 else [row]
        for index in indices:
            if 0 <= index < len(self._marks):
                self._marks[index].draw(vm.row_marks(index) if vm.available else None)
        if row < 0:
            self._layout()

"""The time-range selection of the recordings timeline: the span evidence is made from (export, clip, tag,
incident).

The operator selects by Shift+drag on the timeline, or with I / O (in / out at the cursor, i.e. the playhead);
Esc or a plain click clears it. ``TimeSelection`` holds ``[start_us, end_us)`` (integer µs UTC, start < end) or
nothing, kept inside the timeline's range; ``text()`` says start, end and duration in the operator's language.
A lone "in" (or "out") point is remembered until its other end is set.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from .playback_texts import translate
from .playback_time import US, format_instant, local_datetime
from .recording_state import duration_text, isolate

MIN_SELECTION_US = 1_000  # a selection narrower than this is no selection (a click, not a drag)


class TimeSelection(QObject):
    """See the module docstring. ``bounds()`` gives the timeline's range ``(low, high)`` to clamp into.

    Signal ``sigChanged()``: the selection (or a pending in / out point) changed.
    """

    sigChanged = Signal()

    def __init__(self, bounds, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bounds = bounds
        self._span: tuple[int, int] | None = None
        self._in: int | None = None
        self._out: int | None = None

    @property
    def span_us(self) -> tuple[int, int] | None:
        """``(start_us, end_us)`` selected, or None."""
        return self._span

    @property
    def active(self) -> bool:
        return self._span is not None

    @property
    def pending_in_us(self) -> int | None:
        """An "in" point set without an "out" yet (None otherwise)."""
        return self._in if self._span is None else None

    def set_span(self, a_us: float, b_us: float) -> bool:
        """Select between ``a_us`` and ``b_us`` (either order; clamped into the timeline's range). Too narrow a
        span clears the selection; returns True when something is selected."""
        low, high = self._bounds()
        start, end = sorted((int(a_us), int(b_us)))
        start, end = max(start, low), min(end, high)
        if end - start < MIN_SELECTION_US:
            self.clear()
            return False
        self._in, self._out = start, end
        if self._span != (start, end):
            self._span = (start, end)
            self.sigChanged.emit()
        return True

    def set_in(self, time_us: int) -> None:
        """I: the selection starts at ``time_us`` (its end kept when after it, else waiting for O)."""
        self._in = int(time_us)
        if self._out is not None and self._out > self._in:
            self.set_span(self._in, self._out)
        else:
            self._out = None
            if self._span is not None:
                self._span = None
            self.sigChanged.emit()

    def set_out(self, time_us: int) -> None:
        """O: the selection ends at ``time_us`` (its start kept when before it, else waiting for I)."""
        self._out = int(time_us)
        if self._in is not None and self._in < self._out:
            self.set_span(self._in, self._out)
        else:
            self._in = None
            if self._span is not None:
                self._span = None
            self.sigChanged.emit()

    def clear(self) -> None:
        """Esc or a click: no selection, no pending point."""
        had = self._span is not None or self._in is not None or self._out is not None
        self._span, self._in, self._out = None, None, None
        if had:
            self.sigChanged.emit()

    def contains(self, time_us: int) -> bool:
        return self._span is not None and self._span[0] <= time_us < self._span[1]

    def text(self) -> str:
        """ "14:05:10 – 14:06:40 (1 min 30 s)" in local time (date included when it spans days), or ""."""
        if self._span is None:
            return ""
        return span_text(*self._span)


def span_text(start: int, end: int) -> str:
    """``[start, end)`` (µs UTC) as "14:05:10 – 14:06:40 (1 min 30 s)" in local time (dates when it spans days)."""
    same_day = local_datetime(start).date() == local_datetime(max(start, end - 1)).date()
    first = format_instant(start, with_date=not same_day)
    last = format_instant(end, with_date=not same_day)
    length = duration_text(max(1, round((end - start) / US)))
    return translate("TimeSelection", "{0} – {1} ({2})").format(isolate(first), isolate(last), isolate(length))

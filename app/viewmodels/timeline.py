"""The timeline's view-model: one row per camera over one shared time axis, the playhead, the queried range.

Rows hold what the backend (or XProtect) says is recorded (``CameraLanes``): recorded blocks, gaps with their
reason, motion, manual recording sessions. The operator picks a range (at most ``MAX_RANGE_US``), zooms and pans
inside it (the visible span, at least ``MIN_VISIBLE_US``), clicks or drags to seek (``sigSeekRequested``), and
may follow "now" (the range and the visible span slide with the wall clock; the lanes are re-read every
``FOLLOW_REQUERY_S``). Times are integer µs UTC; the clock is injected (``milestone.clock.Clock``).

With a ``DetectionsService`` each row also holds what the backend's object detection found over the range
(``RowDetections``: one sub-row per class present), read together with the lanes at every query (refresh, new
range, follow-now requery), stale answers dropped. A camera the backend cannot answer for (no backend, not
imported) has no detections (``detections`` None, no error); a failed read keeps the lanes and shows its error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from milestone.clock import Clock, SystemClock

from ..tasks import TaskRunner
from .playback_lanes import CameraLanes
from .playback_sources import PlaybackError
from .playback_texts import range_error_text, session_status_text, source_text
from .playback_time import DAY_US, HOUR_US, MINUTE_US, US, format_instant
from .recording_state import duration_text, isolate
from .timeline_detections import RowDetections, score_text
from .timeline_selection import TimeSelection

log = logging.getLogger(__name__)

MAX_RANGE_US = 7 * DAY_US  # the widest range (and view): the axis labels go from seconds to 7 days
MIN_VISIBLE_US = 20 * US  # the narrowest view: a few frames per pixel column at most
DEFAULT_RANGE_US = DAY_US
DEFAULT_VISIBLE_US = HOUR_US
FOLLOW_TICK_MS = 1000
FOLLOW_REQUERY_S = 15.0  # the backend caches query answers for a short TTL; no point asking more often
FOLLOW_AHEAD_US = MINUTE_US  # while following, the range reaches a minute past now (room for the now line)

LanesFetcher = Callable[[str, int, int], Any]  # (camera_id, start_us, end_us) -> awaitable CameraLanes
# A DetectionsService (app.viewmodels.detections): available(camera_id) -> bool, and
# for_camera(camera_id, start_us, end_us) -> awaitable CameraDetections (raises PlaybackError).
DetectionsSource = Any


@dataclass(slots=True)
class TimelineRow:
    """One camera's row: ``lanes`` (None before the first answer), ``error`` (translated, "" when none),
    ``loading`` while a query runs. ``detections``: the detections lane (None: none to show, e.g. no backend,
    or not read yet), ``detections_error`` (translated, "" when none), ``detections_loading``."""

    camera_id: str
    name: str
    lanes: CameraLanes | None = None
    error: str = ""
    loading: bool = False
    detections: RowDetections | None = None
    detections_error: str = ""
    detections_loading: bool = False


class TimelineViewModel(QObject):
    """See the module docstring. GUI-thread object; queries run as tasks on the qasync loop.

    Signals: ``sigRowsChanged()`` (cameras replaced), ``sigLanesChanged(int row)`` (a row's lanes, error or
    loading state; -1 = all), ``sigDetectionsChanged(int row)`` (a row's detections or their error; -1 = all),
    ``sigRangeChanged()`` (queried range; also while following now), ``sigRangeChosen()`` (the
    operator chose a range: sources are opened for it), ``sigVisibleChanged()`` (visible span set
    by the view-model: follow, new range), ``sigPlayheadChanged()``, ``sigNowChanged()``,
    ``sigSeekRequested(object time_us)`` (the operator clicked or dragged), ``sigFollowNowChanged(bool)``,
    ``sigErrorChanged(str)`` (a refused range; "" when cleared). ``selection``: the ``TimeSelection`` evidence is
    made from (Shift+drag, I / O; cleared when the rows go).
    """

    sigRowsChanged = Signal()
    sigLanesChanged = Signal(int)
    sigDetectionsChanged = Signal(int)
    sigRangeChanged = Signal()
    sigRangeChosen = Signal()
    sigVisibleChanged = Signal()
    sigPlayheadChanged = Signal()
    sigNowChanged = Signal()
    sigSeekRequested = Signal(object)
    sigFollowNowChanged = Signal(bool)
    sigErrorChanged = Signal(str)

    def __init__(
        self,
        fetch: LanesFetcher,
        runner: TaskRunner,
        clock: Clock | None = None,
        parent=None,
        *,
        detections: DetectionsSource | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._detections = detections
        self._runner = runner
        self._clock = clock or SystemClock()
        self._rows: list[TimelineRow] = []
        now = self.now_us()
        self._range = (now - DEFAULT_RANGE_US, now)
        self._visible = (now - DEFAULT_VISIBLE_US, now)
        self._playhead: int | None = None
        self._follow = False
        self._error = ""
        self._generation = 0
        self._last_query = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(FOLLOW_TICK_MS)
        self._timer.timeout.connect(self._on_follow_tick)
        self.selection = TimeSelection(lambda: self._range, self)  # the span evidence is made from (Shift+drag, I/O)

    # --- state ------------------------------------------------------------------------------------------
    def now_us(self) -> int:
        return int(self._clock.time() * US)

    @property
    def rows(self) -> list[TimelineRow]:
        return list(self._rows)

    def row_of(self, camera_id: str) -> int:
        """Index of ``camera_id``'s row, -1 when absent."""
        wanted = camera_id.lower()
        return next((i for i, r in enumerate(self._rows) if r.camera_id.lower() == wanted), -1)

    def lanes(self, camera_id: str) -> CameraLanes | None:
        index = self.row_of(camera_id)
        return self._rows[index].lanes if index >= 0 else None

    def detections(self, camera_id: str) -> RowDetections | None:
        """``camera_id``'s detections lane over the range (None: none to show)."""
        index = self.row_of(camera_id)
        return self._rows[index].detections if index >= 0 else None

    @property
    def has_detections_source(self) -> bool:
        """True when the timeline reads detections at all (a ``DetectionsService`` was given)."""
        return self._detections is not None

    @property
    def range_us(self) -> tuple[int, int]:
        """The queried range ``(start_us, end_us)``; panning stays inside it."""
        return self._range

    @property
    def visible_us(self) -> tuple[int, int]:
        """The visible span ``(start_us, end_us)`` inside the range."""
        return self._visible

    @property
    def playhead_us(self) -> int | None:
        return self._playhead

    @property
    def follow_now(self) -> bool:
        return self._follow

    @property
    def loading(self) -> bool:
        return any(r.loading for r in self._rows)

    @property
    def error_text(self) -> str:
        return self._error

    # --- cameras and range ------------------------------------------------------------------------------
    def set_cameras(self, cameras: list[tuple[str, str]]) -> None:
        """Show one row per ``(camera_id, name)`` (top to bottom) and query their lanes."""
        self._rows = [TimelineRow(camera_id, name) for camera_id, name in cameras]
        self.sigRowsChanged.emit()
        self.refresh()

    def set_range(self, start_us: int, end_us: int, visible: tuple[int, int] | None = None) -> bool:
        """Query ``[start_us, end_us)`` (the date/time picker); False with ``error_text`` when refused (end not
        after start, longer than ``MAX_RANGE_US``). The visible span becomes ``visible`` (clamped) or the range.
        Following "now" stops unless the range ends at now."""
        if end_us <= start_us:
            self._set_error(range_error_text("order"))
            return False
        if end_us - start_us > MAX_RANGE_US + FOLLOW_AHEAD_US:
            self._set_error(range_error_text("too_long", MAX_RANGE_US // DAY_US))
            return False
        self._set_error("")
        self._range = (int(start_us), int(end_us))
        self._visible = self._clamp_visible(*(visible or self._range))
        self.sigRangeChanged.emit()
        self.sigVisibleChanged.emit()
        self.sigRangeChosen.emit()
        self.refresh()
        return True

    def show_last(self, span_us: int) -> bool:
        """The last ``span_us`` up to now, following now."""
        now = self.now_us()
        ok = self.set_range(now - span_us, now + FOLLOW_AHEAD_US, (now - span_us, now))
        if ok:
            self.set_follow_now(True)
        return ok

    def set_visible(self, start_us: float, end_us: float) -> None:
        """The operator zoomed or panned: remember the span (clamped). Panning back from now stops following."""
        visible = self._clamp_visible(int(start_us), int(end_us))
        if visible == self._visible:
            return
        self._visible = visible
        if self._follow and visible[1] < self.now_us() - 2 * US:
            self.set_follow_now(False)

    def ensure_visible(self, time_us: int) -> None:
        """Pan (same span) so that ``time_us`` is in the middle of the view when it is outside it."""
        start, end = self._visible
        if start <= time_us < end:
            return
        half = (end - start) // 2
        visible = self._clamp_visible(int(time_us) - half, int(time_us) + half)
        if visible != self._visible:
            self._visible = visible
            self.sigVisibleChanged.emit()

    def zoom(self, factor: float, centre_us: int | None = None) -> None:
        """Scale the visible span by ``factor`` (< 1 zooms in) around ``centre_us`` (default: its middle)."""
        start, end = self._visible
        centre = (start + end) // 2 if centre_us is None else int(centre_us)
        self._visible = self._clamp_visible(
            int(centre - (centre - start) * factor), int(centre + (end - centre) * factor)
        )
        self.sigVisibleChanged.emit()

    def _clamp_visible(self, start: int, end: int) -> tuple[int, int]:
        low, high = self._range
        span = min(max(end - start, MIN_VISIBLE_US), high - low)
        start = min(max(start, low), high - span)
        return (start, start + span)

    def _set_error(self, text: str) -> None:
        if text != self._error:
            self._error = text
            self.sigErrorChanged.emit(text)

    # --- lanes ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Query every row's lanes for the current range again (returns at once)."""
        if not self._rows:
            return
        self._generation += 1
        self._last_query = self._clock.monotonic()
        for row in self._rows:
            row.loading = True
            row.detections_loading = self._detections is not None
        self.sigLanesChanged.emit(-1)
        self._runner.spawn(self.refresh_async(self._generation), name="timeline-query")

    async def refresh_async(self, generation: int | None = None) -> None:
        """Query every row's lanes and detections concurrently; each row is updated as its answers arrive
        (stale answers dropped)."""
        generation = self._generation if generation is None else generation
        start, end = self._range[0], min(self._range[1], self.now_us())  # nothing is recorded in the future
        rows = list(self._rows)
        queries = [self._query_row(generation, row, start, end) for row in rows]
        if self._detections is not None:
            queries += [self._query_detections(generation, row, start, end) for row in rows]
        await asyncio.gather(*queries)

    async def _query_row(self, generation: int, row: TimelineRow, start: int, end: int) -> None:
        try:
            lanes, error = await self._fetch(row.camera_id, start, end), ""
        except PlaybackError as exc:
            lanes, error = None, exc.text
        if generation != self._generation or row not in self._rows:
            return
        row.lanes, row.error, row.loading = lanes, error, False
        self.sigLanesChanged.emit(self._rows.index(row))

    async def _query_detections(self, generation: int, row: TimelineRow, start: int, end: int) -> None:
        source = self._detections
        found: RowDetections | None = None
        error = ""
        if source is not None and source.available(row.camera_id):
            try:
                found = RowDetections.of(await source.for_camera(row.camera_id, start, end))
            except PlaybackError as exc:
                error = exc.text
        if generation != self._generation or row not in self._rows:
            return
        row.detections, row.detections_error, row.detections_loading = found, error, False
        self.sigDetectionsChanged.emit(self._rows.index(row))

    # --- playhead and seeking ---------------------------------------------------------------------------
    def set_playhead(self, time_us: int | None) -> None:
        """The player shows ``time_us`` (None: nothing)."""
        if time_us != self._playhead:
            self._playhead = None if time_us is None else int(time_us)
            self.sigPlayheadChanged.emit()

    def request_seek(self, time_us: float) -> int:
        """The operator clicked or dragged the playhead to ``time_us``: clamp it into the range (not past now),
        move the playhead and ask the player to seek (``sigSeekRequested``). Returns the time sought."""
        low, high = self._range
        target = int(min(max(int(time_us), low), min(high, self.now_us()) - 1))
        self.set_playhead(target)
        self.sigSeekRequested.emit(target)
        return target

    # --- follow now -------------------------------------------------------------------------------------
    def set_follow_now(self, follow: bool) -> None:
        """Keep the right edge of the view at now (the range slides; lanes re-read every few seconds)."""
        if follow == self._follow:
            return
        self._follow = follow
        if follow:
            self._timer.start()
            self._on_follow_tick()
        else:
            self._timer.stop()
        self.sigFollowNowChanged.emit(follow)

    def _on_follow_tick(self) -> None:
        now = self.now_us()
        self.sigNowChanged.emit()
        if not self._follow:
            return
        span = self._range[1] - self._range[0]
        self._range = (now + FOLLOW_AHEAD_US - span, now + FOLLOW_AHEAD_US)
        width = self._visible[1] - self._visible[0]
        self._visible = self._clamp_visible(now - width + FOLLOW_AHEAD_US // 2, now + FOLLOW_AHEAD_US // 2)
        self.sigRangeChanged.emit()
        self.sigVisibleChanged.emit()
        if self._clock.monotonic() - self._last_query >= FOLLOW_REQUERY_S:
            self.refresh()

    # --- texts ------------------------------------------------------------------------------------------
    def hover_text(self, row: int, time_us: float) -> str:
        """The tooltip at ``time_us`` over ``row`` (-1: no row): the local time, then what was recorded there
        or why nothing was (the gap's reason, its span and length)."""
        t = int(time_us)
        lines = [isolate(format_instant(t))]
        if not 0 <= row < len(self._rows):
            return lines[0]
        r = self._rows[row]
        lines.insert(0, isolate(r.name))
        lanes = r.lanes
        if lanes is None:
            lines.append(r.error or self.tr("Loading…"))
            return "\n".join(lines)
        block, gap = lanes.recorded_at(t), lanes.gap_at(t)
        if block is not None:
            lines.append(self.tr("Recorded: {0}").format(source_text(block.source)))
            if not block.available:
                lines.append(self.tr("Not available for playback yet."))
        elif gap is not None:
            span = f"{format_instant(gap.start_us, with_date=False)} – {format_instant(gap.end_us, with_date=False)}"
            length = duration_text(max(1, round((gap.end_us - gap.start_us) / US)))
            lines.append(self.tr("No recording {0} ({1})").format(isolate(span), isolate(length)))
            lines.append(gap.text)
        if lanes.motion_at(t) is not None:
            lines.append(self.tr("Motion"))
        session = lanes.session_at(t)
        if session is not None:
            lines.append(self.tr("Manual recording session ({0})").format(session_status_text(session.status)))
        return "\n".join(lines)

    def detection_hover_text(self, row: int, label: str, time_us: float, tolerance_us: int = 0) -> str:
        """The tooltip over ``row``'s sub-row of class ``label`` at ``time_us``: the camera, the time, and the
        span of that class there or at most ``tolerance_us`` away (how many detections, from when to when, the
        best score)."""
        t = int(time_us)
        if not 0 <= row < len(self._rows):
            return isolate(format_instant(t))
        r = self._rows[row]
        lines = [isolate(r.name), isolate(format_instant(t))]
        found = r.detections
        span = found.span_at(label, t, tolerance_us) if found is not None else None
        if span is None:
            lines.append(self.tr("No {0} detected at this time.").format(isolate(label)))
            return "\n".join(lines)
        if span.count == 1:
            lines.append(self.tr("{0}: 1 detection").format(isolate(label)))
        else:
            lines.append(self.tr("{0}: {1} detections").format(isolate(label), isolate(str(span.count))))
        first = format_instant(span.start_us, with_date=False)
        if span.count == 1:
            lines.append(self.tr("At {0}").format(isolate(first)))
        else:
            last = format_instant(span.end_us, with_date=False)
            lines.append(self.tr("From {0} to {1}").format(isolate(first), isolate(last)))
        lines.append(self.tr("Best score: {0}").format(isolate(score_text(span.max_score))))
        if found is not None and found.detections.truncated:
            lines.append(self.tr("Only the newest detections of this range are shown."))
        return "\n".join(lines)

    def close(self) -> None:
        """Stop following and forget the rows (pending answers are dropped)."""
        self.set_follow_now(False)
        self._generation += 1
        self._rows = []
        self.selection.clear()
        self.sigRowsChanged.emit()

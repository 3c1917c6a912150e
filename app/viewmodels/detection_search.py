"""The detections search panel's view-model (issue 6 §4): find what the backend's detectors saw, open the player.

Filters (``SearchFilters``): one camera of the XProtect inventory or every camera, a class (the labels the backend
saw over the range, or free text; "" = any), a time range (the last hour / 24 hours / 7 days up to now, or a
custom ``[start, end)`` the operator picks in local time) and a minimum score in whole percent. ``search`` lists
the newest page (``DetectionsService.search``: ``GET /api/v1/detections``, newest first) and ``load_more`` the
next older one (the backend's ``nextBeforeId``) while ``has_more``. A search started while another one runs
makes the older one's answer stale: it is dropped, and so is a "Load more" answer for filters no longer shown.
A relative range is fixed when the search starts ("the last hour" from that moment), so its pages stay
consistent.

``results`` (``DetectionResultsModel``) lists the detections; ``set_visible_rows`` tells the thumbnail loader which
cards are on screen (only those are fetched, a few at a time, cached by detection id). ``open(row)`` plays the
recording of the result's camera at the detection's time through ``opener(camera_id, at_us)`` (the main window's
``MainViewModel.open_detection``).

While the panel is active, backend ``detection`` events (watched classes, ``backend.api.schemas.EventOut``:
``data`` = id, label, score, time, detector, box) that match the filters shown appear in the list where they
belong (at the top for a new one) and as a notice (``sigNotice``).

``available``: the backend answers and this user may ``view``; the main window hides the panel otherwise.
Failures (no backend, the backend refusing or not answering) set ``error`` to the operator's translated text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from milestone.clock import Clock, SystemClock

from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .detection_filters import (
    SearchFilters,
    detection_from_event,
    filter_problem,
    matches,
    min_score,
    resolve_window,
)
from .detection_results import DetectionResultsModel, score_text
from .detection_thumbnails import ThumbnailLoader
from .detections import DetectionsService
from .playback_sources import PlaybackError
from .playback_texts import translate
from .playback_time import US, format_instant
from .recording_state import isolate

log = logging.getLogger(__name__)

VIEW_PERMISSION = "view"  # backend.auth.permissions.VIEW
PAGE_SIZE = 60
LABEL_CAMERAS = 40  # "every camera": the classes are read from at most this many cameras' summaries


class DetectionSearchViewModel(QObject):
    """See the module docstring. GUI-thread object.

    Signals: ``sigStateChanged()`` (busy, error, the count, has_more, available, searched),
    ``sigLabelsChanged()`` (``labels``), ``sigCamerasChanged()`` (``cameras``), ``sigNotice(str)`` (a live
    detection matching the filters; translated).
    """

    sigStateChanged = Signal()
    sigLabelsChanged = Signal()
    sigCamerasChanged = Signal()
    sigNotice = Signal(str)

    def __init__(
        self,
        backend: BackendConnection,
        runner: TaskRunner,
        *,
        service: DetectionsService | None = None,
        opener: Callable[[str, int], bool] | None = None,
        clock: Clock | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._service = service or DetectionsService(backend)
        self._opener = opener
        self._clock = clock or SystemClock()
        self.page_size = max(1, min(1000, int(page_size)))
        self.thumbnails = ThumbnailLoader(self._service.thumbnail, runner, parent=self)
        self.results = DetectionResultsModel(self.thumbnails, self.camera_name, self)
        self._cameras: list[tuple[str, str]] = []
        self._names: dict[str, str] = {}
        self._filters = SearchFilters()
        self._window: tuple[int, int | None] = (0, None)
        self._next_before_id: int | None = None
        self._searched = False
        self._busy = False
        self._loading_more = False
        self._error = ""
        self._generation = 0
        self._labels: list[str] = []
        self._server_labels: list[str] = []
        self._label_generation = 0
        self._active = False
        self._available = self._compute_available()
        backend.sigStateChanged.connect(self._on_backend)
        backend.sigPermissionsChanged.connect(self._on_backend)
        backend.sigCamerasChanged.connect(self._on_backend)
        backend.sigEvent.connect(self.on_event)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """True when the backend answers and this user may view (the panel is shown)."""
        return self._available

    @property
    def unavailable_reason(self) -> str:
        """Why the panel is not available ("" when it is), translated."""
        if not self._backend.usable:
            return translate("DetectionSearch", "Detections need the backend, which is not connected.")
        if not self._available:
            return translate("DetectionSearch", "Your user may not view detections.")
        return ""

    def _compute_available(self) -> bool:
        b = self._backend
        return b.usable and (not b.permissions or b.can(VIEW_PERMISSION))

    @property
    def filters(self) -> SearchFilters:
        """The filters of the results listed (or being searched)."""
        return self._filters

    @property
    def window(self) -> tuple[int, int | None]:
        """The ``[start_us, end_us)`` searched (end None: open, "up to now")."""
        return self._window

    @property
    def busy(self) -> bool:
        """True while a search or "Load more" runs."""
        return self._busy or self._loading_more

    @property
    def error(self) -> str:
        """The last failure, translated ("" after a successful call)."""
        return self._error

    @property
    def searched(self) -> bool:
        """True once a search answered for the filters shown."""
        return self._searched

    @property
    def count(self) -> int:
        return self.results.rowCount()

    @property
    def has_more(self) -> bool:
        """True when "Load more" can list older detections."""
        return self._next_before_id is not None

    @property
    def labels(self) -> list[str]:
        """The classes to offer: what the backend saw over the range (for the camera chosen), and the results'."""
        return list(self._labels)

    @property
    def cameras(self) -> list[tuple[str, str]]:
        """(camera_id, name) of the XProtect inventory, by name."""
        return list(self._cameras)

    def camera_name(self, camera_id: str) -> str:
        """The inventory's name of ``camera_id``; a camera this server does not list is named as unknown."""
        name = self._names.get(camera_id.lower())
        return name if name is not None else translate("DetectionSearch", "Unknown camera")

    def summary_text(self) -> str:
        """The line under the results: searching, how many, "no detections match", or ""."""
        if self._busy:
            return translate("DetectionSearch", "Searching…")
        if not self._searched:
            return ""
        count = self.count
        if count == 0:
            return translate("DetectionSearch", "No detections match these filters.")
        if self.has_more:
            return translate("DetectionSearch", "Newest {0} detections shown; older ones exist.").format(count)
        if count == 1:
            return translate("DetectionSearch", "1 detection.")
        return translate("DetectionSearch", "{0} detections.").format(count)

    # --- commands ---------------------------------------------------------------------------------------
    def set_cameras(self, cameras: list[tuple[str, str]]) -> None:
        """The XProtect inventory's cameras (id, name), after each login."""
        self._cameras = sorted(((str(i), str(n)) for i, n in cameras), key=lambda c: (c[1].casefold(), c[0]))
        self._names = {camera_id.lower(): name for camera_id, name in self._cameras}
        self.results.refresh_texts()
        self.sigCamerasChanged.emit()

    def set_active(self, active: bool, filters: SearchFilters | None = None) -> None:
        """The panel is shown (True) or hidden. When shown before any search answered, it searches with
        ``filters`` (default: the current ones) and reads the classes."""
        self._active = bool(active)
        if self._active and self._available and not self._searched and not self._busy:
            self.search(filters)
            self.refresh_labels(filters)

    def search(self, filters: SearchFilters | None = None) -> asyncio.Task[Any] | None:
        """Start a search for ``filters`` (default: the current ones); returns its task (True when it listed),
        None when the filters are refused (``error`` says why). The list empties and ``busy`` is set at once."""
        generation = self._start_search(filters)
        if generation is None:
            return None
        return self._runner.spawn(self._run_search(generation, self._filters, self._window), name="detection-search")

    async def search_async(self, filters: SearchFilters | None = None) -> bool:
        """List the newest page for ``filters`` (default: the current ones). False when refused, failed or
        overtaken by a newer search (its answer is then dropped)."""
        generation = self._start_search(filters)
        return generation is not None and await self._run_search(generation, self._filters, self._window)

    def _start_search(self, filters: SearchFilters | None) -> int | None:
        filters = filters if filters is not None else self._filters
        filters = replace(filters, label=filters.label.strip())
        problem = filter_problem(filters)
        if problem:
            self._set_error(problem)
            return None
        self._generation += 1
        self._filters = filters
        self._window = resolve_window(filters, self._now_us())
        self._next_before_id = None
        self._searched = False
        self._busy, self._loading_more = True, False
        self._error = ""
        self.results.clear()
        self.thumbnails.cancel_queue()
        self.thumbnails.retry_failed()
        self.sigStateChanged.emit()
        return self._generation

    async def _run_search(self, generation: int, filters: SearchFilters, window: tuple[int, int | None]) -> bool:
        try:
            page = await self._page(filters, window, None)
        except PlaybackError as exc:
            if generation == self._generation:
                self._busy = False
                self._set_error(exc.text)
            return False
        if generation != self._generation:
            return False
        self._busy = False
        self._searched = True
        self.results.append(page.items)
        self._next_before_id = page.next_before_id
        self._merge_labels()
        self.sigStateChanged.emit()
        return True

    def load_more(self) -> asyncio.Task[Any] | None:
        """Start ``load_more_async`` (None when there is nothing more or a call runs)."""
        if self._next_before_id is None or self.busy:
            return None
        return self._runner.spawn(self.load_more_async(), name="detection-search-more")

    async def load_more_async(self) -> bool:
        """Append the next older page (same filters and window); False when there is none, it failed or the
        filters changed meanwhile."""
        before = self._next_before_id
        if before is None or self.busy:
            return False
        generation, filters, window = self._generation, self._filters, self._window
        self._loading_more = True
        self.sigStateChanged.emit()
        try:
            page = await self._page(filters, window, before)
        except PlaybackError as exc:
            if generation == self._generation:
                self._loading_more = False
                self._set_error(exc.text)
            return False
        if generation != self._generation:
            return False
        self._loading_more = False
        self._error = ""
        self.results.append(page.items)
        self._next_before_id = page.next_before_id
        self._merge_labels()
        self.sigStateChanged.emit()
        return True

    async def _page(self, filters: SearchFilters, window: tuple[int, int | None], before: int | None) -> Any:
        return await self._service.search(
            camera_id=filters.camera_id,
            label=filters.label or None,
            start_us=window[0],
            end_us=window[1],
            min_score=min_score(filters),
            limit=self.page_size,
            before_id=before,
        )

    def refresh_labels(self, filters: SearchFilters | None = None) -> asyncio.Task[Any] | None:
        """Re-read the classes the backend saw for ``filters``' camera(s) and range (default: the current ones)."""
        filters = filters if filters is not None else self._filters
        if filter_problem(filters) or not self._available:
            return None
        return self._runner.spawn(self.refresh_labels_async(filters), name="detection-labels")

    async def refresh_labels_async(self, filters: SearchFilters) -> bool:
        """See ``refresh_labels``: one summary per camera (every camera: the first ``LABEL_CAMERAS`` the backend
        knows). An answer overtaken by a newer call is dropped; a failure keeps the classes known."""
        self._label_generation += 1
        generation = self._label_generation
        start, end = resolve_window(filters, self._now_us())
        if filters.camera_id is not None:
            camera_ids = [filters.camera_id]
        else:
            camera_ids = [c for c, _ in self._cameras if self._service.available(c)][:LABEL_CAMERAS]
        try:
            labels = await self._service.labels(camera_ids, start, end if end is not None else self._now_us() + US)
        except PlaybackError as exc:
            log.info("the detection classes could not be read: %s", exc.text)
            return False
        if generation != self._label_generation:
            return False
        self._server_labels = labels
        self._merge_labels()
        return True

    def _merge_labels(self) -> None:
        merged = sorted({*self._server_labels, *(d.label for d in self.results.items)}, key=str.casefold)
        if merged != self._labels:
            self._labels = merged
            self.sigLabelsChanged.emit()

    def set_visible_rows(self, rows: list[int]) -> None:
        """The rows whose cards are on screen (first ones first): only their thumbnails are loaded."""
        ids = [d.id for row in rows if (d := self.results.detection(row)) is not None]
        self.thumbnails.want(ids)

    def open(self, row: int) -> bool:
        """Play the recording of the result in ``row`` at its detection's time; False when there is no such row
        or the camera cannot be played (the opener says why)."""
        detection = self.results.detection(row)
        if detection is None or self._opener is None:
            return False
        return self._opener(detection.camera_id, detection.at_us)

    # --- events -----------------------------------------------------------------------------------------
    def on_event(self, event: Any) -> None:
        """A backend event: a ``detection`` matching the filters shown joins the list and is announced."""
        if getattr(event, "type", "") != "detection" or not self._active or not self._searched or self._busy:
            return
        camera_id = self._backend.xprotect_camera_id(str(event.camera_id or ""))
        detection = detection_from_event(event, camera_id)
        if detection is None or not matches(self._filters, self._window, detection):
            return
        if self.results.insert_sorted(detection, complete=not self.has_more) is None:
            return
        self._merge_labels()
        self.sigStateChanged.emit()
        self.sigNotice.emit(
            translate("DetectionSearch", "Detected {0} ({1}) on {2} at {3}").format(
                detection.label,
                score_text(detection.score),
                isolate(self.camera_name(detection.camera_id)),
                format_instant(detection.at_us, with_date=False),
            )
        )

    # --- internals --------------------------------------------------------------------------------------
    def _now_us(self) -> int:
        return int(self._clock.time() * US)

    def _set_error(self, text: str) -> None:
        self._error = text
        self.sigStateChanged.emit()

    def _on_backend(self) -> None:
        available = self._compute_available()
        if available == self._available:
            return
        self._available = available
        if available and self._active and not self._busy:
            self.search()  # back after an outage: list again what the operator was looking at
            self.refresh_labels()
        self.sigStateChanged.emit()

"""The wall carousel: cycles a list of cameras through a wall's tiles, one page of tiles every interval.

With more cameras than tiles, each step shows the next ``tile_count`` cameras (wrapping round to the start);
with no more cameras than tiles there is nothing to cycle. The carousel pauses while the operator interacts with
the wall (``note_interaction``: for one interval after the last interaction) and while a tile is maximised.
``timer`` is a QTimer-like object (``timeout`` signal, ``start(ms)``, ``stop()``, ``isActive()``); ``clock``
(milestone.clock.Clock) measures the pause after an interaction, so tests drive both.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from milestone.clock import Clock, SystemClock

from .wall import WallViewModel

DEFAULT_INTERVAL_S = 10
MIN_INTERVAL_S = 2
MAX_INTERVAL_S = 3600


class WallCarousel(QObject):
    """Cycles ``cameras`` through ``wall`` every ``interval_s`` seconds while ``running``.

    Signals: ``sigChanged()`` (``running``, ``interval_s``, ``page``, ``page_count``, ``paused``).
    """

    sigChanged = Signal()

    def __init__(
        self, wall: WallViewModel, *, clock: Clock | None = None, timer: Any = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._wall = wall
        self._clock = clock or SystemClock()
        self._timer = timer if timer is not None else QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._cameras: list[str] = []
        self._interval_s = DEFAULT_INTERVAL_S
        self._page = 0
        self._running = False
        self._last_interaction = float("-inf")
        wall.sigMaximisedChanged.connect(lambda _i: self.sigChanged.emit())

    # --- properties -------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    @property
    def interval_s(self) -> int:
        return self._interval_s

    @property
    def cameras(self) -> list[str]:
        return list(self._cameras)

    @property
    def page(self) -> int:
        """The page shown (0-based)."""
        return self._page

    @property
    def page_count(self) -> int:
        per = max(1, self._wall.layout.tile_count)
        return max(1, -(-len(self._cameras) // per))

    @property
    def paused(self) -> bool:
        """True while a tile is maximised or within one interval of the operator's last interaction."""
        recent = self._clock.monotonic() - self._last_interaction < self._interval_s
        return self._wall.maximised >= 0 or recent

    # --- commands ---------------------------------------------------------------------------------------
    def start(self, cameras: list[str], interval_s: int = DEFAULT_INTERVAL_S) -> None:
        """Cycle ``cameras`` (ids; "" entries dropped) every ``interval_s`` (clamped to 2..3600 s), from page 0."""
        self._cameras = [c for c in cameras if c]
        self._interval_s = max(MIN_INTERVAL_S, min(MAX_INTERVAL_S, int(interval_s)))
        self._page = 0
        self._running = True
        self._wall.show_page(self._page_ids())
        self._timer.start(self._interval_s * 1000)
        self.sigChanged.emit()

    def stop(self) -> None:
        """Stop cycling; the wall keeps the page it shows."""
        if self._running:
            self._running = False
            self._timer.stop()
            self.sigChanged.emit()

    def note_interaction(self) -> None:
        """The operator did something on the wall (drop, click, menu): wait one interval before the next step."""
        self._last_interaction = self._clock.monotonic()

    def tick(self) -> bool:
        """The timer's call: show the next page unless paused or there is nothing to cycle. True when it stepped."""
        if not self._running or self.paused or self.page_count <= 1:
            return False
        self._page = (self._page + 1) % self.page_count
        self._wall.show_page(self._page_ids())
        self.sigChanged.emit()
        return True

    def _page_ids(self) -> list[str]:
        per = max(1, self._wall.layout.tile_count)
        return self._cameras[self._page * per : (self._page + 1) * per]

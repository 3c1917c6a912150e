"""Paint pacing shared by the live tiles and the player surfaces: at most one frame pull per screen refresh."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QWidget


class FramePacer:
    """Calls ``pull()`` when a new frame is ready, no sooner than one refresh interval of ``widget``'s screen
    after the previous pull (ms; 60 Hz when the screen reports nothing sensible). A hidden widget pulls nothing:
    the frame waits in the engine until the widget is shown again and pulls (``pull_soon``)."""

    def __init__(self, widget: QWidget, pull: Callable[[], None]) -> None:
        self._widget = widget
        self._pull = pull
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last_pull_ms = -1_000_000
        self._timer = QTimer(widget)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.pull_now)

    def interval_ms(self) -> float:
        screen = self._widget.screen()
        rate = screen.refreshRate() if screen is not None else 60.0
        return 1000.0 / (rate if 10.0 <= rate <= 500.0 else 60.0)

    def frame_ready(self) -> None:
        """A newer frame can be pulled: pull now, or when the refresh interval since the last pull is over."""
        if not self._widget.isVisible() or self._timer.isActive():
            return
        wait = self._last_pull_ms + self.interval_ms() - self._clock.elapsed()
        if wait <= 0:
            self.pull_now()
        else:
            self._timer.start(int(wait) + 1)

    def pull_now(self) -> None:
        self._last_pull_ms = self._clock.elapsed()
        self._pull()

    def stop(self) -> None:
        """No pending pull (the widget is going away)."""
        self._timer.stop()

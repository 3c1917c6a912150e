"""Injectable clocks, so that time-dependent logic (token renewal, pacing, reconnect back-off) is testable.

Qt-free; used by ``milestone``, ``media``, ``simulator`` and the backend.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A source of wall time (seconds since the Unix epoch, UTC) and monotonic time (seconds, arbitrary origin)."""

    def time(self) -> float: ...

    def monotonic(self) -> float: ...


class SystemClock:
    """The real clocks: ``time.time()`` and ``time.monotonic()``."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to; for tests. Both readings advance together."""

    def __init__(self, wall: float = 1_790_000_000.0, monotonic: float = 1000.0) -> None:
        self._wall = wall
        self._mono = monotonic

    def time(self) -> float:
        return self._wall

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by ``seconds`` (must be >= 0)."""
        if seconds < 0:
            raise ValueError("clocks do not go backwards")
        self._wall += seconds
        self._mono += seconds

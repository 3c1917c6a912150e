"""Wall-clock times for a stream whose timestamps are only relative (RTSP): pts seconds -> UTC microseconds.

A frame's time is ``pts + offset`` where ``offset`` = (wall clock when a packet arrived) - (its pts), taken
as the smallest such difference seen while *settling* (the first ``settle_s`` of wall time after an anchor):
a demuxer that probed the stream before handing out packets delivers its buffered packets in a burst, and the
smallest difference belongs to the newest of them, which is the one that really arrived "now". Packets are
held while settling and then released with the settled offset, so the burst keeps its real spacing.

Re-anchoring (a new offset, the next released packet flagged as a discontinuity) happens on ``reset()`` (a new
connection), when the pts goes backwards or jumps forward by more than ``max_jump_s``, and when the mapped time
strays more than ``max_drift_s`` from the wall clock. Output times never decrease and never repeat across
re-anchors: a new anchor that would map before the last released time is moved just after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Mapped(Generic[T]):
    """A released item with its wall-clock time (µs UTC) and whether it follows a re-anchor."""

    item: T
    time_us: int
    discontinuity: bool


class WallClockMapper(Generic[T]):
    """Maps stream timestamps to wall-clock µs; see the module docstring. Not thread-safe (one per reader)."""

    def __init__(self, *, settle_s: float = 1.0, max_jump_s: float = 3.0, max_drift_s: float = 30.0) -> None:
        self._settle_us = int(settle_s * 1_000_000)
        self._max_jump_us = int(max_jump_s * 1_000_000)
        self._max_drift_us = int(max_drift_s * 1_000_000)
        self._offset: int | None = None  # wall_us - pts_us
        self._settle_until: int | None = None  # wall µs when settling ends; None once settled
        self._held: list[tuple[T, int]] = []  # (item, pts_us) while settling
        self._last_pts: int | None = None
        self._last_out: int | None = None
        self._discontinuity = True
        self.anchors = 0

    def reset(self) -> None:
        """A new connection: the next packet re-anchors (release held ones with :meth:`drain` first)."""
        self._offset = None
        self._settle_until = None
        self._last_pts = None
        self._discontinuity = True

    def push(self, item: T, pts_s: float, wall_us: int) -> list[Mapped[T]]:
        """Add one packet (``pts_s``: its timestamp in seconds; ``wall_us``: now, µs UTC); return the packets
        released by this call, in order (none while settling)."""
        pts = round(pts_s * 1_000_000)
        released: list[Mapped[T]] = []
        if self._last_pts is not None and not 0 <= pts - self._last_pts <= self._max_jump_us:
            released += self.drain()
            self.reset()
        elif (
            self._offset is not None
            and self._settle_until is None
            and abs(pts + self._offset - wall_us) > self._max_drift_us
        ):
            self.reset()
        self._last_pts = pts
        if self._offset is None:
            self._offset = wall_us - pts
            self._settle_until = wall_us + self._settle_us
            self.anchors += 1
        if self._settle_until is not None:
            self._offset = min(self._offset, wall_us - pts)
            self._held.append((item, pts))
            if wall_us >= self._settle_until:
                released += self.drain()
            return released
        released.append(self._release(item, pts))
        return released

    def drain(self) -> list[Mapped[T]]:
        """Release the packets held while settling (with the offset found so far) and end settling."""
        if self._settle_until is None and not self._held:
            return []
        self._settle_until = None
        if self._held and self._last_out is not None and self._offset is not None:
            first_pts = self._held[0][1]
            if first_pts + self._offset <= self._last_out:
                self._offset = self._last_out + 1 - first_pts
        held, self._held = self._held, []
        return [self._release(item, pts) for item, pts in held]

    def _release(self, item: T, pts: int) -> Mapped[T]:
        assert self._offset is not None
        t = pts + self._offset
        if self._last_out is not None and t <= self._last_out:
            t = self._last_out + 1
        self._last_out = t
        discontinuity, self._discontinuity = self._discontinuity, False
        return Mapped(item, t, discontinuity)

"""Per-tile display statistics: what the wall actually painted, for tests, the status bar and bench/live_wall.py.

Units: latency samples in milliseconds, ``paint wall time (ms UTC) - picture_ms`` of the painted frame (the
frame's capture time as the ImageServer reported it, MILESTONE_PROTOCOL.md §3 [GBD] ``PictureTimestamp``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

MAX_LATENCY_SAMPLES = 36_000  # 40 minutes at 15 fps; older samples are discarded first


@dataclass(frozen=True, slots=True)
class TileStatsSnapshot:
    """An immutable copy of one tile's counters.

    ``frames_painted``: distinct decoded frames painted at least once. ``latency_ms``: one sample per painted
    frame, oldest first (at most ``MAX_LATENCY_SAMPLES``). ``dropped``: ``engine_dropped`` (from the handle's
    ``media.stream_stats.StreamStats``: ``dropped_before_decode`` + ``dropped_unshown``, i.e. packets discarded
    undecoded and decoded frames replaced before the tile took them) plus ``gui_dropped`` (frames the
    tile took but replaced before painting them, e.g. while hidden behind a maximised tile). ``went_live``:
    the stream reached the LIVE state at least once since the camera was assigned.
    """

    index: int
    camera_id: str | None
    frames_painted: int
    latency_ms: tuple[float, ...]
    engine_dropped: int
    gui_dropped: int
    went_live: bool

    @property
    def dropped(self) -> int:
        return self.engine_dropped + self.gui_dropped


@dataclass(slots=True)
class TileStats:
    """Mutable counters owned by one TileViewModel (GUI thread only)."""

    frames_painted: int = 0
    gui_dropped: int = 0
    engine_dropped_base: int = 0  # engine drops of handles already closed since the last reset
    went_live: bool = False
    latency_ms: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_LATENCY_SAMPLES))

    def reset(self) -> None:
        self.frames_painted = 0
        self.gui_dropped = 0
        self.engine_dropped_base = 0
        self.went_live = False
        self.latency_ms.clear()

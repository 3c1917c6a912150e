"""What a simulated recording server has on disk: history plus manual recordings, up to now, on a frame grid.

- Frame grid: frame ``n`` of every camera is at ``n * 1000 // fps`` ms UTC (the fps grid of wall time); key
  frames are the frames on whole seconds (``n % fps == 0``) and the first frame of every sequence, so a GOP
  is at most one second long and always closed.
- Recorded = ``simulator.history`` sequences united with manual recording intervals, clipped to
  ``[now - retention, now)``.
- Playback navigation (ImageServer ``goto``/``next``/``previous``, MILESTONE_PROTOCOL.md §3): ``goto T``
  returns the frame at or before T inside the sequence containing T (the first frame of that sequence if T
  precedes it); T in a gap has no frame. ``next``/``previous`` walk the grid and cross GOP and sequence
  boundaries (the frame after the last frame of a sequence is the first frame of the next sequence).
"""

from __future__ import annotations

from milestone.clock import Clock
from simulator import history
from simulator.history import Interval, merge_intervals
from simulator.manual import ManualRecordings

DAY_MS = 86_400_000
FIRST_WINDOW_MS = 600_000


class FrameGrid:
    """The fps grid of wall time: frame index <-> frame time (ms UTC)."""

    def __init__(self, fps: int) -> None:
        if not 1 <= fps <= 120:
            raise ValueError(f"fps {fps} outside 1..120")
        self.fps = fps

    def time_of(self, n: int) -> int:
        """Time (ms UTC) of frame ``n``."""
        return n * 1000 // self.fps

    def index_at_or_before(self, t_ms: int) -> int:
        """The largest frame index whose time is <= ``t_ms``."""
        return ((t_ms + 1) * self.fps - 1) // 1000

    def index_at_or_after(self, t_ms: int) -> int:
        """The smallest frame index whose time is >= ``t_ms``."""
        n = self.index_at_or_before(t_ms)
        return n if self.time_of(n) == t_ms else n + 1

    def is_whole_second(self, n: int) -> bool:
        """True for frames on whole seconds: the live key frames."""
        return n % self.fps == 0


class RecordedTimeline:
    """Recorded sequences, motion and frame navigation for every camera of the site."""

    def __init__(
        self, grid: FrameGrid, clock: Clock, manual: ManualRecordings, retention_s: float = 7 * 86_400
    ) -> None:
        self.grid = grid
        self._clock = clock
        self._manual = manual
        self._retention_ms = int(retention_s * 1000)

    def now_ms(self) -> int:
        return int(self._clock.time() * 1000)

    def sequences(self, camera_index: int, start_ms: int, end_ms: int) -> list[Interval]:
        """Recording sequences overlapping ``[start_ms, end_ms)``, clipped only to the recorded range
        ``[now - retention, now)`` (otherwise full extent), sorted."""
        now = self.now_ms()
        horizon = now - self._retention_ms
        lo, hi = max(start_ms, horizon), min(end_ms, now)
        if hi <= lo:
            return []
        a, b = lo, hi
        merged: list[Interval] = []
        for _ in range(6):  # widen until manual intervals no longer bridge into further sequences
            pieces = history.recording_sequences(camera_index, a, b) + self._manual.intervals(camera_index, a, b)
            merged = merge_intervals(pieces)
            if not merged:
                return []
            na, nb = min(a, merged[0][0]), max(b, merged[-1][1])
            if (na, nb) == (a, b):
                break
            a, b = na, nb
        clipped = [(max(s, horizon), min(e, now)) for s, e in merged]
        return [iv for iv in clipped if iv[1] > iv[0] and iv[1] > lo and iv[0] < hi]

    def motion(self, camera_index: int, start_ms: int, end_ms: int) -> list[Interval]:
        """Motion sequences overlapping ``[start_ms, end_ms)`` inside the recorded range."""
        now = self.now_ms()
        lo, hi = max(start_ms, now - self._retention_ms), min(end_ms, now)
        if hi <= lo:
            return []
        return [(b, min(e, now)) for b, e in history.motion_sequences(camera_index, lo, hi) if b < now]

    def manual_sequences(self, camera_index: int, start_ms: int, end_ms: int) -> list[Interval]:
        """Manual recording intervals overlapping ``[start_ms, end_ms)`` (RecordingWithTriggerSequence)."""
        return merge_intervals(self._manual.intervals(camera_index, start_ms, end_ms))

    def is_recording(self, camera_index: int) -> bool:
        """True when the camera records right now (schedule or manual)."""
        return self._manual.is_active(camera_index) or history.is_recorded(camera_index, self.now_ms())

    def _containing(self, camera_index: int, t_ms: int) -> Interval | None:
        for b, e in self.sequences(camera_index, t_ms, t_ms + 1):
            if b <= t_ms < e:
                return (b, e)
        return None

    def _first_frame(self, seq: Interval) -> int | None:
        f = self.grid.time_of(self.grid.index_at_or_after(seq[0]))
        return f if f < seq[1] else None

    def frame_at(self, camera_index: int, t_ms: int) -> int | None:
        """The ``goto`` frame for ``t_ms``: at or before it inside its sequence (or that sequence's first
        frame); None when ``t_ms`` is in a gap."""
        seq = self._containing(camera_index, t_ms)
        if seq is None:
            return None
        f = self.grid.time_of(self.grid.index_at_or_before(t_ms))
        return f if f >= seq[0] else self._first_frame(seq)

    def next_frame(self, camera_index: int, t_ms: int) -> int | None:
        """The first recorded frame strictly after ``t_ms`` (None when there is none up to now)."""
        a, window, now = t_ms + 1, FIRST_WINDOW_MS, self.now_ms()
        while a < now:
            for b, e in self.sequences(camera_index, a, a + window):
                f = self.grid.time_of(self.grid.index_at_or_after(max(b, a)))
                if f < e:
                    return f
            a += window
            window = min(window * 4, DAY_MS)
        return None

    def prev_frame(self, camera_index: int, t_ms: int) -> int | None:
        """The last recorded frame strictly before ``t_ms`` (None when there is none within retention)."""
        z, window = t_ms, FIRST_WINDOW_MS
        horizon = self.now_ms() - self._retention_ms
        while z > horizon:
            for b, e in reversed(self.sequences(camera_index, z - window, z)):
                f = self.grid.time_of(self.grid.index_at_or_before(min(e, z) - 1))
                if f >= b:
                    return f
            z -= window
            window = min(window * 4, DAY_MS)
        return None

    def gop(self, camera_index: int, frame_ms: int) -> list[int]:
        """Frame times of the closed GOP holding recorded frame ``frame_ms``, its key frame first.

        Raises ValueError when ``frame_ms`` is not a recorded frame on the grid.
        """
        seq = self._containing(camera_index, frame_ms)
        n = self.grid.index_at_or_before(frame_ms)
        if seq is None or self.grid.time_of(n) != frame_ms:
            raise ValueError(f"{frame_ms} is not a recorded frame of camera {camera_index}")
        first = max(n - n % self.grid.fps, self.grid.index_at_or_after(seq[0]))
        last = min(n - n % self.grid.fps + self.grid.fps - 1, self.grid.index_at_or_before(seq[1] - 1))
        return [self.grid.time_of(i) for i in range(first, last + 1)]

"""The VCR player of one camera: play, pause, speeds -8x..8x, seek, frame step, sequence jumps, snapshots.

A player owns two threads: the fetch thread asks the source for encoded GOPs (``media.playback.fetcher``) and
the decode thread decodes and presents frames at the pace of a :class:`PlaybackClock`
(``media.playback.worker``). Frames are scaled in FFmpeg to the output size and handed over through a
newest-frame slot, as in the live engine (DESIGN.md §5). Several players may follow one clock (cameras in
sync). Usage::

    player = Player(LocalSegmentsSource(refs), on_frame=..., on_state=...)
    player.start(); player.seek(t_us); player.play(-1.0); frame = player.take_frame()
    player.close()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from media.frames import DecodedFrame, FrameSlot
from media.playback.clock import PlaybackClock
from media.playback.fetcher import Fetcher
from media.playback.source import INTERNAL, PlaybackError, PlaybackSource
from media.playback.state import PlayerState, check_speed
from media.playback.worker import IDLE_SLEEP_S, PlaybackCore, Status
from milestone.clock import Clock

log = logging.getLogger(__name__)

LEAD_MIN_US = 500_000  # forward fetches run one GOP (at least this many µs of media) ahead of the picture ...
LEAD_REAL_S = 0.4  # ... plus this many real seconds of play (the GOP is complete before it is due)
_JOIN_TIMEOUT = 10.0


class Player:
    """Plays ``source`` (a ``media.playback.source.PlaybackSource``).

    ``clock``: a shared :class:`PlaybackClock` (cameras in sync); by default the player creates its own over
    ``wall_clock`` and pauses it at the start and end of the recordings. ``wall_clock``: the injected
    ``milestone.clock.Clock`` (default: the shared clock's, else ``SystemClock``). ``on_state(PlayerState)`` is
    called when anything but the position changes, ``on_frame()`` when a frame lands in the empty slot (a
    consumer that has not taken the previous frame gets no second call); both from engine threads and must not
    block. ``max_present_fps`` caps the frames shown per second at high speeds (the media time still advances
    at the speed); ``decode_ahead`` is the number of frames decoded ahead during forward play.
    """

    def __init__(
        self,
        source: PlaybackSource,
        *,
        clock: PlaybackClock | None = None,
        wall_clock: Clock | None = None,
        on_state: Callable[[PlayerState], None] | None = None,
        on_frame: Callable[[], None] | None = None,
        max_present_fps: float = 30.0,
        decode_ahead: int = 8,
    ) -> None:
        self._clock = clock if clock is not None else PlaybackClock(wall_clock)
        wall = wall_clock or self._clock.monotonic_clock
        self._source = source
        self._on_state = on_state
        self._on_frame = on_frame
        self._cond = threading.Condition()
        self._woken = False
        self._closed = False
        self._started = False
        self._steps = 0
        self._box = (0, 0)
        self._sequences: list[tuple[int, int]] = []
        self._state = PlayerState(playing=self._clock.playing, speed=self._clock.speed)
        self.skip_gaps = False
        self._slot = FrameSlot()
        self._fetcher = Fetcher(source, clock=wall, on_change=self._wake, pace=self._pace)
        self._core = PlaybackCore(
            self._clock,
            self._fetcher,
            self._slot,
            wall=wall,
            owns_clock=clock is None,
            on_frame=self._frame_ready,
            max_present_fps=max_present_fps,
            decode_ahead=decode_ahead,
        )
        self._thread = threading.Thread(target=self._run, name="playback-decode")
        self._unsubscribe: Callable[[], None] | None = None

    # ------------------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the fetch and decode threads. Raises RuntimeError when already started or closed."""
        with self._cond:
            if self._started or self._closed:
                raise RuntimeError("a player starts once")
            self._started = True
        self._unsubscribe = self._clock.subscribe(self._wake)
        self._fetcher.start()
        self._thread.start()

    def close(self) -> None:
        """Stop both threads (joined), close the source, release a shared clock. No callback runs after this
        returns. Idempotent."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:  # not from a callback
            self._thread.join(_JOIN_TIMEOUT)
        self._fetcher.close()
        self._core.stop()
        self._slot.clear()

    # ------------------------------------------------------------------------------------------ control

    @property
    def source(self) -> PlaybackSource:
        """The source this player reads."""
        return self._source

    @property
    def clock(self) -> PlaybackClock:
        """The clock this player follows (the playhead's media time: ``clock.position_us()``)."""
        return self._clock

    def set_output_size(self, width: int, height: int) -> None:
        """Scale frames (in FFmpeg) to fit ``width`` x ``height`` device pixels, aspect kept; 0,0 = native.
        The frame on screen is shown again at the new size. Raises ValueError for negative sizes."""
        if width < 0 or height < 0:
            raise ValueError(f"output size {width}x{height} is negative")
        with self._cond:
            self._box = (int(width), int(height))
        self._wake()

    def take_frame(self) -> DecodedFrame | None:
        """The newest frame not yet taken, or None. Its ``picture_ms`` is its media time (ms UTC)."""
        return self._slot.take()

    def seek(self, time_us: int) -> None:
        """Show the frame at or before ``time_us`` (µs UTC); play/pause and speed are kept."""
        self._clock.seek(int(time_us))

    def play(self, speed: float = 1.0) -> None:
        """Play at ``speed``, one of -8, -4, -2, -1, 1, 2, 4, 8 (else ValueError)."""
        self._clock.play(check_speed(speed))

    def pause(self) -> None:
        self._clock.pause()

    def step(self, frames: int) -> None:
        """Pause, then move ``frames`` recorded frames forward (> 0) or back (< 0), across GOPs and gaps."""
        self._clock.pause()
        with self._cond:
            self._steps += int(frames)
        self._wake()

    def set_sequences(self, sequences: list[tuple[int, int]]) -> None:
        """The recorded ``(start_us, end_us)`` intervals (µs UTC, e.g. from the backend's recordings query or
        SequencesGet), for :meth:`next_sequence` / :meth:`previous_sequence`."""
        cleaned = sorted((int(a), int(b)) for a, b in sequences if b > a)
        with self._cond:
            self._sequences = cleaned

    def next_sequence(self) -> None:
        """Seek to the start of the first sequence starting after the position (no-op when there is none)."""
        pos = self._clock.position_us()
        starts = [a for a, _ in self._known_sequences() if a > pos]
        if starts:
            self.seek(starts[0])

    def previous_sequence(self) -> None:
        """Seek to the start of the sequence before the one holding the position (in a gap: before the gap)."""
        pos = self._clock.position_us()
        sequences = self._known_sequences()
        cut = next((a for a, b in sequences if a <= pos < b), pos)
        starts = [a for a, _ in sequences if a < cut]
        if starts:
            self.seek(starts[-1])

    @property
    def position_us(self) -> int | None:
        """Media time (µs UTC) of the frame on screen; None before the first frame."""
        return self._core.shown_time_us

    @property
    def state(self) -> PlayerState:
        with self._cond:
            return self._state

    def snapshot(self, path: str) -> None:
        """Write the frame on screen at full (native) resolution to ``path``; the format follows the suffix
        (``.png``, ``.jpg``/``.jpeg``). Raises LookupError when no frame is shown yet, OSError/ValueError
        from writing."""
        frame = self._core.shown_native
        if frame is None:
            raise LookupError("no frame is shown yet")
        suffix = Path(path).suffix.lower()
        image = frame.to_image()
        if suffix in (".jpg", ".jpeg"):
            image.save(path, format="JPEG", quality=92)
        else:
            image.save(path)

    # ------------------------------------------------------------------------------------------ threads

    def _known_sequences(self) -> list[tuple[int, int]]:
        with self._cond:
            if self._sequences:
                return list(self._sequences)
        return self._source.sequences() or []

    def _wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def _frame_ready(self) -> None:
        if self._on_frame is not None and not self._closed:
            try:
                self._on_frame()
            except Exception:
                log.exception("on_frame callback failed")

    def _pace(self, time_us: int) -> float:
        """Seconds before a forward fetch may request the frame at ``time_us``: it runs a bounded lead (one GOP
        plus ``LEAD_REAL_S`` of play) ahead of the clock, so that in steady play requests follow each other by
        (Next - Current) / speed (MILESTONE_PROTOCOL.md §3, the vendor sample's pacing)."""
        clock = self._clock
        speed = clock.speed
        if not clock.playing or speed < 0:
            return 0.0
        lead_us = max(self._core.gop_us, LEAD_MIN_US) + LEAD_REAL_S * speed * 1_000_000
        ahead_us = time_us - lead_us - clock.position_us()
        return max(0.0, ahead_us / (speed * 1_000_000))

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                steps, self._steps = self._steps, 0
                box, skip = self._box, self.skip_gaps
                self._woken = False
            try:
                sleep = self._core.tick(steps, box, skip)
                status = self._core.status
            except Exception as exc:
                log.exception("playback tick failed")
                sleep, status = IDLE_SLEEP_S, Status(error=PlaybackError(INTERNAL, f"{type(exc).__name__}: {exc}"))
            self._publish(status)
            with self._cond:
                if not self._closed and not self._woken and sleep > 0:
                    self._cond.wait(sleep)

    def _publish(self, status: Status) -> None:
        error = status.error
        state = PlayerState(
            playing=self._clock.playing,
            speed=self._clock.speed,
            position_us=self._core.shown_time_us,
            buffering=status.buffering,
            at_end=status.at_end,
            at_start=status.at_start,
            error=str(error) if error is not None else None,
            code=error.code if error is not None else None,
            in_gap=status.in_gap,
        )
        with self._cond:
            if self._closed:
                return
            changed = not state.same_except_position(self._state)
            self._state = state
        if changed and self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:
                log.exception("on_state callback failed")

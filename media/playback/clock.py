"""The playback clock: media time (integer µs UTC) as a function of an injected monotonic clock.

One :class:`PlaybackClock` drives one player, or several players that must show the same instant (cameras
played in sync). Media time advances at ``speed`` media seconds per monotonic second while playing (negative
speed = reverse), stands still while paused, and also while any follower *holds* it (a player that has just
been asked for a new position and has no frame there yet holds the clock, so that synchronised cameras start
together and the first frames after a seek are not skipped).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from milestone.clock import Clock, SystemClock

log = logging.getLogger(__name__)

Listener = Callable[[], None]


class PlaybackClock:
    """Media time in µs UTC; thread-safe.

    ``clock`` supplies ``monotonic()`` seconds (``milestone.clock.SystemClock`` by default; a ``ManualClock``
    in tests). ``position_us`` is the initial media time. Listeners added with :meth:`subscribe` are called
    (from the thread that made the change, outside the clock's lock) after every change: seek, play, pause,
    hold and release. :attr:`version` counts the user-visible changes (seek, play, pause) only, so that a
    follower can tell "someone moved the clock" from "time passed".
    """

    def __init__(self, clock: Clock | None = None, position_us: int = 0) -> None:
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._anchor_us = int(position_us)
        self._anchor_mono = self._clock.monotonic()
        self._speed = 1.0
        self._playing = False
        self._holds: set[object] = set()
        self._version = 0
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------------------------------------ reading

    @property
    def monotonic_clock(self) -> Clock:
        """The injected clock (its ``monotonic()`` drives media time)."""
        return self._clock

    def position_us(self) -> int:
        """The media time now (µs UTC)."""
        with self._lock:
            return self._position_locked(self._clock.monotonic())

    @property
    def speed(self) -> float:
        """The speed last set by :meth:`play` (kept while paused): media seconds per monotonic second."""
        with self._lock:
            return self._speed

    @property
    def playing(self) -> bool:
        """True between :meth:`play` and :meth:`pause` (also while held)."""
        with self._lock:
            return self._playing

    @property
    def held(self) -> bool:
        """True while a follower holds the clock (media time stands still)."""
        with self._lock:
            return bool(self._holds)

    @property
    def version(self) -> int:
        """Increments on every seek, play and pause."""
        with self._lock:
            return self._version

    def seconds_until(self, position_us: int) -> float | None:
        """Monotonic seconds until media time reaches ``position_us`` (0.0 when already there or past it in
        the direction of play); None when it never will (paused, held, or moving away from it)."""
        with self._lock:
            if not self._playing or self._holds:
                return None
            now = self._position_locked(self._clock.monotonic())
            delta = position_us - now
            if delta == 0 or (delta > 0) != (self._speed > 0):
                return 0.0
            return delta / (self._speed * 1_000_000)

    # ------------------------------------------------------------------------------------------ control

    def play(self, speed: float = 1.0) -> None:
        """Run at ``speed`` (non-zero; negative = reverse). Raises ValueError for 0 or a non-finite speed."""
        if not speed or speed != speed or abs(speed) == float("inf"):
            raise ValueError(f"speed {speed!r} is not a non-zero finite number")
        with self._lock:
            self._rebase_locked()
            self._speed, self._playing = float(speed), True
            self._version += 1
        self._notify()

    def pause(self) -> None:
        """Stop media time where it is (the speed is kept for the next :meth:`play` without argument)."""
        with self._lock:
            self._rebase_locked()
            self._playing = False
            self._version += 1
        self._notify()

    def seek(self, position_us: int) -> None:
        """Jump to ``position_us`` (µs UTC), keeping play/pause and speed."""
        with self._lock:
            self._anchor_us = int(position_us)
            self._anchor_mono = self._clock.monotonic()
            self._version += 1
        self._notify()

    def hold(self, owner: object) -> None:
        """Stop media time until every holder has released it (idempotent per ``owner``)."""
        with self._lock:
            if owner in self._holds:
                return
            self._rebase_locked()
            self._holds.add(owner)
        self._notify()

    def release(self, owner: object) -> None:
        """Drop ``owner``'s hold; media time moves on from where it stood when the last hold goes."""
        with self._lock:
            if owner not in self._holds:
                return
            self._rebase_locked()
            self._holds.discard(owner)
        self._notify()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener()`` after every change; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    # ------------------------------------------------------------------------------------------ internals

    def _position_locked(self, mono: float) -> int:
        if not self._playing or self._holds:
            return self._anchor_us
        return self._anchor_us + round((mono - self._anchor_mono) * self._speed * 1_000_000)

    def _rebase_locked(self) -> None:
        mono = self._clock.monotonic()
        self._anchor_us = self._position_locked(mono)
        self._anchor_mono = mono

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception:
                log.exception("playback clock listener failed")

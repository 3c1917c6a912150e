"""A player's fetch thread: asks the source for the GOPs the decode thread wants, one question at a time.

The decode thread states what it wants, most urgent first (:meth:`Fetcher.want`, replacing the previous
list); the fetch thread asks the source the first question not yet answered and queues the answer for the
decode thread (:meth:`Fetcher.take_answers`). A question that failed is asked again after a back-off (0.5 s
doubling to 8 s, on the injected clock) or at once after :meth:`Fetcher.retry_now` (a new user command). A
paced forward fetch (``gop_after``) is cancelled as soon as it is no longer wanted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from media.playback.source import INTERNAL, FetchCancelled, Gop, PlaybackError, PlaybackSource
from milestone.clock import Clock

log = logging.getLogger(__name__)

FetchKey = tuple[str, int]
"""``(kind, time_us)``: a question. Kinds: ``"after"``/``"before"`` ask ``gop_after``/``gop_before``;
:data:`AT_FORWARD`/:data:`AT_BACKWARD` ask ``gop_at`` and, when the time is in a gap, also ``gop_after``
(``gop_before``) so that the answer says where the recording resumes. Answers are keyed ``"at"``, ``"after"``,
``"before"``."""

AT_FORWARD = "at>"
AT_BACKWARD = "at<"

RETRY_FIRST_S = 0.5
RETRY_MAX_S = 8.0
_POLL_S = 0.25  # longest real-time wait while a retry is due on the injected clock
_JOIN_TIMEOUT = 10.0


class _KeyPacer:
    """The pacer handed to one question: paces forward fetches, cancels when the question is no longer wanted."""

    def __init__(self, fetcher: Fetcher, key: FetchKey, pace: Callable[[int], float]) -> None:
        self._fetcher, self._key, self._pace = fetcher, key, pace

    def delay_s(self, time_us: int) -> float:
        self.check()
        return self._pace(time_us)

    def check(self) -> None:
        if not self._fetcher.still_wanted(self._key):
            raise FetchCancelled()


class Fetcher:
    """See the module docstring. ``on_change()`` is called (from the fetch thread) after every answer or
    failure; ``pace(time_us)`` gives the pacing delay for forward fetches (seconds)."""

    def __init__(
        self,
        source: PlaybackSource,
        *,
        clock: Clock,
        on_change: Callable[[], None],
        pace: Callable[[int], float],
    ) -> None:
        self._source = source
        self._clock = clock
        self._on_change = on_change
        self._pace = pace
        self._cond = threading.Condition()
        self._wanted: list[FetchKey] = []
        self._done: set[FetchKey] = set()
        self._retry_at: dict[FetchKey, float] = {}
        self._failures = 0
        self._answers: list[tuple[FetchKey, Gop | None]] = []
        self._error: PlaybackError | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="playback-fetch")

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop asking (a paced fetch is cancelled), close the source, join the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        try:
            self._source.close()
        except Exception:
            log.exception("closing the playback source failed")
        if self._thread.is_alive():
            self._thread.join(_JOIN_TIMEOUT)
            if self._thread.is_alive():
                log.error("the playback fetch thread did not stop within %s s", _JOIN_TIMEOUT)

    # ------------------------------------------------------------------------------------------ decode side

    def want(self, keys: list[FetchKey]) -> None:
        """Replace the questions wanted, most urgent first."""
        with self._cond:
            if keys == self._wanted:
                return
            self._wanted = list(keys)
            self._done &= set(keys)
            self._cond.notify_all()

    def retry_now(self) -> None:
        """Forget back-offs: failed questions are asked again at once."""
        with self._cond:
            self._retry_at.clear()
            self._failures = 0
            self._cond.notify_all()

    def take_answers(self) -> list[tuple[FetchKey, Gop | None]]:
        with self._cond:
            answers, self._answers = self._answers, []
            return answers

    @property
    def error(self) -> PlaybackError | None:
        """The last failure, None once a question was answered since."""
        with self._cond:
            return self._error

    def pending(self, key: FetchKey) -> bool:
        """True while ``key`` is wanted and not answered yet."""
        with self._cond:
            return key in self._wanted and key not in self._done

    def still_wanted(self, key: FetchKey) -> bool:
        with self._cond:
            return not self._closed and key in self._wanted

    # ------------------------------------------------------------------------------------------ fetch thread

    def _next_key(self) -> FetchKey | None:
        """The first wanted, unanswered question not in back-off (caller holds the lock)."""
        now = self._clock.monotonic()
        for key in self._wanted:
            if key not in self._done and self._retry_at.get(key, 0.0) <= now:
                return key
        return None

    def _run(self) -> None:
        try:
            self._source.open()
        except Exception as exc:
            with self._cond:
                self._error = exc if isinstance(exc, PlaybackError) else PlaybackError(INTERNAL, repr(exc))
            self._on_change()
        while True:
            with self._cond:
                while not self._closed and (key := self._next_key()) is None:
                    self._cond.wait(_POLL_S if self._retry_at else None)
                if self._closed or key is None:
                    return
            self._ask(key)

    def _ask(self, key: FetchKey) -> None:
        kind, time_us = key
        pacer = _KeyPacer(self, key, self._pace)
        answers: list[tuple[FetchKey, Gop | None]] = []
        try:
            if kind in (AT_FORWARD, AT_BACKWARD):
                found = self._source.gop_at(time_us, pacer)
                answers.append((("at", time_us), found))
                if found is None:  # a gap: where does the recording resume (in the direction of play)?
                    if kind == AT_FORWARD:
                        answers.append((("after", time_us), self._source.gop_after(time_us, pacer)))
                    else:
                        answers.append((("before", time_us), self._source.gop_before(time_us, pacer)))
            elif kind == "after":
                answers.append((key, self._source.gop_after(time_us, pacer)))
            else:
                answers.append((key, self._source.gop_before(time_us, pacer)))
        except FetchCancelled:
            return
        except Exception as exc:
            with self._cond:
                if self._closed:  # closing the source interrupted the question
                    return
            if not isinstance(exc, PlaybackError):
                log.exception("playback source failed on %s", key)
                exc = PlaybackError(INTERNAL, f"{type(exc).__name__}: {exc}")
            with self._cond:
                self._error = exc
                delay = min(RETRY_MAX_S, RETRY_FIRST_S * 2**self._failures)
                self._failures += 1
                self._retry_at[key] = self._clock.monotonic() + delay
            log.info("playback: %s failed (%s), again in %.1f s", key[0], exc, delay)
            self._on_change()
            return
        with self._cond:
            self._answers.extend(answers)
            self._done.add(key)
            self._retry_at.pop(key, None)
            self._failures = 0
            self._error = None
        self._on_change()

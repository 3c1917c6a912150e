"""Reconnect policy for live streams: exponential back-off with jitter, reset after a stable connection."""

from __future__ import annotations

import random
from dataclasses import dataclass

from milestone.clock import Clock


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """How a live stream retries. All durations in seconds.

    Network-type failures (refused, dropped, malformed stream, stall) wait ``initial_delay`` doubling
    (``multiplier``) up to ``max_delay``, each delay spread by ±``jitter`` (a fraction) so that a wall of tiles
    does not reconnect in lock-step; a connection that stayed live for ``stable_seconds`` resets the
    sequence. A refused vms_token is retried on the same back-off, and after ``auth_refusals_before_failed``
    refusals in a row the stream reports AUTH_FAILED and retries every ``slow_retry`` (or as soon as the
    token source announces a new token). A camera the user may not see (or that no longer exists) is retried
    every ``slow_retry``. ``stall_timeout`` is how long a live connection may deliver nothing before it is
    treated as dropped; ``connect_timeout`` bounds opening the connection; ``compression_rate`` is the
    ``live`` request's parameter (MILESTONE_PROTOCOL.md §3).
    """

    initial_delay: float = 0.5
    max_delay: float = 10.0
    multiplier: float = 2.0
    jitter: float = 0.2
    stable_seconds: float = 30.0
    slow_retry: float = 30.0
    auth_refusals_before_failed: int = 3
    stall_timeout: float = 15.0
    connect_timeout: float = 10.0
    compression_rate: int = 90


class Backoff:
    """The delay before the next reconnect attempt, following a :class:`ReconnectPolicy`.

    Call :meth:`mark_live` when a connection starts delivering frames and :meth:`next_delay` after it fails;
    a connection that was live for at least ``stable_seconds`` (by ``clock.monotonic()``) restarts the
    sequence at ``initial_delay``. ``rng`` supplies the jitter (pass a seeded ``random.Random`` in tests).
    Not thread-safe: one instance per stream, used on the engine loop.
    """

    def __init__(self, policy: ReconnectPolicy, clock: Clock, rng: random.Random | None = None) -> None:
        self._policy = policy
        self._clock = clock
        self._rng = rng or random.Random()
        self._attempt = 0
        self._live_since: float | None = None

    @property
    def attempt(self) -> int:
        """How many delays were handed out since the last reset."""
        return self._attempt

    def mark_live(self) -> None:
        """The current connection delivers frames (call once per connection, on its first frame)."""
        if self._live_since is None:
            self._live_since = self._clock.monotonic()

    def reset(self) -> None:
        """Start over at ``initial_delay``."""
        self._attempt = 0
        self._live_since = None

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt; also ends the current connection's live period."""
        policy = self._policy
        if self._live_since is not None and self._clock.monotonic() - self._live_since >= policy.stable_seconds:
            self._attempt = 0
        self._live_since = None
        base = min(policy.max_delay, policy.initial_delay * policy.multiplier ** min(self._attempt, 64))
        self._attempt += 1
        spread = self._rng.uniform(1.0 - policy.jitter, 1.0 + policy.jitter)
        return min(policy.max_delay, base * spread)

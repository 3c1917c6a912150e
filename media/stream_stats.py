"""Stream states and counters reported to the GUI for every live stream."""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields, replace
from enum import Enum


class StreamState(Enum):
    """Where a live stream is. Values are stable lower-case strings (safe to persist or translate by key)."""

    CONNECTING = "connecting"  # first connection attempt under way
    LIVE = "live"  # frames are arriving on an open ImageServer connection
    RECONNECTING = "reconnecting"  # the connection dropped or failed; retrying with back-off
    NO_PERMISSION = "no_permission"  # the server refused this camera for this user; retrying rarely
    AUTH_FAILED = "auth_failed"  # the vms_token was refused several times in a row; still retrying slowly
    STOPPED = "stopped"  # closed by the caller; final


@dataclass(frozen=True, slots=True)
class StreamStats:
    """A snapshot of one stream's counters since it was opened.

    ``packets_received``: ImageServer image responses read; ``frames_decoded``: pictures out of the decoder;
    ``frames_taken``: frames the consumer took; ``dropped_before_decode``: packets discarded undecoded
    (bounded queue full, or waiting for a key frame); ``dropped_unshown``: decoded frames never taken
    (overwritten in the newest-frame slot, or not scaled because a newer one was already due);
    ``decode_errors``: packets the decoder rejected; ``reconnects``: connection attempts after the first;
    ``last_error``: the latest error as ``"Type: message"`` (never contains a token), "" when none.
    """

    packets_received: int = 0
    frames_decoded: int = 0
    frames_taken: int = 0
    dropped_before_decode: int = 0
    dropped_unshown: int = 0
    decode_errors: int = 0
    reconnects: int = 0
    last_error: str = ""


_COUNTERS = frozenset(f.name for f in fields(StreamStats) if f.name != "last_error")


class StatsCounter:
    """The mutable, thread-safe counters behind :class:`StreamStats` (written by reader and decode threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats = StreamStats()

    def add(self, **deltas: int) -> None:
        """Add to named counters, e.g. ``add(frames_decoded=1)``. Raises KeyError for an unknown name."""
        unknown = set(deltas) - _COUNTERS
        if unknown:
            raise KeyError(f"unknown counters: {sorted(unknown)}")
        with self._lock:
            self._stats = replace(self._stats, **{k: getattr(self._stats, k) + v for k, v in deltas.items()})

    def set_error(self, error: BaseException | str) -> None:
        """Record the latest error (an exception becomes ``"Type: message"``)."""
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        with self._lock:
            self._stats = replace(self._stats, last_error=text)

    def snapshot(self) -> StreamStats:
        """The current counters (an immutable copy)."""
        with self._lock:
            return self._stats

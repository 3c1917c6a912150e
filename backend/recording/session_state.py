"""The recording manager's settings and in-memory state: limits, the running sessions, the waiting local recorders.

Shared by ``manager`` (commands and the scheduler), ``milestone_upkeep`` (XProtect's side) and
``local_supervisor`` (the backend's own recorder). Times are wall seconds from the injected clock unless a name
ends in ``_us`` (integer UTC microseconds, as in the database).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .ports import CameraTarget
from .store import SessionView


@dataclass(frozen=True, slots=True)
class RecordingLimits:
    """Durations in seconds (RECORDING_DEFAULT/MIN/MAX_DURATION), concurrency (RECORDING_MAX_CONCURRENT), and
    the manager's own periods: progress events, the XProtect watchdog, the renewal margin before XProtect's
    timeout, the retry period of a failed XProtect stop, and the back-off of a local recorder that could not
    start (first retry after ``local_retry_first_s``, doubling up to ``local_retry_max_s``)."""

    default_s: int = 900
    min_s: int = 60
    max_s: int = 7200
    max_concurrent: int = 50
    progress_interval_s: float = 5.0
    watchdog_interval_s: float = 15.0
    renew_margin_s: float = 5.0
    stop_retry_s: float = 10.0
    local_retry_first_s: float = 1.0
    local_retry_max_s: float = 30.0

    def local_retry_delay(self, attempts: int) -> float:
        """Seconds before the next start of a local recorder that failed ``attempts`` (>= 1) times in a row."""
        return min(self.local_retry_max_s, self.local_retry_first_s * 2 ** max(0, attempts - 1))


@dataclass(slots=True)
class LocalWait:
    """A running session whose local recorder is not recording: it could not start (XProtect unavailable at
    start-up, ...), it ended by itself, or (``restart``) it runs but must be stopped and started again because
    the XProtect session it reads through was replaced. ``since``: wall s it has not recorded since;
    ``next_try``: wall s of the next start attempt; ``outage_id``: the ``recorder_down`` outage row open for the
    time (None: none written yet); ``reason``: the last failure (English, no secrets)."""

    since: float
    next_try: float
    attempts: int = 0
    outage_id: int | None = None
    reason: str = ""
    restart: bool = False


@dataclass(slots=True)
class ActiveSession:
    """A session in state ``recording``. ``milestone_since``: wall s when XProtect's current manual recording
    began (None: not known to record); ``local_since``: wall s when the local recorder last started;
    ``local_ends``: times in a row the recorder ended by itself soon after starting (its restart back-off);
    ``local_wait``: set while the local recorder waits for a retry."""

    view: SessionView
    camera: CameraTarget
    milestone_since: float | None = None
    next_progress: float = 0.0
    next_watchdog: float = 0.0
    local_since: float | None = None
    local_ends: int = 0
    local_wait: LocalWait | None = None


@dataclass(slots=True)
class ManagerState:
    """The running sessions and their per-camera locks (commands and the scheduler take the camera's lock)."""

    active: dict[str, ActiveSession] = field(default_factory=dict)  # by camera id
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def lock(self, camera_id: str) -> asyncio.Lock:
        return self.locks.setdefault(camera_id, asyncio.Lock())


def to_us(seconds: float) -> int:
    """Wall seconds -> integer UTC microseconds."""
    return round(seconds * 1_000_000)

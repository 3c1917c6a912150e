"""What a playback source hands the player: encoded GOPs by time, key frame first, each frame with its time.

A GOP (group of pictures) is a key frame and the frames that depend on it, up to the next key frame. Sources
deliver *closed* GOPs: every frame decodes from the GOP's own key frame (the recorder cuts segments at key
frames; the simulator's GOPs are closed, docs/simulator.md; XProtect's sync frames, MILESTONE_PROTOCOL.md §3).
All times are integer µs UTC (the wall time of each frame).

Sources are blocking and are called from one thread at a time (the player's fetch thread). They raise
:class:`PlaybackError` with a machine ``code`` for anything the operator should hear about.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from milestone.models import VideoCodec

CONTIGUOUS_US = 1_000_000
"""Frames further apart than this are separated by a gap (no recording in between)."""

DEFAULT_FRAME_US = 40_000
"""Frame duration assumed for a one-frame GOP whose spacing is unknown (25 fps)."""

# Machine codes of PlaybackError / PlayerState.code (the GUI translates them).
UNREACHABLE = "unreachable"  # recording server or segment host not reachable, connection dropped
TLS = "tls"  # TLS handshake with the recording server failed
AUTH_FAILED = "auth_failed"  # the vms_token was refused (and renewal did not help)
NO_PERMISSION = "no_permission"  # the user may not play this camera
NOT_FOUND = "not_found"  # camera unknown to the recording server / no recording server visible
PROTOCOL = "protocol"  # the server's answers could not be understood
SEGMENT_MISSING = "segment_missing"  # a local segment file or URL does not exist (404)
SEGMENT_FORBIDDEN = "segment_forbidden"  # the segment URL refused us (401/403: token, expired presigned URL)
SEGMENT_UNAVAILABLE = "segment_unavailable"  # other HTTP/file error reading a segment
SEGMENT_INVALID = "segment_invalid"  # the segment is not MPEG-TS with H.264 video
DECODE = "decode"  # the video could not be decoded
INTERNAL = "internal"  # a bug: see the log


class PlaybackError(Exception):
    """A failure the operator should hear about; ``code`` is one of the module's codes, the message English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class FetchCancelled(Exception):
    """The player no longer wants what a source is fetching (raised by a :class:`Pacer`)."""


@dataclass(frozen=True, slots=True)
class EncodedUnit:
    """One access unit: Annex-B bytes (key frames carry SPS/PPS), its wall time (µs UTC), key frame flag."""

    data: bytes
    time_us: int
    key_frame: bool


@dataclass(frozen=True, slots=True, eq=False)
class Gop:
    """A closed GOP: ``units`` in decode (= display) order, key frame first, times strictly increasing.

    ``end_us`` is where the GOP's last frame ends: the next GOP's start when the recording continues without a
    gap, else the last frame's time plus one frame duration. ``before_us`` is the time of the frame right
    before this GOP when the source knows it (an ImageServer ``Prev`` header), else None.
    """

    codec: VideoCodec
    units: tuple[EncodedUnit, ...]
    end_us: int
    before_us: int | None = None

    def __post_init__(self) -> None:
        if not self.units:
            raise ValueError("a GOP needs at least one frame")
        if self.end_us <= self.units[-1].time_us:
            raise ValueError("a GOP must end after its last frame")

    @property
    def start_us(self) -> int:
        """Time of the key frame (µs UTC)."""
        return self.units[0].time_us

    @property
    def last_us(self) -> int:
        """Time of the last frame (µs UTC)."""
        return self.units[-1].time_us

    def contains(self, time_us: int) -> bool:
        """True when ``time_us`` falls in ``[start_us, end_us)``."""
        return self.start_us <= time_us < self.end_us

    def index_at(self, time_us: int) -> int:
        """Index of the frame at or before ``time_us`` (0 when ``time_us`` precedes the GOP)."""
        lo, hi = 0, len(self.units) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.units[mid].time_us <= time_us:
                lo = mid
            else:
                hi = mid - 1
        return lo


def frame_spacing_us(times: Sequence[int], default: int = DEFAULT_FRAME_US) -> int:
    """Median spacing of increasing frame times (µs), ``default`` when fewer than two."""
    steps = [b - a for a, b in pairwise(times) if b > a]
    return int(statistics.median(steps)) if steps else default


def gop_end(times: Sequence[int], next_start_us: int | None) -> int:
    """``end_us`` for a GOP with frame ``times`` followed by a frame at ``next_start_us`` (None: none known):
    the next start when it follows within :data:`CONTIGUOUS_US`, else the last time plus one frame spacing."""
    last = times[-1]
    if next_start_us is not None and last < next_start_us <= last + CONTIGUOUS_US:
        return next_start_us
    spacing = frame_spacing_us(times)
    if next_start_us is not None and next_start_us > last:
        return min(last + spacing, next_start_us)
    return last + spacing


class Pacer(Protocol):
    """How fast a source may fetch ahead, and whether the player still wants the answer (it implements it)."""

    def delay_s(self, time_us: int) -> float:
        """Seconds to wait before requesting the frame at ``time_us`` during forward play (0.0 = now).
        Raises FetchCancelled when the player no longer wants the fetch in progress."""
        ...

    def check(self) -> None:
        """Raise FetchCancelled when the player no longer wants the fetch in progress (a network source
        calls it between requests)."""
        ...


class PlaybackSource(Protocol):
    """Encoded video of one camera by time. ``label`` names it in logs (no secrets)."""

    label: str

    def open(self) -> None:
        """Prepare (threads, connections may open lazily). Called once, from the player's fetch thread."""
        ...

    def close(self) -> None:
        """Release connections, files and threads. Idempotent; called from any thread."""
        ...

    def gop_at(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        """The GOP whose span holds ``time_us``; None when no recording covers it (a gap, or outside)."""
        ...

    def gop_after(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        """The first GOP whose key frame is later than ``time_us``; None after the last recording.

        ``pacer`` spaces the requests a network source makes during forward play (MILESTONE_PROTOCOL.md §3:
        ``(Next - Current) / speed``) and cancels fetches the player no longer wants (all three methods).
        """
        ...

    def gop_before(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        """The GOP holding the last frame earlier than ``time_us``; None before the first recording."""
        ...

    def sequences(self) -> list[tuple[int, int]] | None:
        """Recorded ``(start_us, end_us)`` intervals when the source knows them without asking a server
        (local segments), else None (the player then uses ``Player.set_sequences``)."""
        ...

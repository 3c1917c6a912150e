"""What the timeline draws for one camera: recorded blocks, gaps with their reason, motion and manual sessions.

``CameraLanes`` is built from the backend's ``RecordingQueryResult`` (``lanes_from_query``, the wire contract
``backend.api.schemas_playback``) or, without a backend, from XProtect's ``SequencesGet`` answers
(``lanes_from_sequences``; MILESTONE_PROTOCOL.md §4: recording and motion sequence types). All times are
integer µs UTC, intervals half-open ``[start_us, end_us)``. Reason texts are already in the operator's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .playback_texts import bilingual, gap_reason_text
from .playback_time import to_us

RECORDED, GAPS, MOTION, SESSIONS = "recorded", "gaps", "motion", "sessions"
LANES = (RECORDED, MOTION, SESSIONS)  # the rows of one camera, top to bottom (gaps share the recorded row)


@dataclass(frozen=True, slots=True)
class Span:
    """A plain interval ``[start_us, end_us)`` (motion)."""

    start_us: int
    end_us: int


@dataclass(frozen=True, slots=True)
class RecordedBlock:
    """A recorded sequence; ``source`` ``milestone`` | ``local`` | ``both``; ``available`` False when the
    footage is known but cannot be played (e.g. still uploading)."""

    start_us: int
    end_us: int
    source: str = "milestone"
    available: bool = True


@dataclass(frozen=True, slots=True)
class GapBlock:
    """A stretch without recording; ``reason`` a ``GapReason`` or None; ``text`` the reason to show."""

    start_us: int
    end_us: int
    reason: str | None
    text: str


@dataclass(frozen=True, slots=True)
class SessionBlock:
    """A manual recording session; ``end_us`` is the query's end for a session still running."""

    start_us: int
    end_us: int
    recording_id: str
    status: str
    storage_mode: str
    running: bool = False


@dataclass(frozen=True, slots=True)
class CameraLanes:
    """Everything drawn for ``camera_id`` over the queried range ``[start_us, end_us)``.

    ``origin`` ``backend`` | ``milestone`` (where the answer came from); ``message``: the backend's remark
    (e.g. "no recordings in this range") in the operator's language, or ""; ``coverage`` 0..1.
    """

    camera_id: str
    start_us: int
    end_us: int
    recorded: tuple[RecordedBlock, ...] = ()
    gaps: tuple[GapBlock, ...] = ()
    motion: tuple[Span, ...] = ()
    sessions: tuple[SessionBlock, ...] = ()
    message: str = ""
    coverage: float = 0.0
    origin: str = "backend"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def sequences_us(self) -> list[tuple[int, int]]:
        """The recorded (start_us, end_us) pairs, oldest first (for the player's jumps and gap skipping)."""
        return [(b.start_us, b.end_us) for b in self.recorded]

    def gap_at(self, t_us: int) -> GapBlock | None:
        return next((g for g in self.gaps if g.start_us <= t_us < g.end_us), None)

    def recorded_at(self, t_us: int) -> RecordedBlock | None:
        return next((b for b in self.recorded if b.start_us <= t_us < b.end_us), None)

    def motion_at(self, t_us: int) -> Span | None:
        return next((m for m in self.motion if m.start_us <= t_us < m.end_us), None)

    def session_at(self, t_us: int) -> SessionBlock | None:
        return next((s for s in self.sessions if s.start_us <= t_us < s.end_us), None)


def lanes_from_query(result: Any) -> CameraLanes:
    """``CameraLanes`` from a ``RecordingQueryResult`` (drawn exactly as returned: no merging, no clipping)."""
    start_us, end_us = to_us(result.query_range.start), to_us(result.query_range.end)
    recorded = tuple(
        RecordedBlock(to_us(s.start_time), to_us(s.end_time), str(s.source), bool(s.available))
        for s in result.sequences
    )
    gaps = tuple(
        GapBlock(
            to_us(g.start_time),
            to_us(g.end_time),
            g.reason,
            bilingual(g.message, g.message_ar) or gap_reason_text(g.reason),
        )
        for g in result.gaps
    )
    motion = tuple(Span(to_us(m.start_time), to_us(m.end_time)) for m in result.motion)
    sessions = tuple(
        SessionBlock(
            to_us(s.start_time),
            to_us(s.end_time) if s.end_time is not None else end_us,
            str(s.recording_id),
            str(s.status),
            str(s.storage_mode),
            running=s.end_time is None,
        )
        for s in result.sessions
    )
    return CameraLanes(
        camera_id=str(result.camera_id),
        start_us=start_us,
        end_us=end_us,
        recorded=recorded,
        gaps=gaps,
        motion=motion,
        sessions=sessions,
        message=bilingual(result.message, result.message_ar),
        coverage=float(result.coverage),
        origin="backend",
    )


def complement(spans: Sequence[tuple[int, int]], start_us: int, end_us: int) -> list[tuple[int, int]]:
    """The parts of ``[start_us, end_us)`` not covered by ``spans`` (any order, may overlap)."""
    out: list[tuple[int, int]] = []
    cursor = start_us
    for begin, end in sorted(spans):
        if begin > cursor:
            out.append((cursor, min(begin, end_us)))
        cursor = max(cursor, end)
        if cursor >= end_us:
            break
    if cursor < end_us:
        out.append((cursor, end_us))
    return [(a, b) for a, b in out if b > a]


def lanes_from_sequences(
    camera_id: str,
    start_us: int,
    end_us: int,
    recordings_ms: Iterable[tuple[int, int]],
    motion_ms: Iterable[tuple[int, int]],
    message: str = "",
) -> CameraLanes:
    """``CameraLanes`` from XProtect's recording and motion sequences (ms UTC, clipped to the range); the gaps
    are the rest of the range, reason unknown (XProtect does not say why it did not record)."""

    def clip(items: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        spans = ((max(b * 1000, start_us), min(e * 1000, end_us)) for b, e in items)
        return sorted((b, e) for b, e in spans if e > b)

    recorded = clip(recordings_ms)
    gaps = complement(recorded, start_us, end_us)
    total = sum(e - b for b, e in recorded)
    return CameraLanes(
        camera_id=camera_id,
        start_us=start_us,
        end_us=end_us,
        recorded=tuple(RecordedBlock(b, e, "milestone", True) for b, e in recorded),
        gaps=tuple(GapBlock(b, e, None, gap_reason_text(None)) for b, e in gaps),
        motion=tuple(Span(b, e) for b, e in clip(motion_ms)),
        message=message,
        coverage=total / (end_us - start_us) if end_us > start_us else 0.0,
        origin="milestone",
    )

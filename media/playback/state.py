"""What a player reports to the GUI: :class:`PlayerState`, and the speeds it accepts."""

from __future__ import annotations

from dataclasses import dataclass

SPEEDS = (-8.0, -4.0, -2.0, -1.0, 1.0, 2.0, 4.0, 8.0)
"""Playback speeds a player accepts (negative = reverse)."""


@dataclass(frozen=True, slots=True)
class PlayerState:
    """A player's state.

    ``playing``/``speed``: its clock's (speed kept while paused). ``position_us``: media time (µs UTC) of the
    frame on screen, None before the first frame. ``buffering``: waiting for video at the clock's position.
    ``at_end``/``at_start``: nothing is recorded after/before the position (playback stopped there).
    ``in_gap``: the position is between two recordings (no picture for it; shown only when ``skip_gaps`` is
    off). ``error``: English text for the log, None when fine; ``code``: its machine code
    (``media.playback.source`` constants: ``unreachable``, ``auth_failed``, ``no_permission``, ``not_found``,
    ``segment_missing``, ``segment_forbidden``, ...) for the GUI to translate.
    """

    playing: bool = False
    speed: float = 1.0
    position_us: int | None = None
    buffering: bool = False
    at_end: bool = False
    at_start: bool = False
    error: str | None = None
    code: str | None = None
    in_gap: bool = False

    def same_except_position(self, other: PlayerState) -> bool:
        """True when only ``position_us`` differs (a moving playhead is not a state change worth a callback)."""
        return (
            self.playing,
            self.speed,
            self.buffering,
            self.at_end,
            self.at_start,
            self.error,
            self.code,
            self.in_gap,
        ) == (
            other.playing,
            other.speed,
            other.buffering,
            other.at_end,
            other.at_start,
            other.error,
            other.code,
            other.in_gap,
        )


def check_speed(speed: float) -> float:
    """``speed`` as a float when it is one of :data:`SPEEDS`; else ValueError."""
    value = float(speed)
    if value not in SPEEDS:
        raise ValueError(f"speed {speed!r} is not one of {', '.join(f'{s:g}' for s in SPEEDS)}")
    return value

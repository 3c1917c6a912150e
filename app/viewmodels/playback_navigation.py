"""Where the VCR commands lead: shuttle speeds (J/L), sequence jumps, and which camera steps for a group.

Pure functions over times in µs UTC and the view-models' data; the playback view-model applies the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from media.playback.state import SPEEDS

from .playback_lanes import CameraLanes
from .playback_time import US


def shuttle_speed(playing: bool, speed: float, forward: bool) -> float:
    """L (``forward``) / J: play at 1x (-1x), or double a speed already going that way, up to 8x (-8x)."""
    if playing and (speed > 0) == forward:
        return min(SPEEDS[-1], speed * 2) if forward else max(SPEEDS[0], speed * 2)
    return 1.0 if forward else -1.0


def sequence_starts(lanes: Sequence[CameraLanes]) -> list[int]:
    """Every recorded sequence's start over several cameras, sorted, without duplicates."""
    return sorted({block.start_us for camera in lanes for block in camera.recorded})


def next_start(starts: Sequence[int], position_us: int) -> int | None:
    """Page Down: the first start after the position."""
    return next((s for s in starts if s > position_us), None)


def previous_start(starts: Sequence[int], position_us: int) -> int | None:
    """Page Up: the start of the sequence playing when more than a second into it, else the one before."""
    earlier = [s for s in starts if s < position_us - US]
    return earlier[-1] if earlier else None


def stepping_player(channels: Sequence[Any], lanes_of: Callable[[str], CameraLanes | None], time_us: int | None) -> Any:
    """The player that steps for cameras sharing one clock: the first with a recording at ``time_us``, else
    the first with a player (None when none has one). ``channels`` are ``PlaybackChannel``s."""
    players = [c.player for c in channels if c.player is not None]
    if time_us is not None:
        for channel in channels:
            lanes = lanes_of(channel.camera_id)
            if channel.player is not None and lanes is not None and lanes.recorded_at(time_us) is not None:
                return channel.player
    return players[0] if players else None


def sequence_owner(channels: Sequence[Any], lanes_of: Callable[[str], CameraLanes | None], start_us: int) -> Any:
    """The player of the camera whose recorded sequence starts at ``start_us`` (the one a Page Up/Down jump
    lands on); else ``stepping_player``'s choice. Stepping that player onto the sequence's first picture moves
    the shared clock there; another camera recording through ``start_us`` would step from its own frame
    before ``start_us`` and could land a frame later."""
    for channel in channels:
        lanes = lanes_of(channel.camera_id)
        if channel.player is not None and lanes is not None and any(b.start_us == start_us for b in lanes.recorded):
            return channel.player
    return stepping_player(channels, lanes_of, start_us)

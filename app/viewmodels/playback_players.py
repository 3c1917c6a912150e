"""Making and closing the media players of the playback view-model (``media.playback.Player``).

A player is made for a channel's media source plan, told the recorded sequences and the gap skipping, started
(its own fetch and decode threads), sought and, when the others play, set playing. Closing joins its threads:
it runs in a worker thread, never on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from media.playback.clock import PlaybackClock
from media.playback.player import Player
from milestone.clock import Clock

from .playback_channel import PlaybackChannel
from .playback_sources import MediaSourcePlan

log = logging.getLogger(__name__)

PlayerFactory = Callable[..., Any]  # (source, *, clock, wall_clock, on_state, on_frame) -> media Player
ClockFactory = Callable[[Clock], Any]  # wall clock -> media PlaybackClock


def default_player_factory(source: Any, **kwargs: Any) -> Any:
    return Player(source, **kwargs)


def default_clock_factory(clock: Clock) -> Any:
    return PlaybackClock(clock)


def start_player(
    factory: PlayerFactory,
    plan: MediaSourcePlan,
    channel: PlaybackChannel,
    *,
    media_clock: Any,
    wall_clock: Clock,
    sequences: list[tuple[int, int]] | None,
    skip_gaps: bool,
    position_us: int,
    playing_speed: float | None,
) -> Any:
    """Make ``channel``'s player for ``plan`` (following ``media_clock``, None: its own), attach and start it
    at ``position_us``, playing at ``playing_speed`` (None: paused). Returns the player; raises what the
    player raises."""
    on_state, on_frame = channel.callbacks()
    player = factory(plan.source, clock=media_clock, wall_clock=wall_clock, on_state=on_state, on_frame=on_frame)
    channel.attach(player, plan.kind)
    if sequences is not None:
        player.set_sequences(sequences)
    player.skip_gaps = skip_gaps
    player.start()
    player.seek(position_us)
    if playing_speed is not None:
        player.play(playing_speed)
    return player


async def close_player(player: Any) -> None:
    """Close ``player`` in a worker thread (it joins its threads); failures are logged, never raised."""
    if player is None:
        return
    try:
        await asyncio.get_running_loop().run_in_executor(None, player.close)
    except Exception:
        log.exception("closing a player failed")

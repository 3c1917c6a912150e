"""The player's view-model: the cameras played back (in sync), the VCR commands, the timeline kept in step.

``open(cameras)`` shows one ``PlaybackChannel`` per camera and a ``TimelineViewModel`` row for each. For every
camera it asks ``RecordingsService`` for the media source of the timeline's range (the backend's local segments
or XProtect's ImageServer, as the backend prefers; XProtect alone without a backend) and starts a media
``Player`` on it. Several cameras follow one shared ``PlaybackClock`` (they play in sync; play, pause and seek
go to all, a frame step to one camera and the others follow the clock); a single camera's player has its own
clock, which pauses by itself at the first and last recording. The first camera leads: its position moves the
timeline's playhead (at display rate while playing), and a click on the timeline seeks every player.
``back_to_live()`` closes the players and asks the main window to return the cameras to live (``sigBackToLive``).

With a ``DetectionsService`` the timeline also reads the backend's detections, and ``detections``
(``PlaybackDetections``) follows classes, jumps to the next / previous detection and boxes them over the video;
without one (the default) there are no detections.

Shuttle keys follow the editing-suite convention: L plays forward, again doubles the speed (up to 8x); J the
same backwards; K pauses. Speeds are ``SPEEDS`` (-8x … 8x). Players are closed off the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from media.playback.state import check_speed
from milestone.clock import Clock, SystemClock

from ..tasks import TaskRunner
from .detections import DetectionsService
from .playback_channel import PlaybackChannel
from .playback_detections import PlaybackDetections
from .playback_navigation import (
    next_start,
    previous_start,
    sequence_owner,
    sequence_starts,
    shuttle_speed,
    stepping_player,
)
from .playback_players import (
    ClockFactory,
    PlayerFactory,
    close_player,
    default_clock_factory,
    default_player_factory,
    start_player,
)
from .playback_snapshot import save_snapshot, snapshot_file_name
from .playback_sources import PlaybackError, RecordingsService
from .playback_texts import translate
from .playback_time import DAY_US, HOUR_US, MINUTE_US, US, format_instant
from .timeline import TimelineViewModel

log = logging.getLogger(__name__)

SEEK_STEP_US = 10 * US  # Left / Right
POSITION_TICK_MS = 16  # the playhead follows the player at display rate while playing
OPEN_BACK_US = MINUTE_US  # "View recordings" opens one minute before now


class PlaybackViewModel(QObject):
    """See the module docstring. GUI-thread object.

    Signals: ``sigOpened()`` / ``sigClosed()`` (the panel shows / hides), ``sigChannelsChanged()``,
    ``sigTransportChanged()`` (playing, speed, skip gaps), ``sigPositionChanged()``, ``sigNotice(str)``
    (translated: snapshot saved or failed), ``sigBackToLive(list camera_ids)``.
    """

    sigOpened = Signal()
    sigClosed = Signal()
    sigChannelsChanged = Signal()
    sigTransportChanged = Signal()
    sigPositionChanged = Signal()
    sigNotice = Signal(str)
    sigBackToLive = Signal(list)

    def __init__(
        self,
        service: RecordingsService,
        runner: TaskRunner,
        clock: Clock | None = None,
        *,
        player_factory: PlayerFactory = default_player_factory,
        clock_factory: ClockFactory = default_clock_factory,
        detections: DetectionsService | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._clock = clock or SystemClock()
        self._player_factory = player_factory
        self._clock_factory = clock_factory
        self.timeline = TimelineViewModel(service.lanes, runner, self._clock, parent=self, detections=detections)
        self.timeline.sigSeekRequested.connect(self.seek)
        self.timeline.sigLanesChanged.connect(self._on_lanes)
        self.timeline.sigRangeChosen.connect(self._reopen_sources)
        self._channels: list[PlaybackChannel] = []
        self._media_clock: Any = None
        self._playing = False
        self._speed = 1.0
        self._chosen_speed = 1.0
        self._skip_gaps = False
        self._position: int | None = None
        self._open = False
        self._generation = 0
        self._workers: set[asyncio.Task[Any]] = set()
        self._ticker = QTimer(self)
        self._ticker.setInterval(POSITION_TICK_MS)
        self._ticker.timeout.connect(self._update_position)
        self.detections = PlaybackDetections(self, parent=self)
        self.sigOpened.connect(self.detections.reset)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def channels(self) -> list[PlaybackChannel]:
        return list(self._channels)

    @property
    def camera_ids(self) -> list[str]:
        return [c.camera_id for c in self._channels]

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> float:
        """The speed playing now, or the one the next play uses."""
        return self._speed if self._playing else self._chosen_speed

    @property
    def skip_gaps(self) -> bool:
        return self._skip_gaps

    @property
    def position_us(self) -> int | None:
        """The leading camera's position (µs UTC), or the last time sought before a frame arrived."""
        return self._position

    @property
    def position_text(self) -> str:
        """The position as the operator reads it (local date and time with ms), "" when none."""
        return format_instant(self._position, millis=True) if self._position is not None else ""

    def snapshot_name(self) -> str:
        """A file name for a snapshot of the leading camera at the position (``snapshot_file_name``)."""
        name = self._channels[0].name if self._channels else "camera"
        return snapshot_file_name(name, self._position or self.timeline.now_us())

    # --- open / close -----------------------------------------------------------------------------------
    def open(self, cameras: list[tuple[str, str]], at_us: int | None = None) -> None:
        """Play back ``(camera_id, name)`` cameras in sync (returns at once), at ``at_us`` (default: a minute
        ago), paused. The timeline shows the last 24 hours (the last hour visible), or for ``at_us`` outside its
        range a day around it."""
        if not cameras:
            return
        self._close_players()
        self._open = False
        now = self.timeline.now_us()
        at = int(at_us) if at_us is not None else now - OPEN_BACK_US
        low, high = self.timeline.range_us
        if at_us is None:
            self.timeline.set_follow_now(False)
            self.timeline.set_range(now - DAY_US, now, (now - HOUR_US, now))
        elif not (low <= at < min(high, now)):
            self.timeline.set_follow_now(False)
            self.timeline.set_range(at - 23 * HOUR_US, min(now, at + HOUR_US), (at - HOUR_US // 2, at + HOUR_US // 2))
        self._channels = [PlaybackChannel(camera_id, name, self) for camera_id, name in cameras]
        self._channels[0].sigStateChanged.connect(self._on_leader_state)
        self._open = True
        self._playing, self._speed, self._position = False, self._chosen_speed, at
        self.timeline.set_cameras(list(cameras))
        self.timeline.set_playhead(at)
        self.sigChannelsChanged.emit()
        self.sigTransportChanged.emit()
        self.sigPositionChanged.emit()
        self.sigOpened.emit()
        self._start_sources(at)

    def _start_sources(self, at_us: int) -> None:
        """Open every camera's source (tasks). Several cameras share one clock (in sync); a single camera's
        player keeps its own, which also pauses by itself at the first and last recording."""
        self._generation += 1
        self._media_clock = self._clock_factory(self._clock) if len(self._channels) > 1 else None
        for channel in self._channels:
            channel.set_opening()
            self._runner.spawn(self._open_channel(self._generation, channel, at_us), name="playback-open")

    async def _open_channel(self, generation: int, channel: PlaybackChannel, at_us: int) -> None:
        start, end = self.timeline.range_us
        try:
            plan = await self._service.media_source(
                channel.camera_id, start, min(end, self.timeline.now_us()), around_us=at_us
            )
        except PlaybackError as exc:
            if generation == self._generation:
                channel.fail(exc.text)
            return
        if generation != self._generation or channel not in self._channels:
            return
        lanes = self.timeline.lanes(channel.camera_id)
        try:
            player = start_player(
                self._player_factory,
                plan,
                channel,
                media_clock=self._media_clock,
                wall_clock=self._clock,
                sequences=lanes.sequences_us() if lanes is not None else None,
                skip_gaps=self._skip_gaps,
                position_us=self._position if self._position is not None else at_us,
                playing_speed=self._speed if self._playing else None,
            )
        except Exception:
            log.exception("cannot start playback of camera %s", channel.camera_id)
            channel.fail(translate("PlaybackTexts", "Playback failed."))
            self._in_worker(close_player(channel.detach()), "playback-close")
            return
        if self._media_clock is None:
            self._media_clock = player.clock

    def _reopen_sources(self) -> None:
        """The operator chose another range: read it from its own sources, at the same time when inside."""
        if not self._open:
            return
        low, high = self.timeline.range_us
        at = self._position if self._position is not None and low <= self._position < high else low
        self._close_players(keep_channels=True)
        self._position = at
        self.timeline.set_playhead(at)
        self._start_sources(at)

    def back_to_live(self) -> None:
        """Close the players and return the cameras to live (``sigBackToLive``, then ``sigClosed``)."""
        cameras = self.camera_ids
        self.close()
        self.sigBackToLive.emit(cameras)

    def close(self) -> None:
        """Close every player (off the GUI thread) and hide the panel."""
        if not self._open:
            return
        self._close_players()
        self._open = False
        self.timeline.close()
        self.sigChannelsChanged.emit()
        self.sigClosed.emit()

    def _close_players(self, keep_channels: bool = False) -> None:
        self._generation += 1
        self._ticker.stop()
        self._playing = False
        for channel in self._channels:
            player = channel.detach()
            if player is not None:
                self._in_worker(close_player(player), "playback-close")
        if not keep_channels:
            for channel in self._channels:
                channel.deleteLater()
            self._channels = []
        self.sigTransportChanged.emit()

    def _in_worker(self, coro: Any, name: str) -> None:
        """Run ``coro`` (it waits on a worker thread) as a task that shutdown waits for: a worker finishing after
        the event loop closed would call back into a dead loop."""
        task = self._runner.spawn(coro, name=name)
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def aclose(self) -> None:
        """Shutdown: close every player and wait for them, and for closings and snapshots still running."""
        players = [c.detach() for c in self._channels]
        self._channels = []
        self._open = False
        self._ticker.stop()
        closing = [close_player(p) for p in players if p is not None]
        await asyncio.gather(*closing, *list(self._workers), return_exceptions=True)

    # --- transport --------------------------------------------------------------------------------------
    def _players(self) -> list[Any]:
        return [c.player for c in self._channels if c.player is not None]

    def _each(self, command: Callable[[Any], None]) -> None:
        for player in self._players():
            try:
                command(player)
            except Exception:
                log.exception("a player command failed")

    def play(self, speed: float | None = None) -> None:
        """Play every camera at ``speed`` (one of ``SPEEDS``, else ValueError; default: the chosen speed)."""
        speed = check_speed(self._chosen_speed if speed is None else speed)
        self._chosen_speed = speed
        self._playing, self._speed = True, speed
        self._each(lambda p: p.play(speed))
        self._ticker.start()
        self.sigTransportChanged.emit()

    def pause(self) -> None:
        self._playing = False
        self._each(lambda p: p.pause())
        self._ticker.stop()
        self.sigTransportChanged.emit()
        self._update_position()

    def toggle_play(self) -> None:
        """Space: pause when playing, else play at the chosen speed."""
        if self._playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        """Choose the speed (applies at once while playing)."""
        if self._playing:
            self.play(speed)
        else:
            self._chosen_speed = check_speed(speed)
            self.sigTransportChanged.emit()

    def shuttle_forward(self) -> None:
        """L: play forward at 1x, or double a forward speed (up to 8x)."""
        self.play(shuttle_speed(self._playing, self._speed, forward=True))

    def shuttle_reverse(self) -> None:
        """J: play backwards at -1x, or double a backward speed (down to -8x)."""
        self.play(shuttle_speed(self._playing, self._speed, forward=False))

    def step(self, frames: int) -> None:
        """Comma / period: one frame back (-1) or forward (+1); pauses first. Cameras in sync share one clock:
        one camera steps (the first recording at the position) and moves the clock, the others follow it."""
        if self._playing:
            self._playing = False
            self._ticker.stop()
            self.sigTransportChanged.emit()
        player = self._stepper(self._position)
        if player is not None:
            player.step(frames)

    def _stepper(self, time_us: int | None) -> Any:
        return stepping_player(self._channels, self.timeline.lanes, time_us)

    def seek(self, time_us: int) -> None:
        """Show ``time_us`` on every camera (within one frame); play or pause continues."""
        time_us = int(time_us)
        self._position = time_us
        self._each(lambda p: p.seek(time_us))
        self.timeline.set_playhead(time_us)
        self.sigPositionChanged.emit()

    def seek_relative(self, delta_us: int) -> None:
        """Left / Right: ``delta_us`` from the position (kept inside the timeline's range)."""
        if self._position is not None:
            self.timeline.request_seek(self._position + delta_us)

    def go_start(self) -> None:
        """Home: the first recording of the range (the range's start when nothing is recorded)."""
        starts = [lanes.recorded[0].start_us for lanes in self._lanes() if lanes.recorded]
        if starts:
            self._jump(min(starts))
        else:
            self.timeline.request_seek(self.timeline.range_us[0])

    def go_end(self) -> None:
        """End: the last second recorded in the range."""
        ends = [lanes.recorded[-1].end_us for lanes in self._lanes() if lanes.recorded]
        high = min(self.timeline.range_us[1], self.timeline.now_us())
        self.timeline.request_seek((max(ends) if ends else high) - US)

    def next_sequence(self) -> None:
        """Page Down: the start of the next recorded sequence of any camera shown (they move together)."""
        starts = sequence_starts(self._lanes())
        if not starts or self._position is None:
            self._each(lambda p: p.next_sequence())  # the lanes are not known yet: each player's own
        elif (target := next_start(starts, self._position)) is not None:
            self._jump(target)

    def previous_sequence(self) -> None:
        """Page Up: the start of the sequence playing (more than a second into it), else of the one before."""
        starts = sequence_starts(self._lanes())
        if not starts or self._position is None:
            self._each(lambda p: p.previous_sequence())
        elif (target := previous_start(starts, self._position)) is not None:
            self._jump(target)

    def _jump(self, start_us: int) -> None:
        """Show the first frame of the sequence starting at ``start_us``. A sequence begins up to a frame before
        its first picture, and a paused seek shows the frame at or before the time (there: none, a gap), so
        paused, the jump lands just before the start and steps one frame forward onto the first picture."""
        if self._playing:
            self.timeline.request_seek(start_us)
            return
        self.timeline.request_seek(start_us - 1)
        player = sequence_owner(self._channels, self.timeline.lanes, start_us)
        if player is not None:
            player.step(1)

    def set_skip_gaps(self, skip: bool) -> None:
        self._skip_gaps = bool(skip)
        for player in self._players():
            player.skip_gaps = self._skip_gaps
        self.sigTransportChanged.emit()

    # --- snapshot ---------------------------------------------------------------------------------------
    def snapshot(self, path: str) -> None:
        """Save the leading camera's picture to ``path`` (PNG or JPEG by suffix; returns at once)."""
        self._in_worker(self.snapshot_async(path), "playback-snapshot")

    async def snapshot_async(self, path: str) -> bool:
        """Save the leading camera's picture in a worker thread; True on success. The outcome is a ``sigNotice``."""
        player = self._channels[0].player if self._channels else None
        ok, text = await save_snapshot(player, Path(path))
        self.sigNotice.emit(text)
        return ok

    # --- timeline in step -------------------------------------------------------------------------------
    def _lanes(self) -> list[Any]:
        return [lanes for c in self._channels if (lanes := self.timeline.lanes(c.camera_id)) is not None]

    def _on_lanes(self, row: int) -> None:
        """New lanes: the players learn the recorded sequences (jumps, gap skipping)."""
        for channel in self._channels if row < 0 else self._channels[row : row + 1]:
            lanes = self.timeline.lanes(channel.camera_id)
            if lanes is not None and channel.player is not None:
                channel.player.set_sequences(lanes.sequences_us())

    def _on_leader_state(self) -> None:
        """A single camera's player pauses by itself at the first or last recording: follow it."""
        state = self._channels[0].state if self._channels else None
        if state is not None and self._playing and not state.playing and (state.at_end or state.at_start):
            self._playing = False
            self._ticker.stop()
            self.sigTransportChanged.emit()
            self._update_position()

    def note_frame(self, channel: PlaybackChannel) -> None:
        """A surface pulled a new frame of ``channel``: the leading camera moves the playhead."""
        if self._channels and channel is self._channels[0] and not self._playing:
            self._update_position()

    def _update_position(self) -> None:
        """Playing: the shared clock's media time (smooth, also across gaps and at 8x); paused: the time of the
        leading camera's picture (exact to the frame)."""
        if not self._channels:
            return
        position = self._channels[0].position_us
        clock = self._media_clock
        if self._playing and clock is not None and self._channels[0].player is not None:
            position = clock.position_us()
        if position is None or position == self._position:
            return
        self._position = position
        self.timeline.set_playhead(position)
        self.sigPositionChanged.emit()

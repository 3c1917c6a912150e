"""The decode-and-present step of a player: what to fetch, decode and show for the clock's media time now.

Each :meth:`PlaybackCore.tick` (on the player's decode thread) looks at the :class:`PlaybackClock`, finds the
position in the :class:`GopIndex`, decodes what the frame at or before the position needs, shows it when it
changed, decodes a little ahead in the direction of play and tells the fetch thread what to ask the source
next. It returns how long the thread may sleep. Forward play keeps ``decode_ahead`` frames decoded ahead;
reverse play decodes the whole GOP at the position and then the previous one while this one is shown
backwards. A position the player has no frame for yet (after a seek, play, step) holds the clock until the
frame is shown, so cameras sharing a clock start together. On a shared clock a player holds it for at most
``SHARED_HOLD_LIMIT_S`` per clock change: a camera whose source hangs then shows "buffering" while the others
play on, instead of freezing the whole group.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from av.video.frame import VideoFrame

from media.frames import DecodedFrame, FrameSlot
from media.playback.clock import PlaybackClock
from media.playback.fetcher import AT_BACKWARD, AT_FORWARD, Fetcher, FetchKey
from media.playback.gop_buffer import DecodedGop, GopDecoder
from media.playback.gop_index import INF, GopIndex, Where
from media.playback.source import CONTIGUOUS_US, DECODE, Gop, PlaybackError
from milestone.clock import Clock

log = logging.getLogger(__name__)

CHUNK = 3  # units decoded ahead per tick, so that presenting stays on time
MAX_SLEEP_S = 0.05  # longest sleep while playing (also bounds the reaction to an injected clock)
IDLE_SLEEP_S = 0.5  # longest sleep while paused or waiting for the fetch thread
FAR_US = 10_000_000  # a pending "at" question this close to the position is still worth its answer
SHARED_HOLD_LIMIT_S = 2.0  # longest hold of a shared clock per clock change (s, wall clock)


@dataclass
class Status:
    """What one tick found (becomes the PlayerState)."""

    buffering: bool = False
    in_gap: bool = False
    at_end: bool = False
    at_start: bool = False
    error: PlaybackError | None = None


class PlaybackCore:
    """See the module docstring. Used by one thread only (the player's decode thread)."""

    def __init__(
        self,
        clock: PlaybackClock,
        fetcher: Fetcher,
        slot: FrameSlot,
        *,
        wall: Clock,
        owns_clock: bool,
        on_frame: Callable[[], None],
        max_present_fps: float,
        decode_ahead: int,
    ) -> None:
        self.clock = clock
        self.index = GopIndex()
        self.status = Status()
        self.shown_time_us: int | None = None
        self.shown_native: VideoFrame | None = None
        self._fetcher = fetcher
        self._slot = slot
        self._wall = wall
        self._owns_clock = owns_clock
        self._on_frame = on_frame
        self._min_interval = 1.0 / max_present_fps if max_present_fps > 0 else 0.0
        self._ahead = max(1, decode_ahead)
        self._decoder = GopDecoder()
        self._bufs: dict[int, DecodedGop] = {}
        self._touched: set[int] = set()
        self._version = -1
        self._own_version = -1  # the clock's version after this player's own seek/pause
        self._settled = False
        self._holding = False
        self._hold_since = 0.0  # wall monotonic s when the current hold began
        self._hold_given_up = -1  # the clock version whose hold ran out (no new hold until the next change)
        self._steps = 0
        self._at_key: FetchKey | None = None
        self._shown_box: tuple[int, int] | None = None
        self._last_present = float("-inf")
        self.gop_us = 1_000_000  # duration of the GOP at the position (µs): the pacer's lead covers one

    # ------------------------------------------------------------------------------------------ the tick

    def tick(self, steps: int, box: tuple[int, int], skip_gaps: bool) -> float:
        """One round of work; returns the seconds the caller may sleep (0.0: call again at once)."""
        for (kind, time_us), gop in self._fetcher.take_answers():
            {"at": self.index.record_at, "after": self.index.record_after, "before": self.index.record_before}[kind](
                time_us, gop
            )
        wants: list[FetchKey] = []
        self._steps += steps
        if self._steps:
            self._apply_steps(wants)
        version = self.clock.version
        if version != self._version:
            self._version, self._settled, self._at_key = version, False, None
            if version != self._own_version:  # a user command: ask again where the recordings end
                self.index.forget_edges()
                self._fetcher.retry_now()
        pos = self.clock.position_us()
        playing, speed = self.clock.playing, self.clock.speed
        direction = 0 if not playing else (1 if speed > 0 else -1)
        status = Status(error=self._fetcher.error)
        self._touched = set()
        where = self.index.locate(pos)
        if pos <= 0:  # never positioned: nothing to fetch before the first seek
            sleep = IDLE_SLEEP_S
        elif not where.known:
            status.buffering = True
            wants.append(self._at_question(pos, direction))
            sleep = IDLE_SLEEP_S
        elif where.gop is not None:
            sleep = self._at_gop(where.gop, pos, direction, box, wants, status)
        else:
            sleep = self._in_gap(where, pos, direction, skip_gaps, wants, status)
        self._hold(playing and not self._settled and status.error is None)
        self._fetcher.want(wants)
        self.index.prune(pos)
        self._bufs = {start: buf for start, buf in self._bufs.items() if start in self._touched}
        self.status = status
        return sleep

    def stop(self) -> None:
        """Release the clock (the player is closing)."""
        self._hold(False)

    # ------------------------------------------------------------------------------------------ positions

    def _at_gop(
        self, gop: Gop, pos: int, direction: int, box: tuple[int, int], wants: list[FetchKey], status: Status
    ) -> float:
        buf = self._buf(gop)
        self.gop_us = gop.end_us - gop.start_us
        idx = gop.index_at(pos)
        last = len(gop.units) - 1
        self._decoder.decode(buf, last if direction < 0 else idx, need=idx)
        found = buf.frame(idx)
        held_back = False
        if found is None:
            if buf.fed > idx:
                status.error = PlaybackError(DECODE, f"the frame at {gop.units[idx].time_us} could not be decoded")
        elif not self._present(gop, found[0], found[1], box, limit=direction != 0):
            held_back = True
        work = 0
        if direction >= 0:
            nxt = self.index.successor(gop)
            if nxt is None:
                wants.append(("after", gop.start_us))
            elif nxt is False and idx == last:
                status.at_end = True
            elif isinstance(nxt, Gop) and direction > 0 and self.index.successor(nxt) is None:
                wants.append(("after", nxt.start_us))  # two GOPs ahead: paced fetches have a GOP of margin
            if direction > 0:
                buf.release_before(idx)
                work = self._decode_ahead(buf, idx, nxt if isinstance(nxt, Gop) else None)
        if direction <= 0:
            prv = self.index.predecessor(gop)
            if prv is None:
                wants.append(("before", gop.start_us))
            elif prv is False and idx == 0:
                status.at_start = True
            elif isinstance(prv, Gop) and direction < 0 and buf.complete:
                pbuf = self._buf(prv)
                work = self._decoder.decode(pbuf, min(len(prv.units) - 1, pbuf.fed - 1 + CHUNK))
        if direction == 0:
            return IDLE_SLEEP_S
        if held_back:  # the frame-rate cap: show the due frame as soon as it allows
            return max(0.0, self._last_present + self._min_interval - self._wall.monotonic())
        if direction > 0:
            change_at = gop.units[idx + 1].time_us if idx < last else gop.end_us
        else:
            change_at = gop.units[idx].time_us - 1
        return 0.0 if work else self._sleep_until(change_at)

    def _in_gap(
        self, where: Where, pos: int, direction: int, skip_gaps: bool, wants: list[FetchKey], status: Status
    ) -> float:
        """No frame at ``pos``: between recordings (``in_gap``) or beyond the first/last one."""
        status.at_end, status.at_start = where.at_end, where.at_start
        status.in_gap = not (where.at_end or where.at_start)
        forward = direction >= 0
        after_key: FetchKey = ("after", where.gap_start_us)
        before_key: FetchKey = ("before", where.gap_end_us if where.gap_end_us < INF else where.gap_start_us + 1)
        if forward and where.next_gop is None and not where.at_end:
            wants.append(after_key)
        elif not forward and where.prev_gop is None and not where.at_start:
            wants.append(before_key)
        else:
            self._settled = True
        if self._owns_clock and forward and where.at_end:  # nothing after: stop on the last frame
            if where.prev_gop is not None:
                self._move(where.prev_gop.last_us, pause=direction > 0)
                return 0.0
            if direction > 0:
                self._move(None, pause=True)
            if not where.at_start:
                wants.append(before_key)
            return IDLE_SLEEP_S
        if self._owns_clock and not forward and where.at_start:  # nothing before: stop on the first frame
            if where.next_gop is not None:
                self._move(where.next_gop.start_us, pause=True)
                return 0.0
            self._move(None, pause=True)
            if not where.at_end:
                wants.append(after_key)
            return IDLE_SLEEP_S
        if forward and where.next_gop is not None:
            snap = direction == 0 and (
                (where.at_start and self._owns_clock) or where.next_gop.start_us - pos <= CONTIGUOUS_US
            )  # paused just before a recording (a sequence's start time precedes its first frame): show it
            if skip_gaps or snap:
                self._move(where.next_gop.start_us)
                return 0.0
            if direction > 0:
                self._decode_ahead(None, 0, where.next_gop)
        if not forward and where.prev_gop is not None and skip_gaps:
            self._move(where.prev_gop.last_us)
            return 0.0
        if direction == 0:
            return IDLE_SLEEP_S
        edge = where.gap_end_us if direction > 0 else where.gap_start_us - 1
        return self._sleep_until(edge) if -INF < edge < INF else MAX_SLEEP_S

    def _at_question(self, pos: int, direction: int) -> FetchKey:
        """The question for an unknown position, or the pending one asked for a nearby position (a moving
        clock must not cancel it)."""
        key = self._at_key
        if key is None or not self._fetcher.pending(key) or abs(key[1] - pos) > FAR_US:
            key = self._at_key = (AT_BACKWARD if direction < 0 else AT_FORWARD, pos)
        return key

    # ------------------------------------------------------------------------------------------ frames

    def _buf(self, gop: Gop) -> DecodedGop:
        buf = self._bufs.get(gop.start_us)
        if buf is None or buf.gop is not gop:
            buf = self._bufs[gop.start_us] = DecodedGop(gop)
        self._touched.add(gop.start_us)
        return buf

    def _decode_ahead(self, buf: DecodedGop | None, idx: int, nxt: Gop | None) -> int:
        """Decode up to CHUNK units of the ``decode_ahead`` frames after ``idx`` (into ``nxt`` past the GOP)."""
        remaining = self._ahead
        if buf is not None:
            last = len(buf.gop.units) - 1
            if not buf.complete and buf.fed - 1 < min(last, idx + remaining):
                return self._decoder.decode(buf, min(last, idx + remaining, buf.fed - 1 + CHUNK))
            remaining -= last - idx
        if nxt is None or remaining <= 0:
            return 0
        nbuf = self._buf(nxt)
        target = min(len(nxt.units) - 1, remaining - 1)
        return self._decoder.decode(nbuf, min(target, nbuf.fed - 1 + CHUNK)) if nbuf.fed - 1 < target else 0

    def _present(self, gop: Gop, index: int, frame: VideoFrame, box: tuple[int, int], *, limit: bool) -> bool:
        """Show ``frame`` unless it is on screen already; False when held back by the frame-rate cap."""
        time_us = gop.units[index].time_us
        if time_us == self.shown_time_us and box == self._shown_box:
            self._settled = True
            self._hold(False)
            return True
        now = self._wall.monotonic()
        if limit and self._settled and now < self._last_present + self._min_interval:
            return False
        data = self._decoder.to_bgra(frame, *box)
        height, width = data.shape[:2]
        decoded = DecodedFrame(data, width, height, time_us // 1000, now, self._wall.monotonic())
        self.shown_time_us, self.shown_native, self._shown_box = time_us, frame, box
        self._last_present = now
        replaced = self._slot.put(decoded)
        self._settled = True
        self._hold(False)  # before on_frame: whoever sees the frame sees the clock moving again
        if not replaced:
            self._on_frame()
        return True

    # ------------------------------------------------------------------------------------------ steps, clock

    def _apply_steps(self, wants: list[FetchKey]) -> None:
        """Move the (paused) clock by ``self._steps`` frames as far as the index allows; ask for the rest."""
        pos = self.clock.position_us()
        where = self.index.locate(pos)
        if not where.known:
            wants.append(self._at_question(pos, self._steps))
            return
        gop = where.gop
        if gop is not None:
            idx = gop.index_at(pos)
        elif self._steps > 0 and where.next_gop is not None:
            gop, idx, self._steps = where.next_gop, 0, self._steps - 1
        elif self._steps < 0 and where.prev_gop is not None:
            gop, idx, self._steps = where.prev_gop, len(where.prev_gop.units) - 1, self._steps + 1
        else:
            if (self._steps > 0 and where.at_end) or (self._steps < 0 and where.at_start):
                self._steps = 0
            elif self._steps > 0:
                wants.append(("after", where.gap_start_us))
            else:
                wants.append(("before", where.gap_end_us if where.gap_end_us < INF else where.gap_start_us + 1))
            return
        while self._steps:
            forward = self._steps > 0
            if 0 <= idx + (1 if forward else -1) < len(gop.units):
                idx += 1 if forward else -1
            else:
                other = self.index.successor(gop) if forward else self.index.predecessor(gop)
                if other is None:
                    wants.append(("after" if forward else "before", gop.start_us))
                    break
                if other is False:
                    self._steps = 0
                    break
                gop, idx = other, 0 if forward else len(other.units) - 1
            self._steps += -1 if forward else 1
        target = gop.units[idx].time_us
        if target != pos:
            self.clock.seek(target)  # a user's step: counts as a user command

    def _move(self, position_us: int | None, *, pause: bool = False) -> None:
        """The player's own clock change (skip a gap, stop at an edge): not a user command."""
        if pause:
            self.clock.pause()
        if position_us is not None:
            self.clock.seek(position_us)
        self._own_version = self.clock.version

    def _sleep_until(self, media_us: int) -> float:
        due = self.clock.seconds_until(media_us)
        if due is None:
            return MAX_SLEEP_S
        if self._settled and self._min_interval:
            due = max(due, self._last_present + self._min_interval - self._wall.monotonic())
        return max(0.0, min(MAX_SLEEP_S, due))

    def _hold(self, hold: bool) -> None:
        if hold and not self._owns_clock:
            if self._hold_given_up == self._version:
                hold = False
            elif self._holding and self._wall.monotonic() - self._hold_since > SHARED_HOLD_LIMIT_S:
                log.info("playback: no frame %.1f s after a clock change; shared clock released", SHARED_HOLD_LIMIT_S)
                self._hold_given_up, hold = self._version, False
        if hold and not self._holding:
            self._holding = True
            self._hold_since = self._wall.monotonic()
            self.clock.hold(self)
        elif not hold and self._holding:
            self._holding = False
            self.clock.release(self)

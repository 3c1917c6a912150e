"""GOP navigation over one ImageServer playback connection: ``goto`` / ``next`` / ``previous``.

MILESTONE_PROTOCOL.md §3: ``goto`` returns the frame at (or before) a time, ``next``/``previous`` step one
recorded frame across GOPs, sequences and gaps; every answer carries ``Prev``/``Current``/``Next`` (ms UTC);
a GenericByteData frame names its key frame in ``sync_ms``; where nothing is recorded all headers are 0; at the
newest recorded frame ``Next == Current`` (the vendor TcpVideoViewer sample's end condition, docs/simulator.md).

- The GOP at T: ``goto T``; a non-key frame's ``sync_ms`` names its key frame: ``goto`` it, then ``next``
  until the next key frame, which is kept as the start of the following GOP.
- Forward play: the following GOP starts at that kept key frame, so it costs one ``next`` per frame. Each
  ``next`` waits for the player's pacer: in steady play requests are spaced by ``(Next - Current) / speed``
  as in the vendor sample, running a bounded lead ahead of the picture on screen (a frame beyond a gap is
  asked for at once: the player needs to know where the recording resumes).
- Reverse: the frame before a GOP is its key frame's ``Prev``; ``goto`` it, ``goto`` its ``sync_ms``, then
  ``next`` up to it: one request per frame plus one.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque

from media.playback.source import CONTIGUOUS_US, PROTOCOL, EncodedUnit, Gop, Pacer, PlaybackError, gop_end
from milestone.imageserver import ImageServerConnection
from milestone.models import ImageFrame

KEY_CACHE = 64  # key frames remembered by GOP start / as successors of a GOP
REQUEST_LOG = 512  # answered requests remembered for diagnostics (pacing is checked by tests)
PACE_POLL_S = 0.05  # longest sleep between two looks at the pacer (a seek cancels within this)


class ImageServerGops:
    """GOPs by time over ``conn`` (already ``connect``-ed to the camera). All methods run on ``conn``'s loop,
    one at a time. Raises the connection's ``MilestoneError`` subclasses, PlaybackError(PROTOCOL) for answers
    that contradict the protocol, and ``FetchCancelled`` from the pacer."""

    def __init__(self, conn: ImageServerConnection) -> None:
        self.conn = conn
        self._cursor_ms: int | None = None  # the server's playback position (Current of the last answer)
        self._keys: OrderedDict[int, ImageFrame] = OrderedDict()  # GOP start ms -> its key frame
        self._successors: OrderedDict[int, ImageFrame] = OrderedDict()  # GOP start ms -> first frame after it
        self._pacer = _Unpaced(None)  # the current question's cancellation check
        self.requests: deque[tuple[float, str, int]] = deque(maxlen=REQUEST_LOG)  # (loop time s, method, Current)

    # ------------------------------------------------------------------------------------------ requests

    async def _goto(self, t_ms: int) -> ImageFrame:
        self._pacer.check()
        frame = await self.conn.goto(t_ms)
        return self._answered("goto", frame)

    async def _step(self, forward: bool) -> ImageFrame:
        self._pacer.check()
        frame = await (self.conn.next() if forward else self.conn.previous())
        return self._answered("next" if forward else "previous", frame)

    def _answered(self, method: str, frame: ImageFrame) -> ImageFrame:
        self._cursor_ms = None if frame.empty else frame.current_ms
        self.requests.append((asyncio.get_running_loop().time(), method, frame.current_ms))
        return frame

    # ------------------------------------------------------------------------------------------ GOPs

    async def gop_at(self, time_us: int, pacer: Pacer | None) -> Gop | None:
        """The GOP whose span holds ``time_us``, None in a gap or outside the recordings."""
        self._pacer = _Unpaced(pacer)
        frame = await self._goto(time_us // 1000)
        if frame.empty or frame.current_ms * 1000 > time_us:
            return None
        gop = await self._build(await self._key_of(frame), None)
        return gop if gop.contains(time_us) else None

    async def gop_after(self, time_us: int, pacer: Pacer | None) -> Gop | None:
        """The first GOP whose key frame is later than ``time_us`` (None after the newest recording)."""
        self._pacer = _Unpaced(pacer)
        t_ms = time_us // 1000
        first = self._successors.get(t_ms) if time_us % 1000 == 0 else None
        if first is None:
            frame = await self._goto(t_ms)
            if frame.empty:  # in a gap: the next recorded frame
                frame = await self._step(True)
                if frame.empty or frame.current_ms * 1000 <= time_us:
                    return None
                first = frame
            elif frame.current_ms * 1000 > time_us:  # goto answered the first frame of a later sequence
                first = frame
            else:
                gop = await self._build(await self._key_of(frame), pacer)
                first = self._successors.get(gop.start_us // 1000)
                if first is None:
                    return None
        if not 0 < first.current_ms - first.prev_ms <= CONTIGUOUS_US // 1000:
            pacer = None  # the first GOP after a gap: the player needs it now to know where recording resumes
        await _pace(pacer, first.current_ms * 1000)
        key = await self._key_of(first)
        if self._cursor_ms != key.current_ms:
            key = await self._goto(key.current_ms)
            if key.empty or not key.key_frame:
                raise PlaybackError(PROTOCOL, "goto to a key frame did not return it")
        return await self._build(key, pacer)

    async def gop_before(self, time_us: int, pacer: Pacer | None) -> Gop | None:
        """The GOP holding the last frame earlier than ``time_us`` (None before the oldest recording)."""
        self._pacer = _Unpaced(pacer)
        t_ms = -(-time_us // 1000)  # frames strictly before time_us are at or before t_ms - 1
        known_key = self._keys.get(t_ms) if time_us % 1000 == 0 else None
        ends_there = False
        if known_key is not None and 0 < known_key.prev_ms < known_key.current_ms:
            frame = await self._goto(known_key.prev_ms)
            ends_there = True
        else:
            frame = await self._goto(t_ms - 1)
            if frame.empty or frame.current_ms >= t_ms:  # a gap (or a sequence's first frame): step back
                frame = await self._step(False)
                ends_there = True
        if frame.empty or frame.current_ms >= t_ms:
            return None
        gop = await self._build(await self._key_of(frame), None, stop_ms=frame.current_ms if ends_there else None)
        return gop

    # ------------------------------------------------------------------------------------------ internals

    async def _key_of(self, frame: ImageFrame) -> ImageFrame:
        """``frame`` if it is a key frame, else its key frame (``goto sync_ms``); the cursor ends on the key."""
        if frame.key_frame:
            return frame
        cached = self._keys.get(frame.sync_ms)
        if cached is not None and self._cursor_ms == cached.current_ms:
            return cached
        if not 0 < frame.sync_ms <= frame.current_ms:
            raise PlaybackError(PROTOCOL, f"frame {frame.current_ms} names no key frame (sync {frame.sync_ms})")
        key = await self._goto(frame.sync_ms)
        if key.empty or not key.key_frame or key.current_ms != frame.sync_ms:
            raise PlaybackError(PROTOCOL, f"goto {frame.sync_ms} did not return the key frame it names")
        return key

    async def _build(self, key: ImageFrame, pacer: Pacer | None, stop_ms: int | None = None) -> Gop:
        """Walk ``next`` from ``key`` (the server's cursor is on it) to the end of its GOP: the frame before
        the next key frame, ``stop_ms`` (known last frame) or the newest recording."""
        frames = [key]
        cur = key
        following: ImageFrame | None = None
        while True:
            if stop_ms is not None and cur.current_ms >= stop_ms:
                break
            if cur.next_ms <= cur.current_ms:  # Next == Current: the newest recorded frame
                break
            if cur.next_ms - cur.current_ms <= CONTIGUOUS_US // 1000:  # beyond a gap: ask now, no pacing
                await _pace(pacer, cur.next_ms * 1000)
            if self._cursor_ms != cur.current_ms:
                await self._goto(cur.current_ms)
            frame = await self._step(True)
            if frame.empty or frame.current_ms <= cur.current_ms:
                break
            if frame.key_frame or frame.sync_ms != key.current_ms:
                following = frame
                break
            frames.append(frame)
            cur = frame
        times = [f.current_ms * 1000 for f in frames]
        after = cur.next_ms * 1000 if cur.next_ms > cur.current_ms else None
        before = key.prev_ms * 1000 if 0 < key.prev_ms < key.current_ms else None
        units = tuple(EncodedUnit(f.payload, f.current_ms * 1000, f.key_frame or i == 0) for i, f in enumerate(frames))
        gop = Gop(key.codec, units, gop_end(times, after), before)
        _remember(self._keys, key.current_ms, key)
        if following is not None:
            _remember(self._successors, key.current_ms, following)
        return gop


class _Unpaced:
    """A pacer's cancellation check, or nothing to check."""

    def __init__(self, pacer: Pacer | None) -> None:
        self._pacer = pacer

    def check(self) -> None:
        if self._pacer is not None:
            self._pacer.check()


def _remember(cache: OrderedDict[int, ImageFrame], key: int, frame: ImageFrame) -> None:
    cache[key] = frame
    cache.move_to_end(key)
    while len(cache) > KEY_CACHE:
        cache.popitem(last=False)


async def _pace(pacer: Pacer | None, time_us: int) -> None:
    """Wait until ``pacer`` lets the frame at ``time_us`` be requested (raises FetchCancelled)."""
    if pacer is None:
        return
    while (delay := pacer.delay_s(time_us)) > 0:
        await asyncio.sleep(min(delay, PACE_POLL_S))

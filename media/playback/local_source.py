"""Playback source over the backend's local segments: a list of MPEG-TS files or URLs, read across boundaries.

Segments are read whole and kept in a small LRU cache; each one is demuxed (and its key frames indexed) the
first time a GOP in it is asked for. While the player reads a segment forward, the next one is loaded in a
background thread (and the previous one while it reads backwards), so playback crosses a segment boundary
without waiting for I/O. A GOP never spans two segments (the recorder cuts segments at key frames).
"""

from __future__ import annotations

import bisect
import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import httpx

from media.playback.segment_reader import LoadedSegment, SegmentRef, load_segment
from media.playback.source import CONTIGUOUS_US, Gop, Pacer, frame_spacing_us

log = logging.getLogger(__name__)

__all__ = ["LocalSegmentsSource", "SegmentRef"]


class LocalSegmentsSource:
    """Encoded GOPs from ``segments`` (any order; overlapping ones are kept in start order).

    ``cache_segments``: segments kept in memory (at least 3: the current one and its two neighbours);
    ``timeout``: seconds for one HTTP read. Implements ``media.playback.source.PlaybackSource``.
    """

    def __init__(self, segments: Sequence[SegmentRef], *, cache_segments: int = 4, timeout: float = 20.0) -> None:
        self._refs = sorted(segments, key=lambda r: (r.start_us, r.end_us))
        self._starts = [r.start_us for r in self._refs]
        self._cache_size = max(3, cache_segments)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, LoadedSegment] = OrderedDict()
        self._loading: dict[int, Future[LoadedSegment]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._client: httpx.Client | None = None
        self._closed = False
        self.label = f"local segments ({len(self._refs)})"

    @property
    def segments(self) -> list[SegmentRef]:
        """The segments, oldest first."""
        return list(self._refs)

    # ------------------------------------------------------------------------------------------ PlaybackSource

    def open(self) -> None:
        with self._lock:
            if self._pool is None and not self._closed:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="playback-segments")
                if any(r.is_http for r in self._refs):
                    self._client = httpx.Client(follow_redirects=True, timeout=self._timeout)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            client, self._client = self._client, None
            loading = list(self._loading.values())
            self._loading.clear()
            self._cache.clear()
        for future in loading:  # outside the lock: a cancelled future runs its done callback right here
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if client is not None:
            client.close()

    def sequences(self) -> list[tuple[int, int]] | None:
        """Recorded intervals: the segments, merged where one follows the other within ``CONTIGUOUS_US``."""
        merged: list[tuple[int, int]] = []
        for ref in self._refs:
            if merged and ref.start_us <= merged[-1][1] + CONTIGUOUS_US:
                merged[-1] = (merged[-1][0], max(merged[-1][1], ref.end_us))
            else:
                merged.append((ref.start_us, ref.end_us))
        return merged

    def gop_at(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        i = bisect.bisect_right(self._starts, time_us) - 1
        if i < 0:
            return None
        seg = self._segment(i)
        times = seg.times
        k = bisect.bisect_right(times, time_us) - 1
        if k < 0:
            return None
        gop = self._gop(i, seg, _key_at_or_before(seg, k))
        return gop if gop.contains(time_us) else None

    def gop_after(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        i = max(0, bisect.bisect_right(self._starts, time_us) - 1)
        while i < len(self._refs):
            if self._refs[i].end_us > time_us:
                seg = self._segment(i)
                self._prefetch(i + 1)
                key_times = [seg.units[k].time_us for k in seg.keys]
                j = bisect.bisect_right(key_times, time_us)
                if j < len(seg.keys):
                    return self._gop(i, seg, j)
            i += 1
        return None

    def gop_before(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        i = bisect.bisect_left(self._starts, time_us) - 1
        while i >= 0:
            seg = self._segment(i)
            self._prefetch(i - 1)
            k = bisect.bisect_left(seg.times, time_us) - 1
            if k >= 0:
                return self._gop(i, seg, _key_at_or_before(seg, k))
            i -= 1
        return None

    # ------------------------------------------------------------------------------------------ internals

    def _gop(self, i: int, seg: LoadedSegment, j: int) -> Gop:
        """GOP number ``j`` (index into ``seg.keys``) of segment ``i``."""
        first = seg.keys[j]
        last = seg.keys[j + 1] if j + 1 < len(seg.keys) else len(seg.units)
        units = seg.units[first:last]
        end = seg.units[last].time_us if last < len(seg.units) else self._segment_end(i, seg)
        before = seg.units[first - 1].time_us if first > 0 else None
        return Gop(seg.codec, units, end, before)

    def _segment_end(self, i: int, seg: LoadedSegment) -> int:
        last = seg.units[-1].time_us
        end = seg.ref.end_us if seg.ref.end_us > last else last + frame_spacing_us(seg.times[-32:])
        if i + 1 < len(self._refs):
            following = self._refs[i + 1].start_us
            if last < following <= last + CONTIGUOUS_US:
                return following  # the recording continues in the next segment: no gap at the boundary
            if following > last:
                end = min(end, following)
        return end

    def _segment(self, i: int) -> LoadedSegment:
        """Segment ``i`` from the cache, from a load in progress, or loaded now. Raises PlaybackError."""
        with self._lock:
            seg = self._cache.get(i)
            if seg is not None:
                self._cache.move_to_end(i)
                return seg
            future = self._loading.get(i)
        if future is None:
            seg = load_segment(self._refs[i], timeout=self._timeout, client=self._client)
        else:
            seg = future.result()
        self._store(i, seg)
        return seg

    def _prefetch(self, i: int) -> None:
        if not 0 <= i < len(self._refs):
            return
        with self._lock:
            if i in self._cache or i in self._loading or self._pool is None or self._closed:
                return
            future = self._pool.submit(load_segment, self._refs[i], timeout=self._timeout, client=self._client)
            self._loading[i] = future
        future.add_done_callback(functools.partial(self._prefetched, i))

    def _prefetched(self, i: int, future: Future[LoadedSegment]) -> None:
        seg: LoadedSegment | None = None
        if not future.cancelled():
            error = future.exception()
            if error is None:
                seg = future.result()
            else:
                log.info("%s: loading segment %d ahead failed: %s", self.label, i, error)
        with self._lock:
            if seg is not None and not self._closed:
                self._put_locked(i, seg)
            if self._loading.get(i) is future:
                del self._loading[i]

    def _store(self, i: int, seg: LoadedSegment) -> None:
        with self._lock:
            if not self._closed:
                self._put_locked(i, seg)

    def _put_locked(self, i: int, seg: LoadedSegment) -> None:
        self._cache[i] = seg
        self._cache.move_to_end(i)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _key_at_or_before(seg: LoadedSegment, k: int) -> int:
    """Index into ``seg.keys`` of the key frame at or before unit ``k``."""
    return max(0, bisect.bisect_right(seg.keys, k) - 1)

"""What a player knows about its source's timeline: fetched GOPs and spans known to hold no frame.

The player asks its source three questions (``gop_at``, ``gop_after``, ``gop_before``); each answer is stored
here as GOPs plus *empty spans* (intervals proven to hold no frame: a gap between recordings, or everything
before the oldest / after the newest recording, with the open ends as ``-INF``/``+INF``). From that the index
answers, without I/O, where a media time lies (in a GOP, in a gap, at the end) and which GOP follows or
precedes a known one. All times are integer µs UTC.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from media.playback.source import Gop

INF = 1 << 62
"""Stands for "no end": an empty span up to ``INF`` means nothing is recorded after its start."""


@dataclass(frozen=True, slots=True)
class Where:
    """Where a media time lies. ``gop``: the GOP holding it (None in a gap or when unknown). ``known``: False
    when the index cannot tell (fetch ``gop_at``). In a gap: ``next_gop``/``prev_gop`` are the known GOPs
    right after/before it (None when unknown or none), ``at_end``/``at_start`` say that nothing is recorded
    after/before the gap at all."""

    known: bool
    gop: Gop | None = None
    next_gop: Gop | None = None
    prev_gop: Gop | None = None
    at_end: bool = False
    at_start: bool = False
    gap_start_us: int = 0
    gap_end_us: int = 0


UNKNOWN = Where(known=False)


class GopIndex:
    """Known GOPs (non-overlapping, by start) and merged empty spans. Not thread-safe: one owner thread."""

    def __init__(self, max_gops: int = 24) -> None:
        self._max = max(4, max_gops)
        self._starts: list[int] = []
        self._gops: dict[int, Gop] = {}
        self._spans: list[tuple[int, int]] = []  # sorted, disjoint, half-open [lo, hi)

    def __len__(self) -> int:
        return len(self._starts)

    def clear(self) -> None:
        self._starts.clear()
        self._gops.clear()
        self._spans.clear()

    def forget_edges(self) -> None:
        """Drop the "nothing before/after" facts (recordings grow at the live edge; ask again)."""
        self._spans = [(lo, hi) for lo, hi in self._spans if lo > -INF and hi < INF]

    # ------------------------------------------------------------------------------------------ facts

    def add(self, gop: Gop) -> None:
        """Store a GOP (replacing any stored GOP it overlaps)."""
        for other in self._overlapping(gop.start_us, gop.end_us):
            self._remove(other.start_us)
        i = bisect.bisect_left(self._starts, gop.start_us)
        self._starts.insert(i, gop.start_us)
        self._gops[gop.start_us] = gop

    def record_at(self, time_us: int, gop: Gop | None) -> None:
        """The answer of ``gop_at(time_us)``: a GOP, or None (then ``time_us`` holds no frame)."""
        if gop is not None:
            self.add(gop)
        else:
            self._mark_empty(time_us, time_us + 1)

    def record_after(self, time_us: int, gop: Gop | None) -> None:
        """The answer of ``gop_after(time_us)``: nothing is recorded between the end of whatever holds
        ``time_us`` (a known GOP, or ``time_us`` itself when known empty) and the answer's start."""
        if gop is not None:
            self.add(gop)
        lo = self._end_of_known(time_us)
        hi = gop.start_us if gop is not None else INF
        if lo is not None and lo < hi:
            self._mark_empty(lo, hi)

    def record_before(self, time_us: int, gop: Gop | None) -> None:
        """The answer of ``gop_before(time_us)``: nothing is recorded between the answer's end and
        ``time_us`` (or the start of the known GOP holding ``time_us``)."""
        if gop is not None:
            self.add(gop)
        holder = self.gop_containing(time_us)
        hi = holder.start_us if holder is not None else time_us
        lo = gop.end_us if gop is not None else -INF
        if lo < hi:
            self._mark_empty(lo, hi)

    def prune(self, around_us: int) -> None:
        """Keep the ``max_gops`` GOPs nearest to ``around_us`` (memory bound on long plays)."""
        if len(self._starts) <= self._max:
            return
        ranked = sorted(self._starts, key=lambda s: abs(s - around_us))
        for start in ranked[self._max :]:
            self._remove(start)

    # ------------------------------------------------------------------------------------------ questions

    def gop_containing(self, time_us: int) -> Gop | None:
        i = bisect.bisect_right(self._starts, time_us) - 1
        if i < 0:
            return None
        gop = self._gops[self._starts[i]]
        return gop if gop.contains(time_us) else None

    def locate(self, time_us: int) -> Where:
        """Where ``time_us`` lies, as far as known."""
        gop = self.gop_containing(time_us)
        if gop is not None:
            return Where(known=True, gop=gop)
        span = self._span_containing(time_us)
        if span is None:
            return UNKNOWN
        lo, hi = span
        return Where(
            known=True,
            next_gop=self._gops.get(hi) if hi < INF else None,
            prev_gop=self._gop_ending_at(lo) if lo > -INF else None,
            at_end=hi >= INF,
            at_start=lo <= -INF,
            gap_start_us=lo,
            gap_end_us=hi,
        )

    def successor(self, gop: Gop) -> Gop | Literal[False] | None:
        """The GOP after ``gop``: a Gop, False when nothing is recorded after it, None when unknown."""
        nxt = self._gops.get(gop.end_us)
        if nxt is not None:
            return nxt
        span = self._span_containing(gop.end_us)
        if span is None or span[0] > gop.end_us:
            return None
        if span[1] >= INF:
            return False
        return self._gops.get(span[1])

    def predecessor(self, gop: Gop) -> Gop | Literal[False] | None:
        """The GOP before ``gop``: a Gop, False when nothing is recorded before it, None when unknown."""
        prev = self._gop_ending_at(gop.start_us)
        if prev is not None:
            return prev
        span = self._span_containing(gop.start_us - 1)
        if span is None or span[1] < gop.start_us:
            return None
        if span[0] <= -INF:
            return False
        return self._gop_ending_at(span[0])

    # ------------------------------------------------------------------------------------------ internals

    def _end_of_known(self, time_us: int) -> int | None:
        holder = self.gop_containing(time_us)
        if holder is not None:
            return holder.end_us
        return time_us if self._span_containing(time_us) is not None else None

    def _gop_ending_at(self, end_us: int) -> Gop | None:
        i = bisect.bisect_left(self._starts, end_us) - 1
        if i < 0:
            return None
        gop = self._gops[self._starts[i]]
        return gop if gop.end_us == end_us else None

    def _overlapping(self, lo: int, hi: int) -> list[Gop]:
        i = max(0, bisect.bisect_right(self._starts, lo) - 1)
        out = []
        while i < len(self._starts) and self._starts[i] < hi:
            gop = self._gops[self._starts[i]]
            if gop.end_us > lo:
                out.append(gop)
            i += 1
        return out

    def _remove(self, start: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        if i < len(self._starts) and self._starts[i] == start:
            del self._starts[i]
            del self._gops[start]

    def _span_containing(self, time_us: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self._spans, (time_us, INF + 1)) - 1
        if i >= 0 and self._spans[i][0] <= time_us < self._spans[i][1]:
            return self._spans[i]
        return None

    def _mark_empty(self, lo: int, hi: int) -> None:
        spans = [s for s in self._spans if s[1] < lo or s[0] > hi]
        for s in self._spans:
            if not (s[1] < lo or s[0] > hi):
                lo, hi = min(lo, s[0]), max(hi, s[1])
        spans.append((lo, hi))
        spans.sort()
        self._spans = spans

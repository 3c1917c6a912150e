"""Pure interval arithmetic of the recordings query: merging sources, gaps, gap reasons, timeline buckets.

Every interval is a half-open ``(start_us, end_us)`` pair of integer UTC microseconds. Inputs need not be
sorted; outputs are sorted and disjoint. Nothing here does I/O, so the rules are unit-tested on their own
(tests/test_playback_merge.py).

Rules:
- Sequences: XProtect sequences and local islands (runs of back-to-back segments) are united per camera;
  pieces closer than ``join_us`` (default 1 s: the recorder's frame timing jitter at segment boundaries) join
  into one sequence, labelled ``milestone``, ``local`` or ``both`` by the sources that contributed to it.
- Gaps: the complement of the sequences inside the range.
- Reasons: a gap is cut into pieces by the reason spans (outages, failed uploads) overlapping it; where spans
  overlap, the stronger reason wins (``REASON_PRIORITY``); unexplained slivers shorter than ``snap_us`` at the
  edge of an explained piece are absorbed into it (a recorder notices a dead source a few seconds after the
  last frame), and the rest stays unexplained (reason None).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Interval = tuple[int, int]

# Stronger first: a segment known to be lost, a refusal by the quota, the backend not running, the camera down.
REASON_PRIORITY: tuple[str, ...] = ("upload_failed", "quota_denied", "recorder_down", "camera_offline")
DEFAULT_JOIN_US = 1_000_000
DEFAULT_SNAP_US = 10_000_000


def union(intervals: Iterable[Interval], join_us: int = 0) -> list[Interval]:
    """Sorted union; intervals overlapping or closer than ``join_us`` merge; empty ones are dropped."""
    out: list[Interval] = []
    for start, end in sorted(iv for iv in intervals if iv[1] > iv[0]):
        if out and start <= out[-1][1] + join_us:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def clip(intervals: Iterable[Interval], lo: int, hi: int) -> list[Interval]:
    """Each interval cut to ``[lo, hi)``; those outside dropped. Order kept."""
    out = []
    for start, end in intervals:
        s, e = max(start, lo), min(end, hi)
        if e > s:
            out.append((s, e))
    return out


def complement(intervals: Sequence[Interval], lo: int, hi: int) -> list[Interval]:
    """The parts of ``[lo, hi)`` not covered by ``intervals`` (sorted, disjoint)."""
    out = []
    cursor = lo
    for start, end in intervals:
        if end <= cursor:
            continue
        if start >= hi:
            break
        if start > cursor:
            out.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < hi:
        out.append((cursor, hi))
    return out


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """``a`` minus ``b`` (both sorted and disjoint)."""
    out = []
    j = 0
    for start, end in a:
        cursor = start
        while j < len(b) and b[j][1] <= cursor:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > cursor:
                out.append((cursor, b[k][0]))
            cursor = max(cursor, b[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def total(intervals: Iterable[Interval]) -> int:
    """Summed length (µs) of disjoint intervals."""
    return sum(end - start for start, end in intervals)


# ---------------------------------------------------------------------------------------------- sequences


@dataclass(frozen=True, slots=True)
class LocalIsland:
    """A run of back-to-back local segments: its extent, how many segments and their bytes."""

    start_us: int
    end_us: int
    segments: int = 1
    size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class MergedSequence:
    """A recorded stretch after merging: ``source`` milestone | local | both; ``size_bytes`` of the local
    segments in it (None when XProtect alone recorded it)."""

    start_us: int
    end_us: int
    source: str
    size_bytes: int | None
    local_segments: int


def merge_sources(
    milestone: Iterable[Interval],
    local: Iterable[LocalIsland],
    lo: int,
    hi: int,
    join_us: int = DEFAULT_JOIN_US,
) -> list[MergedSequence]:
    """Unite XProtect sequences and local islands inside ``[lo, hi)`` into labelled sequences (clipped)."""
    items: list[tuple[int, int, str, LocalIsland | None]] = [(s, e, "milestone", None) for s, e in milestone]
    items += [(i.start_us, i.end_us, "local", i) for i in local]
    items = [(max(s, lo), min(e, hi), kind, island) for s, e, kind, island in items if min(e, hi) > max(s, lo)]
    items.sort(key=lambda item: (item[0], item[1]))
    out: list[MergedSequence] = []
    cur_s = cur_e = 0
    kinds: set[str] = set()
    size = count = 0
    for start, end, kind, island in items:
        if kinds and start > cur_e + join_us:
            out.append(_sequence(cur_s, cur_e, kinds, size, count))
            kinds, size, count = set(), 0, 0
        if not kinds:
            cur_s, cur_e = start, end
        cur_e = max(cur_e, end)
        kinds.add(kind)
        if island is not None:
            size += island.size_bytes
            count += island.segments
    if kinds:
        out.append(_sequence(cur_s, cur_e, kinds, size, count))
    return out


def _sequence(start: int, end: int, kinds: set[str], size: int, count: int) -> MergedSequence:
    source = "both" if len(kinds) == 2 else next(iter(kinds))
    return MergedSequence(start, end, source, size if "local" in kinds else None, count)


# ---------------------------------------------------------------------------------------------- gap reasons


@dataclass(frozen=True, slots=True)
class ReasonSpan:
    """An interval known to be unrecorded for ``reason`` (a GapReason)."""

    start_us: int
    end_us: int
    reason: str


@dataclass(frozen=True, slots=True)
class GapPiece:
    """A gap, or part of one, with its reason (None: unknown)."""

    start_us: int
    end_us: int
    reason: str | None


def explain_gaps(
    gaps: Sequence[Interval], spans: Iterable[ReasonSpan], snap_us: int = DEFAULT_SNAP_US
) -> list[GapPiece]:
    """Cut each gap into pieces by the reason spans overlapping it (see the module docstring)."""
    rank = {reason: i for i, reason in enumerate(REASON_PRIORITY)}
    ordered = sorted((s for s in spans if s.end_us > s.start_us), key=lambda s: s.start_us)
    starts = [s.start_us for s in ordered]
    longest = max((s.end_us - s.start_us for s in ordered), default=0)
    out: list[GapPiece] = []
    for lo, hi in gaps:
        first = bisect.bisect_left(starts, lo - longest)
        last = bisect.bisect_left(starts, hi)
        near = [s for s in ordered[first:last] if s.end_us > lo and s.start_us < hi]
        if not near:
            out.append(GapPiece(lo, hi, None))
            continue
        cuts = sorted({lo, hi, *(max(lo, s.start_us) for s in near), *(min(hi, s.end_us) for s in near)})
        pieces: list[GapPiece] = []
        for a, b in itertools.pairwise(cuts):
            covering = [s.reason for s in near if s.start_us <= a and s.end_us >= b]
            reason = min(covering, key=lambda r: rank.get(r, len(rank))) if covering else None
            _append(pieces, GapPiece(a, b, reason))
        out.extend(_snap(pieces, snap_us))
    return out


def _append(pieces: list[GapPiece], piece: GapPiece) -> None:
    if pieces and pieces[-1].reason == piece.reason and pieces[-1].end_us == piece.start_us:
        pieces[-1] = GapPiece(pieces[-1].start_us, piece.end_us, piece.reason)
    else:
        pieces.append(piece)


def _snap(pieces: list[GapPiece], snap_us: int) -> list[GapPiece]:
    """Absorb short unexplained pieces into an explained neighbour (the previous one first)."""
    if len(pieces) < 2:
        return pieces
    out: list[GapPiece] = []
    for i, piece in enumerate(pieces):
        if piece.reason is None and piece.end_us - piece.start_us < snap_us:
            before = out[-1] if out and out[-1].reason is not None else None
            after = pieces[i + 1] if i + 1 < len(pieces) and pieces[i + 1].reason is not None else None
            if before is not None:
                out[-1] = GapPiece(before.start_us, piece.end_us, before.reason)
                continue
            if after is not None:
                pieces[i + 1] = GapPiece(piece.start_us, after.end_us, after.reason)
                continue
        _append(out, piece)
    return out


# ---------------------------------------------------------------------------------------------- buckets


def spread(intervals: Iterable[Interval], origin_us: int, bucket_us: int, count: int) -> tuple[list[int], list[int]]:
    """Distribute intervals over ``count`` buckets of ``bucket_us`` from ``origin_us``: per bucket the covered
    µs and the number of intervals touching it. Parts outside the buckets are ignored."""
    covered = [0] * count
    touching = [0] * count
    end_all = origin_us + count * bucket_us
    for start, end in intervals:
        s, e = max(start, origin_us), min(end, end_all)
        if e <= s:
            continue
        b = (s - origin_us) // bucket_us
        while s < e:
            bucket_end = origin_us + (b + 1) * bucket_us
            part_end = min(e, bucket_end)
            covered[b] += part_end - s
            touching[b] += 1
            s, b = part_end, b + 1
    return covered, touching

"""Pure rules of the recordings query: merging sources, gaps and their reasons, timeline buckets, request
times and ranges, the TTL cache (with a ManualClock) and HTTP Range parsing. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.playback.access import preferred_source
from backend.playback.cache import CachePolicy, PlaybackCache
from backend.playback.errors import (
    EndBeforeStartError,
    InvalidResolutionError,
    InvalidTimeError,
    RangeTooLongError,
    TimeWithoutTimezoneError,
    TooManyBucketsError,
)
from backend.playback.media import ByteSpan, Unsatisfiable, parse_range
from backend.playback.merge import (
    GapPiece,
    LocalIsland,
    MergedSequence,
    ReasonSpan,
    complement,
    explain_gaps,
    merge_sources,
    spread,
    subtract,
    union,
)
from backend.playback.ranges import bucket_grid, check_range, from_us, iso_z, parse_time, to_us
from backend.playback.ranges import parse_range as parse_times
from milestone.clock import ManualClock

S = 1_000_000


# ---------------------------------------------------------------------------------------------- intervals


def test_union_joins_overlapping_touching_and_near_intervals():
    assert union([(5, 9), (0, 3), (3, 4), (20, 20)]) == [(0, 4), (5, 9)]
    assert union([(0, 10), (10, 12), (13, 20)], join_us=1) == [(0, 20)]
    assert union([(0, 10), (2, 5)]) == [(0, 10)]


def test_complement_and_subtract():
    assert complement([(2, 4), (6, 8)], 0, 10) == [(0, 2), (4, 6), (8, 10)]
    assert complement([(-5, 3), (9, 20)], 0, 10) == [(3, 9)]
    assert complement([], 0, 10) == [(0, 10)]
    assert subtract([(0, 10), (20, 30)], [(2, 4), (8, 22), (25, 26)]) == [(0, 2), (4, 8), (22, 25), (26, 30)]
    assert subtract([(0, 10)], []) == [(0, 10)]


def test_merge_sources_labels_and_clips():
    milestone = [(0, 100 * S), (200 * S, 300 * S)]
    local = [
        LocalIsland(50 * S, 150 * S, segments=2, size_bytes=1000),  # overlaps the first XProtect sequence
        LocalIsland(400 * S, 460 * S, segments=1, size_bytes=300),  # local only
    ]
    merged = merge_sources(milestone, local, 10 * S, 450 * S)
    assert merged == [
        MergedSequence(10 * S, 150 * S, "both", 1000, 2),
        MergedSequence(200 * S, 300 * S, "milestone", None, 0),
        MergedSequence(400 * S, 450 * S, "local", 300, 1),
    ]


def test_merge_joins_pieces_closer_than_the_tolerance():
    local = [LocalIsland(0, 10 * S), LocalIsland(10 * S + 400_000, 20 * S)]
    assert [(m.start_us, m.end_us) for m in merge_sources([], local, 0, 30 * S)] == [(0, 20 * S)]
    assert len(merge_sources([], local, 0, 30 * S, join_us=0)) == 2


# ---------------------------------------------------------------------------------------------- gap reasons


def test_gap_cut_by_reasons_with_priority_and_unknown_rest():
    gap = [(0, 100 * S)]
    spans = [
        ReasonSpan(20 * S, 60 * S, "camera_offline"),
        ReasonSpan(40 * S, 50 * S, "recorder_down"),  # stronger where both hold
        ReasonSpan(90 * S, 200 * S, "quota_denied"),
    ]
    assert explain_gaps(gap, spans, snap_us=0) == [
        GapPiece(0, 20 * S, None),
        GapPiece(20 * S, 40 * S, "camera_offline"),
        GapPiece(40 * S, 50 * S, "recorder_down"),
        GapPiece(50 * S, 60 * S, "camera_offline"),
        GapPiece(60 * S, 90 * S, None),
        GapPiece(90 * S, 100 * S, "quota_denied"),
    ]


def test_short_unexplained_slivers_snap_to_the_reason():
    # The recorder notices a dead source 3 s after the last frame and the source comes back 2 s before the next.
    gap = [(0, 100 * S)]
    spans = [ReasonSpan(3 * S, 98 * S, "camera_offline")]
    assert explain_gaps(gap, spans, snap_us=10 * S) == [GapPiece(0, 100 * S, "camera_offline")]
    # A long unexplained stretch stays unexplained.
    assert explain_gaps(gap, [ReasonSpan(50 * S, 60 * S, "upload_failed")], snap_us=10 * S) == [
        GapPiece(0, 50 * S, None),
        GapPiece(50 * S, 60 * S, "upload_failed"),
        GapPiece(60 * S, 100 * S, None),
    ]
    assert explain_gaps([(0, 5 * S)], [], snap_us=10 * S) == [GapPiece(0, 5 * S, None)]


def test_spread_over_buckets():
    covered, touching = spread([(30 * S, 150 * S), (170 * S, 180 * S)], 0, 60 * S, 4)
    assert covered == [30 * S, 60 * S, 40 * S, 0]
    assert touching == [1, 1, 2, 0]


# ---------------------------------------------------------------------------------------------- times, ranges


def test_times_need_a_timezone_and_plus_signs_survive_query_strings():
    assert parse_time("2025-10-27T14:30:00Z", "t") == datetime(2025, 10, 27, 14, 30, tzinfo=UTC)
    plus = parse_time("2025-10-27T18:30:00 04:00", "t")  # "+" decoded as a space
    assert to_us(plus) == to_us(datetime(2025, 10, 27, 14, 30, tzinfo=UTC))
    with pytest.raises(TimeWithoutTimezoneError):
        parse_time("2025-10-27T14:30:00", "startTime")
    with pytest.raises(InvalidTimeError):
        parse_time("yesterday", "startTime")
    assert iso_z(to_us(datetime(2025, 1, 2, 3, 4, 5, 6000, tzinfo=UTC))) == "2025-01-02T03:04:05.006000Z"
    assert from_us(1_700_000_000_123_456) == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)


def test_range_checks():
    start = datetime(2025, 10, 1, tzinfo=UTC)
    rng = check_range(start, start + timedelta(days=31), max_days=31)
    assert rng.duration_us == 31 * 86_400 * S
    with pytest.raises(RangeTooLongError) as too_long:
        check_range(start, start + timedelta(days=31, seconds=1), max_days=31)
    assert too_long.value.details["maxDays"] == 31 and any("\u0600" <= c <= "\u06ff" for c in too_long.value.message_ar)
    with pytest.raises(EndBeforeStartError):
        check_range(start, start, max_days=31)
    with pytest.raises(TimeWithoutTimezoneError):
        check_range(start.replace(tzinfo=None), start + timedelta(hours=1), max_days=31)


def test_bucket_grid_aligns_to_the_start_times_offset_and_is_bounded():
    dubai = timezone(timedelta(hours=4))
    start = datetime(2025, 10, 27, 0, 0, tzinfo=dubai)
    rng = check_range(start, start + timedelta(days=2), max_days=31)
    grid = bucket_grid(rng, "day", 100)
    assert grid.count == 2 and from_us(grid.origin_us) == start  # local midnight, not UTC midnight
    odd = parse_times("2025-10-27T10:00:30Z", "2025-10-27T10:03:00Z", max_days=31)
    minute = bucket_grid(odd, "minute", 100)
    assert iso_z(minute.origin_us) == "2025-10-27T10:00:00Z" and minute.count == 3
    month = parse_times("2025-10-01T00:00:00Z", "2025-10-31T00:00:00Z", max_days=31)
    with pytest.raises(TooManyBucketsError) as refused:
        bucket_grid(month, "minute", 20_000)
    assert refused.value.details["suggestedResolution"] == "hour" and refused.value.status == 400
    with pytest.raises(InvalidResolutionError):
        bucket_grid(month, "week", 20_000)


# ---------------------------------------------------------------------------------------------- cache


def test_cache_ttl_live_ttl_invalidation_and_generations():
    clock = ManualClock(wall=1_000_000.0, monotonic=100.0)
    counts: list[tuple[str, str]] = []
    cache = PlaybackCache(
        CachePolicy(ttl_s=300, live_ttl_s=5, live_margin_s=10), clock, lambda k, w: counts.append((k, w))
    )
    now_us = int(clock.time() * S)
    past, live = ("query", "cam", 0, now_us - 3600 * S), ("query", "cam", 0, now_us)
    assert cache.policy.ttl_for(past[3], now_us) == 300 and cache.policy.ttl_for(live[3], now_us) == 5
    gen = cache.generation("cam")
    assert cache.get(past) is None
    assert cache.put(past, "old", 300, gen) and cache.put(live, "new", 5, gen)
    clock.advance(4.9)
    assert cache.get(past) == "old" and cache.get(live) == "new"
    clock.advance(0.2)
    assert cache.get(live) is None and cache.get(past) == "old"
    clock.advance(295)
    assert cache.get(past) is None
    assert cache.put(past, "again", 300, cache.generation("cam"))
    stale_generation = cache.generation("cam")
    cache.invalidate("cam")  # a segment of the camera was written
    assert cache.get(past) is None
    assert not cache.put(past, "computed before the write", 300, stale_generation)
    assert cache.put(("query", "other", 1, 2), "x", 300, cache.generation("other"))
    assert cache.get(("query", "other", 1, 2)) == "x"  # other cameras keep their entries
    assert (cache.hits, cache.misses) == (4, 4)
    assert counts.count(("query", "hit")) == 4 and ("any", "invalidation") in counts


def test_cache_disabled_and_bounded():
    clock = ManualClock()
    off = PlaybackCache(CachePolicy(enabled=False), clock)
    assert not off.put(("query", "c", 1), 1, 300, 0) and off.get(("query", "c", 1)) is None
    small = PlaybackCache(CachePolicy(max_entries=2), clock)
    for i in range(3):
        small.put(("timeline", "c", i), i, 300, 0)
    assert len(small) == 2 and small.get(("timeline", "c", 0)) is None and small.get(("timeline", "c", 2)) == 2


# ---------------------------------------------------------------------------------------------- HTTP Range


def test_range_header_forms():
    assert parse_range(None, 1000) is None
    assert parse_range("bytes=0-99", 1000) == ByteSpan(0, 99, 1000)
    assert parse_range("bytes=990-", 1000) == ByteSpan(990, 999, 1000)
    assert parse_range("bytes=-100", 1000) == ByteSpan(900, 999, 1000)
    assert parse_range("bytes=-5000", 1000) == ByteSpan(0, 999, 1000)
    assert parse_range("bytes=500-5000", 1000) == ByteSpan(500, 999, 1000)
    assert parse_range("bytes=0-0", 1000).content_range == "bytes 0-0/1000"
    for ignored in ("bytes=0-1,5-9", "items=0-5", "bytes=9-3", "bytes=abc"):
        assert parse_range(ignored, 1000) is None
    for unsatisfiable in ("bytes=1000-", "bytes=5000-6000", "bytes=-0"):
        with pytest.raises(Unsatisfiable):
            parse_range(unsatisfiable, 1000)


def test_the_source_with_footage_at_the_opening_moment_ispreferred_source():
    """A moment only one source recorded is played from it, even when the other covers more of the range."""
    local, milestone = [(50, 60)], [(0, 50), (60, 100)]
    assert preferred_source(10, 90, local, milestone, None) == "milestone"
    assert preferred_source(10, 90, local, milestone, 55) == "local"
    assert preferred_source(10, 90, local, milestone, 20) == "milestone"
    assert preferred_source(90, 10, [(0, 90)], [(90, 100)], 95) == "milestone"
    assert preferred_source(10, 10, [(0, 10)], [(0, 10)], 5) == "local", (
        "both have it: the one covering more, local on a tie"
    )
    assert preferred_source(0, 0, [], [], 5) == "none"

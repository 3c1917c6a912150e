"""Pure parts of the playback engine: the playback clock (injected ManualClock), the timeline index of GOPs and
gaps, and the local segment source's GOP answers over real recorder segments."""

from __future__ import annotations

import pytest

from media.playback import EncodedUnit, Gop, LocalSegmentsSource, PlaybackClock
from media.playback.gop_index import INF, GopIndex
from media.playback.source import CONTIGUOUS_US, frame_spacing_us, gop_end
from milestone.clock import ManualClock
from milestone.models import VideoCodec
from tests.playback_support import T0_MS, write_recording

S = 1_000_000


def gop(start_s: float, frames: int = 15, fps: int = 15, end_s: float | None = None) -> Gop:
    start = round(start_s * S)
    units = tuple(EncodedUnit(b"", start + i * S // fps, i == 0) for i in range(frames))
    return Gop(VideoCodec.H264, units, round(end_s * S) if end_s is not None else start + frames * S // fps)


def test_clock_runs_at_the_speed_and_holds():
    wall = ManualClock()
    clock = PlaybackClock(wall, position_us=100 * S)
    changes: list[int] = []
    unsubscribe = clock.subscribe(lambda: changes.append(clock.version))
    wall.advance(5)
    assert clock.position_us() == 100 * S and not clock.playing, "paused until play()"
    clock.play(4.0)
    wall.advance(2.5)
    assert clock.position_us() == 110 * S
    assert clock.seconds_until(112 * S) == pytest.approx(0.5) and clock.seconds_until(109 * S) == 0.0
    clock.hold("a")
    clock.hold("b")
    wall.advance(3)
    assert clock.position_us() == 110 * S and clock.held and clock.seconds_until(112 * S) is None
    clock.release("a")
    wall.advance(1)
    assert clock.position_us() == 110 * S, "held while any holder holds"
    clock.release("b")
    wall.advance(1)
    assert clock.position_us() == 114 * S, "moves on from where it stood"
    clock.play(-2.0)
    wall.advance(1)
    assert clock.position_us() == 112 * S and clock.seconds_until(113 * S) == 0.0
    clock.pause()
    clock.seek(50 * S)
    wall.advance(1)
    assert clock.position_us() == 50 * S and clock.speed == -2.0 and clock.seconds_until(40 * S) is None
    unsubscribe()
    clock.play()
    assert changes == [1, 1, 1, 1, 1, 2, 3, 4] and clock.version == 5
    for bad in (0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            clock.play(bad)


def test_gop_end_and_index_at():
    g = gop(10.0)
    assert g.index_at(10 * S - 1) == 0 and g.index_at(10 * S + S // 15) == 1 and g.index_at(20 * S) == 14
    times = [u.time_us for u in g.units]
    assert gop_end(times, 11 * S) == 11 * S, "followed without a gap: ends where the next starts"
    spacing = frame_spacing_us(times)
    assert spacing in (S // 15, S // 15 + 1)
    assert gop_end(times, 11 * S + CONTIGUOUS_US) == times[-1] + spacing, "a gap: one frame after the last"
    assert gop_end(times, None) == times[-1] + spacing
    with pytest.raises(ValueError):
        Gop(VideoCodec.H264, g.units, times[-1])


def test_index_knows_gops_gaps_and_edges():
    index = GopIndex()
    a, b, c = gop(10.0), gop(11.0), gop(20.0)
    assert not index.locate(10 * S).known
    index.record_at(10 * S + 5, a)
    index.record_after(a.start_us, b)  # contiguous: no empty span
    assert index.successor(a) is b and index.predecessor(b) is a and index.predecessor(a) is None
    index.record_after(b.start_us, c)  # a gap from 12 s to 20 s
    where = index.locate(15 * S)
    assert where.known and where.gop is None and where.next_gop is c and where.prev_gop is b
    assert (where.gap_start_us, where.gap_end_us) == (12 * S, 20 * S) and not where.at_end
    assert index.successor(b) is c and index.predecessor(c) is b
    index.record_after(c.start_us, None)  # nothing after c
    assert index.successor(c) is False and index.locate(30 * S).at_end
    index.record_before(a.start_us, None)  # nothing before a
    assert index.predecessor(a) is False and index.locate(5 * S).at_start and index.locate(5 * S).next_gop is a
    index.forget_edges()
    assert index.successor(c) is None and not index.locate(30 * S).known and index.successor(b) is c
    index.record_at(25 * S, None)
    assert index.locate(25 * S).known and not index.locate(25 * S + 1).known
    index.record_after(25 * S, None)
    assert index.locate(40 * S).at_end and index.locate(40 * S).gap_end_us == INF


def test_local_source_answers_across_segments_and_gaps(tmp_path):
    rec = write_recording(tmp_path, camera_index=2, sequences_s=[(0.0, 12.0), (20.0, 24.0)], segment_seconds=5.0)
    source = LocalSegmentsSource(rec.refs())
    source.open()
    try:
        t = (T0_MS + 4_500) * 1000
        found = source.gop_at(t)
        assert found is not None and found.start_us == (T0_MS + 4_000) * 1000 and len(found.units) == 15
        assert found.end_us == (T0_MS + 5_000) * 1000, "the last GOP of a segment ends where the next one starts"
        after = source.gop_after(found.start_us)
        assert after is not None and after.start_us == (T0_MS + 5_000) * 1000, "across the segment boundary"
        last_a = source.gop_before((T0_MS + 20_000) * 1000)
        assert last_a is not None and last_a.start_us == (T0_MS + 11_000) * 1000
        assert last_a.end_us == (T0_MS + 12_000) * 1000 and source.gop_at((T0_MS + 15_000) * 1000) is None
        first_b = source.gop_after(last_a.start_us)
        assert first_b is not None and first_b.start_us == (T0_MS + 20_000) * 1000, "across the gap"
        assert source.gop_after((T0_MS + 23_000) * 1000) is None and source.gop_before(T0_MS * 1000) is None
        assert [u.time_us // 1000 for u in first_b.units][:3] == rec.frames_ms[180:183]
        assert source.sequences() == [
            ((T0_MS) * 1000, (T0_MS + 12_000) * 1000),
            ((T0_MS + 20_000) * 1000, (T0_MS + 24_000) * 1000),
        ]
    finally:
        source.close()

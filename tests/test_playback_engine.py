"""The playback engine over local segments: real MPEG-TS segments written by the recorder's SegmentWriter from
the simulator's stamped frames, played by ``media.playback.Player``; what was shown is read from the pixels.

Time is driven by an injected ``ManualClock`` wherever exact frame sequences are checked (so a busy machine
cannot make a test flaky); the frame log waits, in real time, for the player to show each expected frame.
"""

from __future__ import annotations

import itertools
import random
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.playback import LocalSegmentsSource, PlaybackClock, Player, SegmentRef
from media.stamp import read_stamp
from milestone.clock import ManualClock
from simulator.timeline import FrameGrid
from tests.playback_support import T0_MS, FrameLog, Recording, SegmentHttpServer, make_player, write_recording

GRID = FrameGrid(15)
FRAME_S = 1 / 15
A = (0.0, 90.0)  # first sequence, seconds after T0_MS (nine 10 s segments)
B = (100.0, 112.0)  # second sequence after a 10 s gap


def ms(seconds: float) -> int:
    return T0_MS + round(seconds * 1000)


def frame_at_or_before(t_ms: int) -> int:
    return GRID.time_of(GRID.index_at_or_before(t_ms))


def frames_between(lo_ms: int, hi_ms: int) -> list[int]:
    """Grid frame times in [lo_ms, hi_ms]."""
    return [GRID.time_of(n) for n in range(GRID.index_at_or_after(lo_ms), GRID.index_at_or_before(hi_ms) + 1)]


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Recording:
    return write_recording(tmp_path_factory.mktemp("spool"), camera_index=3, sequences_s=[A, B])


@pytest.fixture
def log():
    return FrameLog()


@pytest.fixture
def players():
    started: list[Player] = []
    yield started
    for player in started:
        player.close()


def local_player(recording, log, players, **kwargs) -> Player:
    player = make_player(LocalSegmentsSource(recording.refs()), log, **kwargs)
    players.append(player)
    return player


def advance_and_collect(wall: ManualClock, player: Player, log: FrameLog, seconds: float, step_s: float) -> list[int]:
    """Advance the injected clock ``seconds`` in steps; after each, wait until the frame at the player's clock
    position (when one is recorded there) is on screen. Returns the frames waited for, without repeats."""
    wanted: list[int] = []
    for _ in range(round(seconds / step_s)):
        wall.advance(step_s)
        want = frame_at_or_before(player.clock.position_us() // 1000)
        if any(b <= want < e for b, e in ((ms(A[0]), ms(A[1])), (ms(B[0]), ms(B[1])))):
            log.wait_frame(want)
            if not wanted or wanted[-1] != want:
                wanted.append(want)
    return wanted


def test_recording_is_what_the_tests_assume(recording):
    assert [(s.start_us, s.end_us) for s in recording.segments][:2] == [
        (ms(0) * 1000, ms(10) * 1000),
        (ms(10) * 1000, ms(20) * 1000),
    ]
    assert len(recording.segments) == 11 and recording.sequences_ms == [(ms(0), ms(90)), (ms(100), ms(112))]
    assert LocalSegmentsSource(recording.refs()).sequences() == [
        (ms(0) * 1000, ms(90) * 1000),
        (ms(100) * 1000, ms(112) * 1000),
    ]


def test_seek_lands_on_the_requested_frame(recording, log, players):
    player = local_player(recording, log, players)
    rng = random.Random(4)
    targets = [ms(rng.uniform(*A)) for _ in range(10)] + [ms(rng.uniform(*B)) for _ in range(4)]
    targets += [ms(5.0), ms(5.0) - 1, ms(10.0), ms(20.0) + 1, ms(89.99), ms(100.0)]  # key frame, GOP/segment edges
    for target in targets:
        log.clear()
        expected = frame_at_or_before(target)
        player.seek(target * 1000 + 999)  # anywhere inside the millisecond
        shown = log.wait_frame(expected)
        assert shown.stamp_ms == shown.picture_ms == expected and shown.camera == 3
        assert 0 <= target - shown.stamp_ms < FRAME_S * 1000, "within one frame, at or before"
        assert player.position_us == expected * 1000
    assert not player.state.playing and player.state.error is None


def test_frame_step_forward_then_back_returns_the_same_frame(recording, log, players):
    player = local_player(recording, log, players)
    for start in (ms(4.933), ms(9.933), ms(89.933), ms(47.5)):  # GOP end, segment end, before the gap, mid-GOP
        log.clear()
        first = frame_at_or_before(start)
        player.seek(start * 1000)
        log.wait_frame(first)
        log.clear()
        player.step(1)
        after = log.wait_frame(GRID.time_of(GRID.index_at_or_before(first) + 1) if start != ms(89.933) else ms(100))
        log.clear()
        player.step(-1)
        back = log.wait_frame(first)
        assert after.stamp_ms != back.stamp_ms and back.stamp_ms == first
    log.clear()
    player.step(3)
    log.wait_frame(frame_at_or_before(ms(47.5)) + 200)
    log.clear()
    player.step(-3)
    log.wait_frame(frame_at_or_before(ms(47.5)))
    assert player.position_us == frame_at_or_before(ms(47.5)) * 1000


def test_reverse_shows_every_frame_backwards_across_gops_and_segments(recording, log, players):
    wall = ManualClock()
    player = local_player(recording, log, players, wall_clock=wall)
    start = ms(10.9)
    player.seek(start * 1000)
    log.wait_frame(frame_at_or_before(start))
    log.clear()
    player.play(-1.0)
    wanted = advance_and_collect(wall, player, log, 3.0, FRAME_S)
    stamps = log.stamps()
    assert stamps == wanted, "exactly the frames at the clock's positions"
    assert stamps == list(reversed(frames_between(stamps[-1], start)))[1:], "every frame, strictly decreasing"
    assert len(stamps) == 45 and stamps[-1] < ms(8.0), "across the segment boundary at 10 s and three GOPs"


def test_reverse_runs_at_the_source_frame_rate_in_real_time(recording, log, players):
    player = local_player(recording, log, players)
    player.seek(ms(30.5) * 1000)
    log.wait_frame(frame_at_or_before(ms(30.5)))
    log.clear()
    player.play(-1.0)
    time.sleep(2.0)
    player.pause()
    stamps = log.stamps()
    assert all(s is not None for s in stamps)
    assert all(a > b for a, b in itertools.pairwise(stamps)), "strictly decreasing"
    assert len(stamps) >= 0.85 * 2.0 * 15, f"{len(stamps)} frames in 2 s of reverse play"


@pytest.mark.parametrize("speed", [2, 4, 8])
def test_media_time_advances_at_the_speed(recording, log, players, speed):
    wall = ManualClock()
    player = local_player(recording, log, players, wall_clock=wall)
    player.seek(ms(0.5) * 1000)
    log.wait_frame(frame_at_or_before(ms(0.5)))
    log.clear()
    player.play(speed)
    wanted = advance_and_collect(wall, player, log, 10.0, 0.25)
    shown = [s for s in log.stamps() if s is not None]
    assert shown == wanted and len(shown) == 40
    advanced_s = (shown[-1] - frame_at_or_before(ms(0.5))) / 1000
    assert abs(advanced_s / (10.0 * speed) - 1) < 0.05, f"media advanced {advanced_s:.2f} s in 10 s at {speed}x"


def test_playback_crosses_segment_boundaries_over_http_without_a_stall(recording, log, players, tmp_path):
    spool = recording.segments[0].path.parents[1]
    with SegmentHttpServer(spool, "secret", delay_s=0.3) as server:
        refs = recording.refs(server.base_url, {"Authorization": "Bearer secret"})
        wall = ManualClock()
        player = make_player(LocalSegmentsSource(refs), log, wall_clock=wall)
        players.append(player)
        start = ms(18.5)
        player.seek(start * 1000)
        log.wait_frame(frame_at_or_before(start))
        log.clear()
        player.play(1.0)
        waits = []
        for _ in range(45):  # 3 s across the boundary at 20 s, at half the real pace
            time.sleep(FRAME_S / 2)
            wall.advance(FRAME_S)
            before = time.perf_counter()
            log.wait_frame(frame_at_or_before(player.clock.position_us() // 1000))
            waits.append(time.perf_counter() - before)
        assert any(path.endswith(recording.segments[2].path.name) for path in server.requests)
    assert log.stamps() == frames_between(start + 1, ms(21.5))
    assert max(waits) < 0.25, f"waited {max(waits):.3f} s for a frame: the next segment was not read ahead"


@pytest.mark.parametrize("skip", [True, False])
def test_a_gap_is_skipped_only_when_asked(recording, log, players, skip):
    wall = ManualClock()
    player = local_player(recording, log, players, wall_clock=wall)
    player.skip_gaps = skip
    player.seek(ms(89.0) * 1000)
    log.wait_frame(frame_at_or_before(ms(89.0)))
    log.clear()
    player.play(1.0)
    advance_and_collect(wall, player, log, 1.0, 0.1)  # to the end of sequence A
    last_a = frame_at_or_before(ms(89.9))  # the last frame due at the 0.1 s steps
    if skip:
        wall.advance(0.05)
        log.wait_frame(ms(100.0))
        assert ms(100.0) <= player.clock.position_us() // 1000 <= ms(100.05)
    else:
        wall.advance(0.5)
        state = log.wait_state(lambda s: s.in_gap)
        assert state.position_us == last_a * 1000 and not state.at_end
        advance_and_collect(wall, player, log, 10.0, 0.5)  # through the gap into sequence B
    shown = log.stamps()
    gap_frames = [s for s in shown if s is not None and ms(90) <= s < ms(100)]
    assert not gap_frames and shown[shown.index(last_a) + 1] == ms(100.0)


def test_next_and_previous_sequence(recording, log, players):
    player = local_player(recording, log, players)
    player.seek(ms(50) * 1000)
    log.wait_frame(frame_at_or_before(ms(50)))
    player.next_sequence()
    log.wait_frame(ms(100))
    player.previous_sequence()
    log.wait_frame(ms(0))
    player.set_sequences([(ms(20) * 1000, ms(30) * 1000), (ms(60) * 1000, ms(70) * 1000)])
    player.next_sequence()
    log.wait_frame(ms(20))
    player.next_sequence()
    log.wait_frame(ms(60))
    player.seek(ms(65) * 1000)
    player.previous_sequence()
    log.clear()
    log.wait_frame(ms(20))


def test_playback_stops_at_the_end_and_at_the_start(recording, log, players):
    wall = ManualClock()
    player = local_player(recording, log, players, wall_clock=wall)
    player.seek(ms(111.5) * 1000)
    log.wait_frame(frame_at_or_before(ms(111.5)))
    player.play(2.0)
    for _ in range(10):
        wall.advance(0.1)
        time.sleep(0.01)
    last = frame_at_or_before(ms(111.99)) * 1000
    log.wait_state(lambda s: s.at_end and not s.playing and s.position_us == last)
    assert player.clock.position_us() == last
    player.seek(ms(0.5) * 1000)
    player.play(-4.0)
    for _ in range(10):
        wall.advance(0.1)
        time.sleep(0.01)
    log.wait_state(lambda s: s.at_start and not s.playing and s.position_us == ms(0) * 1000)
    assert player.clock.position_us() == ms(0) * 1000


def test_players_sharing_a_clock_show_the_same_instant(recording, log, players, tmp_path):
    other = write_recording(tmp_path, camera_index=5, sequences_s=[(0.0, 8.0)])
    wall = ManualClock()
    clock = PlaybackClock(wall)
    other_log = FrameLog()
    first = local_player(recording, log, players, clock=clock)
    second = make_player(LocalSegmentsSource(other.refs()), other_log, clock=clock)
    players.append(second)
    first.seek(ms(2.0) * 1000)
    log.wait_frame(ms(2.0))
    other_log.wait_frame(ms(2.0))
    first.play(1.0)
    for _ in range(20):
        wall.advance(0.1)
        want = frame_at_or_before(clock.position_us() // 1000)
        assert log.wait_frame(want).camera == 3 and other_log.wait_frame(want).camera == 5
    assert first.position_us == second.position_us == frame_at_or_before(ms(4.0)) * 1000


def test_a_hanging_camera_does_not_freeze_the_cameras_sharing_its_clock(recording, log, players):
    spool = recording.segments[0].path.parents[1]
    wall = ManualClock()
    clock = PlaybackClock(wall)
    first = local_player(recording, log, players, clock=clock, wall_clock=wall)
    with SegmentHttpServer(spool, "secret", delay_s=6.0) as server:  # answers long after the hold limit
        refs = recording.refs(server.base_url, {"Authorization": "Bearer secret"})
        hanging_log = FrameLog()
        hanging = make_player(LocalSegmentsSource(refs, timeout=10.0), hanging_log, clock=clock, wall_clock=wall)
        players.append(hanging)
        start = ms(10.0)
        first.seek(start * 1000)
        log.wait_frame(frame_at_or_before(start))
        first.play(1.0)
        for _ in range(24):  # 6 s of wall time: the hanging player holds the clock at most 2 s of it
            wall.advance(0.25)
            time.sleep(0.05)
        assert hanging_log.stamps() == []
        assert clock.position_us() - start * 1000 >= 3_000_000, "a player without frames froze the shared clock"
        log.wait_frame(frame_at_or_before(clock.position_us() // 1000))
        hanging.close()


def test_snapshot_is_the_frame_on_screen_at_full_resolution(recording, log, players, tmp_path):
    player = local_player(recording, log, players)
    with pytest.raises(LookupError):
        player.snapshot(str(tmp_path / "none.png"))
    player.seek(ms(33.3) * 1000)
    log.wait_frame(frame_at_or_before(ms(33.3)))
    for name in ("shot.png", "shot.jpg"):
        player.snapshot(str(tmp_path / name))
        with Image.open(tmp_path / name) as image:
            assert image.size == (640, 360) and image.format == ("PNG" if name.endswith("png") else "JPEG")
            stamp = read_stamp(np.asarray(image.convert("RGB")))
        assert stamp is not None and stamp.timestamp_ms == frame_at_or_before(ms(33.3))


def test_unreadable_segments_report_a_code(recording, log, players, tmp_path):
    missing = [SegmentRef(str(tmp_path / "gone.ts"), ms(0) * 1000, ms(10) * 1000)]
    player = make_player(LocalSegmentsSource(missing), log)
    players.append(player)
    player.seek(ms(5) * 1000)
    state = log.wait_state(lambda s: s.code == "segment_missing")
    assert state.error and "gone.ts" in state.error
    with SegmentHttpServer(Path(recording.segments[0].path.parents[1]), "secret") as server:
        refs = recording.refs(server.base_url, {"Authorization": "Bearer wrong"})
        other_log = FrameLog()
        refused = make_player(LocalSegmentsSource(refs), other_log)
        players.append(refused)
        refused.seek(ms(5) * 1000)
        other_log.wait_state(lambda s: s.code == "segment_forbidden")
        assert not other_log.frames


def test_speeds_outside_the_vcr_set_are_refused(recording, log, players):
    player = local_player(recording, log, players)
    for speed in (0, 3, 16, -0.5):
        with pytest.raises(ValueError):
            player.play(speed)
    assert not player.clock.playing

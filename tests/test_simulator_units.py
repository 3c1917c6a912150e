"""Pure parts of the simulator: inventory ids, history, frame grid, timeline navigation, manual recording,
scene stamp, encoder. No sockets; clocks are ManualClock."""

from __future__ import annotations

import itertools

import av
import numpy as np
import pytest

from media.encoder import H264Encoder, JpegEncoder
from media.stamp import Stamp, read_stamp
from milestone.clock import ManualClock
from simulator import backgrounds, history, inventory
from simulator.live import LiveFrame, LiveSubscriber
from simulator.manual import ManualRecordings
from simulator.scene import SceneRenderer
from simulator.soap_xml import format_time, parse_time
from simulator.timeline import FrameGrid, RecordedTimeline

HOUR = history.HOUR_MS
T0 = 1_790_000_000_000  # a fixed instant, 2026-09-21


def test_inventory_ids_are_deterministic_lowercase_guids():
    inv = inventory.build_inventory(8, [("127.0.0.1", 1), ("127.0.0.1", 2)])
    assert inventory.camera_id(3) == inv.cameras[3].id == inventory.camera_id(3).lower()
    assert len({c.id for c in inv.cameras}) == 9  # 8 enabled + 1 disabled
    assert [c.enabled for c in inv.cameras].count(False) == 1
    assert [c.recorder_index for c in inv.cameras[:8]] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert inv.cameras[0].name == "DUBAI_POLICE - Sheikh Zayed Rd Interchange 1"
    assert [inventory.agency_of(i) for i in range(5)] == ["DUBAI_POLICE", "METRO", "BUS", "OTHER", "DUBAI_POLICE"]
    assert any(c.ptz_enabled for c in inv.cameras) and not all(c.ptz_enabled for c in inv.cameras)
    assert inv.camera(inventory.camera_id(5).upper()) is inv.cameras[5]


def test_history_is_deterministic_and_has_gaps_every_day():
    for cam in range(4):
        day = history.recording_sequences(cam, T0 - 24 * HOUR, T0)
        assert day == history.recording_sequences(cam, T0 - 24 * HOUR, T0)
        assert len(day) >= 4, f"camera {cam} has only {len(day) - 1} gaps in 24 h"
        gaps = [b2 - e1 for (_, e1), (b2, _) in itertools.pairwise(day)]
        assert all(g > 0 for g in gaps)
        assert min(gaps) < 15 * 60_000 and max(gaps) > 15 * 60_000, "gap lengths should vary"
        # Sequences are maximal: nothing recorded just outside them.
        for b, e in day:
            assert not history.is_recorded(cam, b - 1) and history.is_recorded(cam, b)
            assert history.is_recorded(cam, e - 1) and not history.is_recorded(cam, e)


def test_history_sequences_do_not_depend_on_the_query_window():
    cam = 2
    whole = history.recording_sequences(cam, T0 - 12 * HOUR, T0)
    for b, e in whole[1:-1]:
        assert history.recording_sequences(cam, b + 1, b + 2) == [(b, e)]
        assert history.recording_sequences(cam, e - 2, e - 1) == [(b, e)]


def test_motion_lies_inside_recordings():
    for cam in range(3):
        motion = history.motion_sequences(cam, T0 - 6 * HOUR, T0)
        assert motion
        for b, e in motion:
            assert 0 < e - b <= 90_000
            assert all(history.is_recorded(cam, t) for t in (b, (b + e) // 2, e - 1))


@pytest.mark.parametrize("fps", [15, 25, 30, 7])
def test_frame_grid_round_trips(fps):
    grid = FrameGrid(fps)
    for n in range(T0 * fps // 1000, T0 * fps // 1000 + 3 * fps):
        t = grid.time_of(n)
        assert grid.index_at_or_before(t) == n
        assert grid.index_at_or_before(t - 1) == n - 1
        assert grid.index_at_or_after(t + 1) == n + 1
        assert grid.index_at_or_after(t) == n
    assert grid.time_of(fps * 1000) == 1_000_000 and grid.is_whole_second(fps * 7)


def _timeline(clock: ManualClock, fps: int = 15, minute_s: float = 60.0) -> tuple[RecordedTimeline, ManualRecordings]:
    manual = ManualRecordings(clock, {0: 5, 1: 15, 2: None}, minute_s)
    return RecordedTimeline(FrameGrid(fps), clock, manual), manual


def test_timeline_navigation_crosses_sequence_boundaries():
    clock = ManualClock(wall=T0 / 1000)
    timeline, _ = _timeline(clock)
    seqs = timeline.sequences(0, T0 - 6 * HOUR, T0 - HOUR)
    assert len(seqs) >= 2
    (b1, e1), (b2, _) = seqs[0], seqs[1]
    last = timeline.prev_frame(0, e1)
    assert last is not None and b1 <= last < e1 and e1 - last <= 67
    first_next = timeline.next_frame(0, last)
    assert first_next is not None and b2 <= first_next < b2 + 67
    assert timeline.prev_frame(0, first_next) == last
    gap_time = (e1 + b2) // 2
    assert timeline.frame_at(0, gap_time) is None
    assert timeline.frame_at(0, last + 10) == last
    assert timeline.frame_at(0, b1) >= b1


def test_timeline_gop_is_closed_and_at_most_one_second():
    clock = ManualClock(wall=T0 / 1000)
    timeline, _ = _timeline(clock)
    (b, e) = timeline.sequences(1, T0 - 3 * HOUR, T0 - HOUR)[0]
    first = timeline.next_frame(1, b - 1)
    gop = timeline.gop(1, first)
    assert gop[0] == first  # a sequence's first frame is a key frame
    mid = timeline.gop(1, first + 5000)
    assert mid[0] % 1000 == 0 and len(mid) == 15 and all(b <= t < e for t in mid)
    with pytest.raises(ValueError):
        timeline.gop(1, first + 1)  # not on the grid


def test_manual_recording_is_idempotent_and_times_out():
    clock = ManualClock(wall=T0 / 1000)
    _, manual = _timeline(clock, minute_s=1.0)  # camera 0: 5 "minutes" = 5 s
    assert manual.start(0) and not manual.start(0)
    clock.advance(3)
    assert manual.is_active(0)
    assert not manual.start(0)  # a repeated start does not extend the timeout
    clock.advance(2.5)
    assert not manual.is_active(0)
    assert manual.intervals(0, T0, T0 + 10_000) == [(T0, T0 + 5_000)]
    assert not manual.stop(0)
    assert manual.start(2) and manual.stop(2) and not manual.stop(2)


def test_manual_recording_fills_a_gap_in_the_timeline():
    # Find a gap, put the clock in it, record manually: the timeline shows a sequence there.
    seqs = history.recording_sequences(2, T0 - 12 * HOUR, T0)
    gap_start = seqs[0][1]
    clock = ManualClock(wall=gap_start / 1000 + 1)
    timeline, manual = _timeline(clock)
    assert timeline.frame_at(2, gap_start + 1000) is None
    manual.start(2)
    clock.advance(30)
    recorded = timeline.sequences(2, gap_start + 1000, gap_start + 20_000)
    assert recorded and recorded[0][0] <= gap_start + 1000 < recorded[0][1]
    assert timeline.manual_sequences(2, gap_start, gap_start + 60_000) == [(gap_start + 1000, gap_start + 31_000)]


def test_iso_times_have_seven_fraction_digits_and_parse_back():
    assert format_time(T0 + 53) == "2026-09-21T14:13:20.0530000Z"
    for text in ("2026-09-21T14:13:20.0530000Z", "2026-09-21T14:13:20.053Z", "2026-09-21T18:13:20.053+04:00"):
        assert parse_time(text) == T0 + 53
    assert parse_time("2026-09-21T14:13:20") == T0


def test_drawn_scene_fallback_and_yuv_conversion():
    rgb = backgrounds._drawn_scene(3, 640, 360)
    assert rgb.shape == (360, 640, 3) and rgb.std() > 20, "a scene, not a flat colour"
    yuv = backgrounds.rgb_to_yuv420(rgb)
    assert yuv.shape == (540, 640) and yuv[:360].min() >= 16 and yuv[:360].max() <= 235
    white = backgrounds.rgb_to_yuv420(np.full((2, 2, 3), 255, np.uint8))
    assert white.ravel().tolist() == [235, 235, 235, 235, 128, 128]


def test_rendered_frames_carry_the_stamp_through_h264():
    renderer = SceneRenderer(5, inventory.camera_name(5))
    encoder = H264Encoder(640, 360, 15)
    decoder = av.CodecContext.create("h264", "r")
    times = [T0 + i * 67 for i in range(10)]
    decoded = []
    for i, t in enumerate(times):
        unit = encoder.encode(renderer.render(t), t, key_frame=i == 0)
        assert unit.key_frame == (i == 0)
        for frame in decoder.decode(av.Packet(unit.data)):
            decoded.append(read_stamp(frame.to_ndarray(format="rgb24")))
    encoder.close()
    assert decoded == [Stamp(5, t) for t in times[: len(decoded)]] and len(decoded) >= 8
    jpeg = JpegEncoder(640, 360).encode(renderer.render(T0))
    image = next(av.open(__import__("io").BytesIO(jpeg)).decode(video=0)).to_ndarray(format="rgb24")
    assert read_stamp(image) == Stamp(5, T0)
    assert not np.array_equal(renderer.render(T0), SceneRenderer(6, "x").render(T0)), "cameras differ"


def _live_frame(t: int, key: bool) -> LiveFrame:
    return LiveFrame(t, t - t % 1000, key, t % 65536, b"x", None)


async def test_slow_live_subscriber_drops_to_the_next_key_frame():
    sub = LiveSubscriber(camera_index=0, jpeg=False, max_queue=4)
    sub.offer(_live_frame(T0 + 33, key=False))  # a new H.264 subscriber waits for a key frame
    assert sub.dropped == 1
    for i in range(4):
        sub.offer(_live_frame(T0 + 1000 + i * 67, key=i == 0))
    sub.offer(_live_frame(T0 + 1300, key=False))  # queue full: everything queued goes, wait for a key
    sub.offer(_live_frame(T0 + 1367, key=False))
    sub.offer(_live_frame(T0 + 2000, key=True))
    sub.offer(_live_frame(T0 + 2067, key=False))
    assert sub.queued == 2 and sub.dropped == 1 + 4 + 2
    assert [(await sub.get()).picture_ms for _ in range(2)] == [T0 + 2000, T0 + 2067]
    sub.close()
    assert await sub.get() is None

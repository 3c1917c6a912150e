"""Local recording end to end: the simulator (child process, real sockets) -> MilestoneSession vms_token ->
ImageServerSource -> LocalRecorder -> MPEG-TS segments, decoded back and checked by their frames' stamps."""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
import os
import signal
import time
from pathlib import Path

import av
from PIL import Image

from media.backoff import ReconnectPolicy
from media.recorder import ImageServerSource, LocalRecorder, SegmentWriter
from media.stamp import read_stamp
from media.stream_stats import StreamState
from milestone.clock import SystemClock
from milestone.session import MilestoneSession
from simulator import inventory as sim_inventory
from tests.segment_probe import assert_probe_agrees

FPS = 15
FRAME_US = 1_000_000 // FPS
FAST = ReconnectPolicy(initial_delay=0.2, max_delay=1.0, slow_retry=2.0, stall_timeout=3.0, connect_timeout=3.0)


class Tee:
    """A packet source that passes a real source's packets through and remembers their times (µs)."""

    def __init__(self, source) -> None:
        self.source = source
        self.label = source.label
        self.times: list[int] = []

    async def packets(self):
        async for packet in self.source.packets():
            self.times.append(packet.time_us)
            yield packet

    async def aclose(self) -> None:
        await self.source.aclose()


async def open_camera(sim, index: int):
    session = MilestoneSession(sim.management_url, "admin", sim.password)
    await session.login()
    inventory = await session.inventory()
    return session, inventory.camera(sim_inventory.camera_id(index))


def decode_stamps(path: Path, camera_index: int) -> list[int]:
    """Decode every frame of a segment (a decode error fails the test); their stamp times in ms."""
    times = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            stamp = read_stamp(frame.to_ndarray(format="rgb24"))
            assert stamp is not None, f"unreadable stamp in {path.name}"
            assert stamp.camera_index == camera_index
            times.append(stamp.timestamp_ms)
    return times


def check_segment(seg, camera_index: int) -> list[int]:
    """The file matches its record and decodes completely; returns the stamps (ms)."""
    data = seg.path.read_bytes()
    assert (seg.size_bytes, seg.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    times = decode_stamps(seg.path, camera_index)
    assert len(times) == seg.frames and seg.key_frames >= 1
    assert abs(seg.start_us - times[0] * 1000) < FRAME_US
    assert abs(seg.end_us - (times[-1] * 1000 + FRAME_US)) < FRAME_US
    assert (seg.width, seg.height) == (640, 360)
    assert_probe_agrees(seg)
    return times


def assert_one_frame_steps(times: list[int], what: str) -> None:
    steps = [b - a for a, b in itertools.pairwise(times)]
    bad = [(i, s) for i, s in enumerate(steps) if abs(s - 1000 / FPS) > 1]
    assert not bad, f"{what}: frame steps off the 15 fps grid at {bad[:5]}"


async def until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_simulator_camera_recorded_into_continuous_decodable_segments(simulator, tmp_path):
    session, camera = await open_camera(simulator, 2)
    segments, thumbnails = [], []
    try:
        tee = Tee(ImageServerSource(camera, session, clock=SystemClock(), policy=FAST))
        writer = SegmentWriter(tmp_path, "cam-2", segment_seconds=5.0)
        recorder = LocalRecorder(
            tee,
            writer,
            thumbnails_every_s=10.0,
            on_segment=segments.append,
            on_thumbnail=lambda jpeg, t: thumbnails.append((jpeg, t)),
        )
        task = asyncio.create_task(recorder.run())
        await asyncio.sleep(25.0)
        assert writer.current_path is not None and writer.current_path.name.endswith(".ts.partial")
        last = await recorder.stop()
        await asyncio.wait_for(task, 10)
    finally:
        await session.aclose()

    assert last is not None and segments[-1] == last
    assert not list(tmp_path.rglob("*.partial"))
    assert len(segments) >= 4
    assert all(4.9e6 <= s.end_us - s.start_us <= 6.2e6 for s in segments[:-1])  # cut at the key frame after 5 s
    recorded: list[int] = []
    for seg in segments:
        assert seg.path.name == f"{seg.start_us}.ts" and seg.path.parent.parent.name == "cam-2"
        times = check_segment(seg, 2)
        if recorded:  # the boundary: the next segment's first frame is the very next frame
            assert abs(times[0] - recorded[-1] - 1000 / FPS) <= 1, f"gap at the boundary before {seg.path.name}"
            assert segments[segments.index(seg) - 1].end_us <= seg.start_us + 1000
        recorded += times
    assert_one_frame_steps(recorded, "the whole recording")
    # Every frame the source delivered from the first key frame on is in the files, once.
    delivered = [t // 1000 for t in tee.times]
    start = delivered.index(recorded[0])
    assert recorded == delivered[start : start + len(recorded)]
    assert len(delivered) - start - len(recorded) <= 1  # at most a frame that arrived during stop()
    assert abs(recorded[-1] / 1000 - time.time()) < 15
    stats = recorder.stats
    assert stats.packets_dropped == 0 and stats.write_errors == 0
    assert stats.writer.frames_written == len(recorded)

    assert len(thumbnails) in (2, 3) and stats.thumbnails == len(thumbnails)
    for jpeg, t in thumbnails:
        image = Image.open(io.BytesIO(jpeg))
        assert image.format == "JPEG" and image.size == (320, 180)
        assert t // 1000 in recorded
    assert thumbnails[0][1] == segments[0].start_us


async def test_recording_resumes_after_a_simulator_restart(make_simulator, tmp_path):
    sim = make_simulator(cameras=2)
    session, camera = await open_camera(sim, 1)
    states: list[StreamState] = []
    segments = []
    try:
        source = ImageServerSource(
            camera, session, clock=SystemClock(), policy=FAST, on_state=lambda s, d: states.append(s)
        )
        writer = SegmentWriter(tmp_path, "cam-1", segment_seconds=4.0)
        recorder = LocalRecorder(source, writer, thumbnails_every_s=3.0, on_segment=segments.append)
        task = asyncio.create_task(recorder.run())
        await asyncio.sleep(6.0)
        down_at = time.time()
        await asyncio.to_thread(sim.stop)
        await until(lambda: source.state is StreamState.RECONNECTING, 10, "RECONNECTING")
        await asyncio.sleep(3.0)
        # Nothing arrives: the open segment was closed durably during the outage, ready for upload.
        assert writer.current_path is None and segments and segments[-1].end_us <= down_at * 1e6 + FRAME_US
        closed_during_outage = len(segments)
        await asyncio.to_thread(sim.start, sim.port, sim.recorder_ports)
        up_at = time.time()
        await until(lambda: source.state is StreamState.LIVE, 30, f"LIVE again ({states})")
        await asyncio.sleep(6.0)
        await recorder.stop()
        await asyncio.wait_for(task, 10)
    finally:
        await session.aclose()

    assert StreamState.RECONNECTING in states and states[-2:] == [StreamState.LIVE, StreamState.STOPPED]
    assert not list(tmp_path.rglob("*.partial"))
    stamps = [check_segment(seg, 1) for seg in segments]
    for seg, times in zip(segments, stamps, strict=True):
        assert_one_frame_steps(times, seg.path.name)  # no segment spans the outage
    before = [s for s in segments if s.end_us <= down_at * 1e6 + FRAME_US]
    after = [s for s in segments if s.start_us >= up_at * 1e6 - 1e6]
    assert before and after and len(before) + len(after) == len(segments)
    assert len(before) == closed_during_outage
    gap_us = after[0].start_us - before[-1].end_us
    assert 3e6 <= gap_us <= 30e6, "the outage lies between two segments"
    assert sum(s.end_us - s.start_us for s in after) >= 4e6  # the rest of the run was recorded
    # Without on_thumbnail the thumbnails are written beside the segments, before and after the outage.
    jpegs = sorted(tmp_path.rglob("*.jpg"))
    assert len(jpegs) >= 3
    for path in jpegs:
        assert Image.open(path).size == (320, 180)
    thumb_times = [int(p.stem) for p in jpegs]
    assert min(thumb_times) == segments[0].start_us and max(thumb_times) >= after[0].start_us


async def test_recording_continues_across_vms_token_renewals(make_simulator, tmp_path):
    sim = make_simulator(cameras=1, token_ttl=4.0, vms_token_ttl=4.0)
    session, camera = await open_camera(sim, 0)
    segments = []
    try:
        source = ImageServerSource(camera, session, clock=SystemClock(), policy=FAST)
        recorder = LocalRecorder(
            source, SegmentWriter(tmp_path, "cam-0", segment_seconds=5.0), on_segment=segments.append
        )
        task = asyncio.create_task(recorder.run())
        renewals = session.renewals
        await until(lambda: session.renewals >= renewals + 3, 30, "three vms_token renewals")
        await asyncio.sleep(1.0)
        await recorder.stop()
        await asyncio.wait_for(task, 10)
    finally:
        await session.aclose()
    # Well past the first vms_token's lifetime on one connection: each renewal went out as connectupdate.
    assert source.connections == 1 and source.state is StreamState.STOPPED
    recorded = [t for seg in segments for t in check_segment(seg, 0)]
    assert_one_frame_steps(recorded, "recording across token renewals")
    assert len(recorded) >= 10 * FPS


async def test_a_frozen_stream_is_detected_and_recording_resumes(make_simulator, tmp_path):
    """SIGSTOP freezes the simulator: the sockets stay open but no frame comes (a stall, not a drop)."""
    sim = make_simulator(cameras=1)
    session, camera = await open_camera(sim, 0)
    states: list[tuple[StreamState, str]] = []
    segments = []
    try:
        source = ImageServerSource(
            camera, session, clock=SystemClock(), policy=FAST, on_state=lambda s, d: states.append((s, d))
        )
        writer = SegmentWriter(tmp_path, "cam-0", segment_seconds=30.0)
        recorder = LocalRecorder(source, writer, on_segment=segments.append)
        task = asyncio.create_task(recorder.run())
        await until(lambda: writer.stats.frames_written >= 2 * FPS, 20, "two seconds recorded")
        os.kill(sim.pid, signal.SIGSTOP)
        try:
            await until(lambda: source.state is StreamState.RECONNECTING, 10, "the stall detected")
            assert "no video for 3 s" in source.detail
            # The cut runs on the writer's thread; the closed segment reaches on_segment on the loop after it.
            await until(lambda: writer.current_path is None and segments, 5, "the segment closed while frozen")
            assert len(segments) == 1
        finally:
            os.kill(sim.pid, signal.SIGCONT)
        await until(lambda: source.state is StreamState.LIVE, 30, f"LIVE again ({states})")
        await asyncio.sleep(3.0)
        await recorder.stop()
        await asyncio.wait_for(task, 10)
    finally:
        await session.aclose()
    assert len(segments) == 2 and segments[1].start_us - segments[0].end_us >= 2e6
    for seg in segments:
        assert_one_frame_steps(check_segment(seg, 0), seg.path.name)

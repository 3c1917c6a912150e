"""Recording an RTSP camera: GStreamer's RTSP server (Debian packages, child process; tests/rtsp_server.py) ->
RtspSource (PyAV demux, stream copy) -> LocalRecorder -> MPEG-TS segments, through a server restart."""

from __future__ import annotations

import asyncio
import itertools
import time

import av
import pytest

from media.backoff import ReconnectPolicy
from media.recorder import LocalRecorder, RtspSource, SegmentWriter
from media.recorder_rtsp import redact_url
from media.stream_stats import StreamState
from milestone.clock import SystemClock
from tests.rtsp_server import RtspCamera, free_port, unavailable_reason
from tests.segment_probe import assert_probe_agrees

FPS = 15
FRAME_US = 1_000_000 // FPS
FAST = ReconnectPolicy(initial_delay=0.2, max_delay=1.0, slow_retry=2.0, stall_timeout=3.0, connect_timeout=5.0)

_REASON = unavailable_reason()
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture
def rtsp_camera():
    camera = RtspCamera(fps=FPS, key_int=FPS, bitrate_kbps=1000)
    camera.start()
    yield camera
    camera.close()


def decoded_frames(path) -> tuple[int, list[int]]:
    """(frames decoded, packet timestamps in µs) of a whole segment; any decode error fails the test."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        times = [int(p.pts * stream.time_base * 1_000_000) for p in container.demux(stream) if p.size]
    with av.open(str(path)) as container:
        count = sum(1 for _ in container.decode(video=0))
    return count, times


async def until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_rtsp_camera_recorded_through_a_server_restart(rtsp_camera, tmp_path):
    states: list[tuple[StreamState, str]] = []
    segments = []
    source = RtspSource(rtsp_camera.url, clock=SystemClock(), policy=FAST, on_state=lambda s, d: states.append((s, d)))
    writer = SegmentWriter(tmp_path, "rtsp-cam", segment_seconds=3.0)
    recorder = LocalRecorder(source, writer, thumbnails_every_s=2.0, on_segment=segments.append)
    started = time.time()
    task = asyncio.create_task(recorder.run())
    await until(lambda: source.state is StreamState.LIVE, 20, "LIVE")
    await asyncio.sleep(7.0)
    down_at = time.time()
    await asyncio.to_thread(rtsp_camera.stop)
    await until(lambda: source.state is StreamState.RECONNECTING, 10, f"RECONNECTING ({states})")
    await asyncio.sleep(2.0)
    await asyncio.to_thread(rtsp_camera.start)  # same port, like a camera rebooting
    up_at = time.time()
    await until(lambda: source.state is StreamState.LIVE, 30, f"LIVE again ({states})")
    await asyncio.sleep(7.0)
    await recorder.stop()
    await asyncio.wait_for(task, 15)
    stopped = time.time()

    assert source.connections == 2
    assert [s for s, _ in states].count(StreamState.LIVE) == 2 and states[-1][0] is StreamState.STOPPED
    assert not list(tmp_path.rglob("*.partial"))
    assert len(segments) >= 4
    for seg in segments:
        count, times = decoded_frames(seg.path)
        assert count == seg.frames == len(times) and seg.key_frames >= 1
        assert (seg.width, seg.height) == (640, 360) and seg.codec == "h264"
        assert started * 1e6 - 3e6 <= seg.start_us and seg.end_us <= stopped * 1e6 + 1e6  # wall-clock times
        steps = [b - a for a, b in itertools.pairwise(times)]
        # The demuxer's probe burst kept its real spacing: frames 1/15 s apart (RTP 90 kHz clock).
        assert all(abs(s - FRAME_US) <= 2_000 for s in steps), f"{seg.path.name}: steps {sorted(set(steps))[:8]}"
        assert abs(seg.end_us - seg.start_us - (times[-1] - times[0] + FRAME_US)) <= 2_000
        assert_probe_agrees(seg)
    before = [s for s in segments if s.end_us <= down_at * 1e6 + 1e6]
    after = [s for s in segments if s.start_us >= up_at * 1e6 - 3e6]
    assert before and after and len(before) + len(after) == len(segments)
    assert after[0].start_us - before[-1].end_us >= 1.5e6  # the outage lies between segments
    assert sum(s.frames for s in before) >= 6 * FPS and sum(s.frames for s in after) >= 6 * FPS
    assert len(list(tmp_path.rglob("*.jpg"))) >= 4


async def test_unreachable_rtsp_camera_reports_reconnecting_without_credentials(tmp_path):
    url = f"rtsp://viewer:s3cret@127.0.0.1:{free_port()}/cam"
    states: list[tuple[StreamState, str]] = []
    source = RtspSource(url, clock=SystemClock(), policy=FAST, on_state=lambda s, d: states.append((s, d)))
    recorder = LocalRecorder(source, SegmentWriter(tmp_path, "cam"))
    task = asyncio.create_task(recorder.run())
    await until(lambda: source.state is StreamState.RECONNECTING, 15, "RECONNECTING")
    assert await recorder.stop() is None
    await asyncio.wait_for(task, 15)
    assert source.label == redact_url(url) and "s3cret" not in source.label
    assert all("s3cret" not in d for _, d in states)
    assert states[-1][0] is StreamState.STOPPED
    assert not list(tmp_path.rglob("*.ts*"))

"""Recordings query, timeline, snapshots, playback sources and segment bytes over real HTTP.

The backend runs under uvicorn on a loopback port (PyAV opens its URLs), logged into the shared simulator.
XProtect answers must equal ``simulator.history`` exactly. Local footage is real: H.264 frames stamped with
``media.stamp`` are encoded with PyAV, cut into MPEG-TS segments by the recorder's ``SegmentWriter`` into the
backend's spool and indexed by the storage layer; the uploader is held back until a test moves them to the
object store. Gap reasons come from the outage log (written by the backend from a real failing recorder, by the
quota writer API, and at start-up for a session the backend was down for) and from a segment lost before
upload.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import pytest
import uvicorn
from PIL import Image

from backend.api.auth import read_api_token
from backend.app import create_app
from backend.db.models import Camera, RecordingSession
from backend.playback.component import PlaybackComponent
from backend.playback.ranges import iso_z, to_us
from backend.recording.component import RecordingComponent
from backend.settings import BackendSettings, load_settings
from backend.storage.component import StorageComponent
from media.encoder import H264Encoder, yuv420_shape
from media.recorder_packets import EncodedPacket
from media.segment_writer import ClosedSegment, SegmentWriter
from media.stamp import Stamp, draw_stamp, read_stamp
from simulator import history
from simulator.inventory import camera_id
from tests.backend_fixtures import _flatten, milestone_section, wait_until
from tests.test_backend_core_postgres import postgres_url  # noqa: F401  (fixture: a throw-away PostgreSQL server)

S = 1_000_000
MS = 1000
FPS = 10
FRAME_MS = 1000 // FPS
LOCAL_INDEX = 42  # stamp camera index of the locally recorded camera
MS_CAM = 1  # simulator camera used for the XProtect checks
ARABIC = range(0x0600, 0x0700)


def has_arabic(text: str | None) -> bool:
    return bool(text) and any(ord(c) in ARABIC for c in text)  # type: ignore[union-attr]


def us(text: str) -> int:
    return to_us(datetime.fromisoformat(text.replace("Z", "+00:00")))


# ---------------------------------------------------------------------------------------------- harness


class HeldUploadStorage(StorageComponent):
    """The real storage component, with the uploader started only when a test says so."""

    async def start(self) -> None:
        upload = self.uploader.start
        self.uploader.start = _noop  # type: ignore[method-assign]
        try:
            await super().start()
        finally:
            self.uploader.start = upload  # type: ignore[method-assign]


async def _noop() -> None:
    return None


class LoopProbe:
    """Puts the server's event loop on app.state, so tests can run coroutines in it."""

    name = "loop-probe"

    def __init__(self, ctx: Any) -> None:
        self._state = ctx.state

    async def start(self) -> None:
        self._state.loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        return None


@dataclass
class Served:
    """A backend app served by uvicorn on 127.0.0.1 in a thread."""

    app: Any
    settings: BackendSettings
    server: uvicorn.Server
    thread: threading.Thread
    url: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=20)

    def run(self, coro) -> Any:
        """Run a coroutine in the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.app.state.loop).result(30)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def serve(settings: BackendSettings, components) -> Served:
    app = create_app(settings, components=[LoopProbe, *components])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30)
    port = server.servers[0].sockets[0].getsockname()[1]
    return Served(app, settings, server, thread, f"http://127.0.0.1:{port}", read_api_token(settings.token_file_path))


def make_settings(data_dir: Path, sim, **sections: Any) -> BackendSettings:
    data = {
        "data_dir": str(data_dir),
        "milestone": milestone_section(sim),
        "recording": {"min_duration": 1, "segment_seconds": 4},
        "storage": {"spool_min_free_mb": 0},
        **sections,
    }
    return load_settings(env={}, overrides=_flatten(data))


def add_rtsp_camera(app, name: str, port: int = 9) -> str:
    """An RTSP-only camera row (the import API only imports XProtect cameras)."""
    cam = str(uuid.uuid4())
    now = int(time.time() * S)
    with app.state.db.session() as s:
        s.add(
            Camera(
                id=cam,
                name=name,
                agency="OTHER",
                storage_mode="LOCAL",
                rtsp_url=f"rtsp://127.0.0.1:{port}/{name}",
                created_us=now,
                updated_us=now,
            )
        )
    return cam


def stamped_segments(spool: Path, cam: str, start_ms: int, seconds: float, segment_seconds: float = 4.0):
    """Encode ``seconds`` of 10 fps 320x180 H.264 stamped with their times (key frame every second) and write
    them with the recorder's SegmentWriter into the spool; returns the closed segments."""
    encoder = H264Encoder(320, 180, FPS)
    writer = SegmentWriter(spool, cam, segment_seconds=segment_seconds, fsync=False)
    closed: list[ClosedSegment] = []
    try:
        for n in range(round(seconds * FPS)):
            t_ms = start_ms + n * FRAME_MS
            frame = np.full(yuv420_shape(320, 180), 128, dtype=np.uint8)
            frame[:180] = 90 + (n * 7) % 60
            draw_stamp(frame[:180], Stamp(LOCAL_INDEX, t_ms))
            encoded = encoder.encode(frame, t_ms, key_frame=n % FPS == 0)
            closed += writer.write(EncodedPacket(encoded.data, t_ms * MS, encoded.key_frame))
        last = writer.close()
        if last is not None:
            closed.append(last)
    finally:
        encoder.close()
    return closed


def stamps(container) -> list[int]:
    out = []
    for frame in container.decode(video=0):
        stamp = read_stamp(frame.to_ndarray(format="rgb24"))
        assert stamp is not None and stamp.camera_index == LOCAL_INDEX
        out.append(stamp.timestamp_ms)
    return out


@dataclass
class Site:
    """The module's backend and its cameras: ``local_cam`` holds segments at ``t0`` (ms) + 0-8, 40-44,
    (lost) 60-64 and 80-84 s; outages: camera offline 8.5-15 s, quota denied 64-80 s."""

    served: Served
    ms_cam: str
    local_cam: str
    empty_cam: str
    t0: int
    segment_ids: list[int]
    lost_id: int


@pytest.fixture(scope="module")
def site(simulator, tmp_path_factory) -> Iterator[Site]:
    settings = make_settings(tmp_path_factory.mktemp("playback") / "data", simulator)
    served = serve(settings, [HeldUploadStorage, PlaybackComponent, RecordingComponent])
    try:
        with served.client() as c:
            wait_until(lambda: c.get("/health").json()["checks"]["milestone"]["status"] == "connected", 20)
            assert c.post("/api/v1/cameras/import", json={"milestoneDeviceId": camera_id(MS_CAM)}).status_code in (
                200,
                201,
            )
        app = served.app
        local_cam, empty_cam = add_rtsp_camera(app, "local"), add_rtsp_camera(app, "empty")
        t0 = (int(time.time()) - 7200) * 1000
        storage = app.state.storage
        spool = storage.spool.root
        closed = stamped_segments(spool, local_cam, t0, 8.0)
        for offset in (40, 60, 80):
            closed += stamped_segments(spool, local_cam, t0 + offset * 1000, 4.0)
        ids = [storage.index.add_closed_segment(seg, local_cam) for seg in closed]
        lost = ids[3]  # the 60-64 s segment: its spool file disappears before any upload
        Path(closed[3].path).unlink()
        storage.index.note_error(lost, "spool file missing")
        outages = app.state.outages
        outages.record(local_cam, "camera_offline", (t0 + 8500) * MS, (t0 + 15_000) * MS, source="recorder")
        outages.record(local_cam, "quota_denied", (t0 + 64_000) * MS, (t0 + 80_000) * MS, source="quota")
        with app.state.db.session() as s:
            s.add(
                RecordingSession(
                    id=str(uuid.uuid4()),
                    camera_id=local_cam,
                    storage_mode="LOCAL",
                    state="stopped",
                    duration_s=8,
                    started_us=t0 * MS,
                    scheduled_end_us=(t0 + 8000) * MS,
                    stopped_us=(t0 + 8000) * MS,
                    stop_reason="duration",
                    created_us=t0 * MS,
                    updated_us=t0 * MS,
                )
            )
        yield Site(served, camera_id(MS_CAM), local_cam, empty_cam, t0, ids, lost)
    finally:
        served.close()


def query(c: httpx.Client, cam: str, start_us: int, end_us: int) -> dict:
    r = c.post(f"/api/v1/cameras/{cam}/recordings/query", json={"startTime": iso_z(start_us), "endTime": iso_z(end_us)})
    assert r.status_code == 200, r.text
    return r.json()


def metric(c: httpx.Client, name: str) -> float:
    for line in c.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


# ---------------------------------------------------------------------------------------------- XProtect


def test_xprotect_sequences_and_motion_equal_the_simulator_history(site):
    now_ms = int(time.time() * 1000)
    lo, hi = now_ms - 30 * 3_600_000, now_ms - 6 * 3_600_000  # before this test session's manual recordings
    with site.served.client() as c:
        misses = metric(c, 'backend_playback_cache_misses_total{kind="query"}')
        body = query(c, site.ms_cam, lo * MS, hi * MS)
        expected = [(max(b, lo) * MS, min(e, hi) * MS) for b, e in history.recording_sequences(MS_CAM, lo, hi)]
        got = [(us(s["startTime"]), us(s["endTime"])) for s in body["sequences"]]
        assert got == expected and len(got) >= 3
        assert {s["source"] for s in body["sequences"]} == {"milestone"}
        assert all(s["available"] and s["sizeBytes"] is None for s in body["sequences"])
        motion = [(max(b, lo) * MS, min(e, hi) * MS) for b, e in history.motion_sequences(MS_CAM, lo, hi)]
        assert [(us(m["startTime"]), us(m["endTime"])) for m in body["motion"]] == motion
        gaps = [(us(g["startTime"]), us(g["endTime"])) for g in body["gaps"]]
        cursor, holes = lo * MS, []
        for b, e in expected:
            if b > cursor:
                holes.append((cursor, b))
            cursor = e
        if cursor < hi * MS:
            holes.append((cursor, hi * MS))
        assert gaps == holes and all(g["reason"] is None for g in body["gaps"])
        recorded = sum(e - b for b, e in expected) / S
        assert body["totalRecordingSeconds"] == pytest.approx(recorded)
        assert body["totalGapSeconds"] == pytest.approx((hi - lo) / MS - recorded)
        assert body["coverage"] == pytest.approx(recorded / ((hi - lo) / MS), abs=1e-6)
        assert body["sources"] == {"milestone": "ok", "local": "not_applicable"} and body["message"] is None
        assert metric(c, 'backend_playback_cache_misses_total{kind="query"}') == misses + 1
        hits = metric(c, 'backend_playback_cache_hits_total{kind="query"}')
        assert query(c, site.ms_cam, lo * MS, hi * MS) == body  # served from the cache
        assert metric(c, 'backend_playback_cache_hits_total{kind="query"}') == hits + 1

        timeline = c.get(
            f"/api/v1/cameras/{site.ms_cam}/recordings/timeline",
            params={"startTime": iso_z(lo * MS), "endTime": iso_z(hi * MS), "resolution": "hour"},
        )
        assert timeline.status_code == 200, timeline.text
        buckets = timeline.json()["timeline"]
        first = us(buckets[0]["timestamp"])
        assert first <= lo * MS < first + 3600 * S and len(buckets) == 25
        for bucket in buckets:
            b0 = us(bucket["timestamp"])
            inside = [
                (max(b * MS, b0), min(e * MS, b0 + 3600 * S))
                for b, e in history.recording_sequences(MS_CAM, b0 // MS, b0 // MS + 3_600_000)
            ]
            seconds = sum(e - b for b, e in inside if e > b) / S
            assert bucket["recordedSeconds"] == pytest.approx(seconds)
            assert bucket["hasRecording"] == (seconds > 0) and bucket["segmentCount"] == len(inside)


def test_xprotect_snapshot_is_the_recorded_frame_and_gaps_answer_404(site):
    now_ms = int(time.time() * 1000)
    lo, hi = now_ms - 30 * 3_600_000, now_ms - 6 * 3_600_000
    sequences = history.recording_sequences(MS_CAM, lo, hi)
    begin, end = next((b, e) for b, e in sequences if e - b > 60_000 and b > lo)
    wanted = begin + 12_345
    with site.served.client() as c:
        r = c.get(f"/api/v1/cameras/{site.ms_cam}/playback/snapshot", params={"time": iso_z(wanted * MS)})
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        stamp = read_stamp(np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB")))
        assert stamp is not None and stamp.camera_index == MS_CAM
        assert stamp.timestamp_ms * MS == us(r.headers["x-picture-time"])
        assert wanted - 1000 / 15 < stamp.timestamp_ms <= wanted  # the frame at or before the time
        gap_time = end + (next(b for b, _ in sequences if b > end) - end) // 2
        missing = c.get(f"/api/v1/cameras/{site.ms_cam}/playback/snapshot", params={"time": iso_z(gap_time * MS)})
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "no_recording_at_time"
        assert has_arabic(missing.json()["error"]["message_ar"])


# ---------------------------------------------------------------------------------------------- local footage


def test_local_segments_merge_into_sequences_with_gap_reasons(site):
    t0 = site.t0 * MS
    with site.served.client() as c:
        body = query(c, site.local_cam, t0 - 10 * S, t0 + 120 * S)
    seqs = [(us(s["startTime"]) - t0, us(s["endTime"]) - t0, s["source"]) for s in body["sequences"]]
    assert seqs == [(0, 8 * S, "local"), (40 * S, 44 * S, "local"), (80 * S, 84 * S, "local")]
    assert body["sequences"][0]["sizeBytes"] > 0 and body["sequences"][0]["sequenceId"] == f"seq_{t0}"
    gaps = [(us(g["startTime"]) - t0, us(g["endTime"]) - t0, g["reason"]) for g in body["gaps"]]
    assert gaps == [
        (-10 * S, 0, None),
        (8 * S, 15 * S, "camera_offline"),  # the recorder noticed 0.5 s after the last frame: snapped
        (15 * S, 40 * S, None),
        (44 * S, 60 * S, None),
        (60 * S, 64 * S, "upload_failed"),  # indexed, then lost before upload
        (64 * S, 80 * S, "quota_denied"),
        (84 * S, 120 * S, None),
    ]
    offline = body["gaps"][1]
    assert offline["message"] == "The camera was offline." and has_arabic(offline["message_ar"])
    assert body["totalRecordingSeconds"] == pytest.approx(16.0)
    assert body["totalGapSeconds"] == pytest.approx(114.0)
    assert body["coverage"] == pytest.approx(16 / 130, abs=1e-6)
    assert body["sources"] == {"milestone": "not_applicable", "local": "ok"}
    assert [(s["status"], s["storageMode"], us(s["startTime"]) - t0) for s in body["sessions"]] == [
        ("stopped", "LOCAL", 0)
    ]
    assert body["motion"] == []


def test_timeline_aggregates_local_segments_per_bucket(site):
    t0 = site.t0 * MS
    start = t0 - t0 % (60 * S)
    with site.served.client() as c:
        r = c.get(
            f"/api/v1/cameras/{site.local_cam}/recordings/timeline",
            params={"startTime": iso_z(start), "endTime": iso_z(start + 3 * 60 * S), "resolution": "minute"},
        )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["resolution"] == "minute" and len(body["timeline"]) == 3
    offset = (t0 - start) // S  # t0 is a whole second inside the first minute
    covered = [0.0, 0.0, 0.0]
    touching = [0, 0, 0]
    for a, b in ((0, 4), (4, 8), (40, 44), (80, 84)):  # playable segments, s after t0 (60-64 was lost)
        for minute in range(3):
            lo, hi = max(a + offset, 60 * minute), min(b + offset, 60 * (minute + 1))
            if hi > lo:
                covered[minute] += hi - lo
                touching[minute] += 1
    assert [b["recordedSeconds"] for b in body["timeline"]] == pytest.approx(covered)
    assert [b["segmentCount"] for b in body["timeline"]] == touching
    assert [b["hasRecording"] for b in body["timeline"]] == [c > 0 for c in covered]
    assert us(body["timeline"][1]["timestamp"]) == start + 60 * S


def test_local_snapshot_decodes_the_frame_at_or_before_the_time(site):
    t0 = site.t0
    with site.served.client() as c:
        for offset_ms, frame_ms in ((2350, 2300), (4000, 4000), (43_999, 43_900), (81_000, 81_000)):
            r = c.get(
                f"/api/v1/cameras/{site.local_cam}/playback/snapshot", params={"time": iso_z((t0 + offset_ms) * MS)}
            )
            assert r.status_code == 200, r.text
            image = Image.open(io.BytesIO(r.content))
            assert image.size == (320, 180)
            stamp = read_stamp(np.asarray(image.convert("RGB")))
            assert stamp == Stamp(LOCAL_INDEX, t0 + frame_ms)
            assert us(r.headers["x-picture-time"]) == (t0 + frame_ms) * MS
        for offset_ms in (20_000, 62_000):  # a gap; the segment lost before upload
            r = c.get(
                f"/api/v1/cameras/{site.local_cam}/playback/snapshot", params={"time": iso_z((t0 + offset_ms) * MS)}
            )
            assert r.status_code == 404 and r.json()["error"]["code"] == "no_recording_at_time", r.text
            assert has_arabic(r.json()["error"]["message_ar"])


def test_segment_bytes_by_range_from_the_spool_then_the_object_store(site):
    served, t0 = site.served, site.t0
    storage = served.app.state.storage
    with served.client() as c:
        source = c.get(
            f"/api/v1/cameras/{site.local_cam}/playback/source",
            params={"startTime": iso_z((t0 - 1000) * MS), "endTime": iso_z((t0 + 100_000) * MS)},
        )
        assert source.status_code == 200, source.text
        body = source.json()
        assert body["preferred"] == "local" and body["milestone"] is None and not body["truncated"]
        refs = body["local"]
        assert [int(r["segmentId"]) for r in refs] == [i for i in site.segment_ids if i != site.lost_id]
        assert [r["startUs"] - t0 * MS for r in refs] == [0, 4 * S, 40 * S, 80 * S]
        assert all(r["requiresAuth"] and r["url"].startswith(served.url) for r in refs)

        def check_bytes(ref: dict) -> None:
            url = ref["url"]
            container = av.open(url, options={"headers": f"Authorization: Bearer {served.token}\r\n"})
            with container:
                got = stamps(container)
            first = (ref["startUs"]) // MS
            assert got == list(range(first, ref["endUs"] // MS, FRAME_MS))  # every frame, in order
            size = ref["sizeBytes"]
            head = c.get(url, headers={"Range": "bytes=0-187"})
            assert head.status_code == 206 and head.content[0] == 0x47 and len(head.content) == 188
            assert head.headers["content-range"] == f"bytes 0-187/{size}" and head.headers["accept-ranges"] == "bytes"
            assert head.headers["content-type"] == "video/mp2t"
            whole = c.get(url)
            assert whole.status_code == 200 and len(whole.content) == size
            assert c.get(url, headers={"Range": "bytes=-188"}).content == whole.content[-188:]
            assert c.get(url, headers={"Range": f"bytes={size - 10}-"}).content == whole.content[-10:]
            refused = c.get(url, headers={"Range": f"bytes={size}-"})
            assert refused.status_code == 416 and refused.headers["content-range"] == f"bytes */{size}"
            assert has_arabic(refused.json()["error"]["message_ar"])
            assert c.head(url).headers["content-length"] == str(size)
            assert httpx.get(url).status_code == 401  # the token is required

        for ref in refs:
            check_bytes(ref)  # from the spool
        lost = c.get(f"/api/v1/storage/segments/{site.lost_id}/media")
        assert lost.status_code == 404 and lost.json()["error"]["code"] == "segment_unavailable"

        invalidations = metric(c, "backend_playback_cache_invalidations_total")
        served.run(storage.uploader.start())  # the lost segment stays behind: its file is gone
        wait_until(lambda: all(storage.index.get(int(r["segmentId"])).storage_state == "uploaded" for r in refs), 30)
        wait_until(lambda: metric(c, "backend_playback_cache_invalidations_total") >= invalidations + len(refs), 10)
        uploaded = c.get(
            f"/api/v1/cameras/{site.local_cam}/playback/source",
            params={"startTime": iso_z((t0 - 1000) * MS), "endTime": iso_z((t0 + 100_000) * MS)},
        ).json()["local"]
        assert [r["segmentId"] for r in uploaded] == [r["segmentId"] for r in refs]
        for ref in uploaded:
            assert storage.index.get(int(ref["segmentId"])).storage_state == "uploaded"
            check_bytes(ref)  # from the filesystem object store
        snap = c.get(f"/api/v1/cameras/{site.local_cam}/playback/snapshot", params={"time": iso_z((t0 + 5550) * MS)})
        assert read_stamp(np.asarray(Image.open(io.BytesIO(snap.content)).convert("RGB"))) == Stamp(
            LOCAL_INDEX, t0 + 5500
        )


# ---------------------------------------------------------------------------------------------- outages


def test_a_recorder_that_cannot_reach_its_camera_leaves_a_camera_offline_gap(site):
    """A LOCAL recording of an RTSP camera nobody answers: the recorder's source reports ``reconnecting``
    (camera_status), the backend opens a camera_offline outage, and closes it when the recording stops."""
    served = site.served
    cam = add_rtsp_camera(served.app, "dead", port=1)
    with served.client() as c:
        started = c.post(f"/api/v1/cameras/{cam}/recordings/start", json={"duration": 2})
        assert started.status_code == 200, started.text
        begin = us(started.json()["startTime"])
        wait_until(lambda: not c.get(f"/api/v1/cameras/{cam}/recordings/status").json()["isRecording"], 15)
        outages = served.app.state.outages
        closed = wait_until(
            lambda: [o for o in outages.overlapping(cam, begin - S, begin + 60 * S) if o.end_us is not None], 10
        )
        assert len(closed) == 1 and closed[0].kind == "camera_offline" and closed[0].source == "recorder"
        assert begin <= closed[0].start_us < begin + 3 * S and closed[0].end_us >= begin + 2 * S
        body = query(c, cam, begin - 30 * S, closed[0].end_us)
    assert body["sequences"] == [] and body["sessions"][0]["status"] == "stopped"
    reasons = [(g["reason"], us(g["startTime"]), us(g["endTime"])) for g in body["gaps"]]
    assert reasons == [
        (None, begin - 30 * S, closed[0].start_us),
        ("camera_offline", closed[0].start_us, closed[0].end_us),
    ]


def test_backend_down_during_a_local_session_is_recorder_down(make_backend, backend_settings_factory):
    """A LOCAL session still marked recording when the backend stopped: at the next start the time from the
    camera's last segment to the restart becomes a recorder_down outage."""
    settings = backend_settings_factory(None, storage={"spool_min_free_mb": 0})
    first = make_backend(settings, components=[HeldUploadStorage, PlaybackComponent])
    app = first.app
    cam = add_rtsp_camera(app, "crashed")
    t0 = (int(time.time()) - 30) * 1000
    for seg in stamped_segments(app.state.storage.spool.root, cam, t0, 4.0):
        app.state.storage.index.add_closed_segment(seg, cam)
    with app.state.db.session() as s:
        s.add(
            RecordingSession(
                id=str(uuid.uuid4()),
                camera_id=cam,
                storage_mode="LOCAL",
                state="recording",
                duration_s=600,
                started_us=t0 * MS,
                scheduled_end_us=(t0 + 600_000) * MS,
                created_us=t0 * MS,
                updated_us=t0 * MS,
            )
        )
    first.client.__exit__(None, None, None)  # the backend goes away with the session still recording
    restart_us = int(time.time() * S)
    second = make_backend(settings, components=[HeldUploadStorage, PlaybackComponent])
    r = second.post(
        f"/api/v1/cameras/{cam}/recordings/query",
        json={"startTime": iso_z(t0 * MS), "endTime": iso_z(int(time.time() * S))},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(us(s["startTime"]), us(s["endTime"])) for s in body["sequences"]] == [(t0 * MS, (t0 + 4000) * MS)]
    down = body["gaps"][0]
    assert down["reason"] == "recorder_down" and us(down["startTime"]) == (t0 + 4000) * MS
    assert restart_us <= us(down["endTime"]) <= restart_us + 5 * S
    assert has_arabic(down["message_ar"])


# ---------------------------------------------------------------------------------------------- sources


def test_milestone_unreachable_still_returns_local_results_uncached(make_simulator, tmp_path):
    sim = make_simulator(cameras=2)
    settings = make_settings(tmp_path / "data", sim)
    served = serve(settings, [HeldUploadStorage, PlaybackComponent])
    try:
        with served.client() as c:
            wait_until(lambda: c.get("/health").json()["checks"]["milestone"]["status"] == "connected", 20)
            cam = camera_id(0)
            assert c.post("/api/v1/cameras/import", json={"milestoneDeviceId": cam}).status_code in (200, 201)
            t0 = (int(time.time()) - 600) * 1000
            storage = served.app.state.storage
            for seg in stamped_segments(storage.spool.root, cam, t0, 4.0):
                storage.index.add_closed_segment(seg, cam)
            ok = query(c, cam, (t0 - 60_000) * MS, (t0 + 60_000) * MS)
            assert ok["sources"]["milestone"] == "ok"
            local_part = [s for s in ok["sequences"] if us(s["startTime"]) <= t0 * MS < us(s["endTime"])]
            assert local_part and local_part[0]["source"] in ("both", "local")
            sim.close()  # XProtect goes away
            misses = metric(c, 'backend_playback_cache_misses_total{kind="query"}')
            for _ in range(2):
                body = query(c, cam, (t0 - 30_000) * MS, (t0 + 30_000) * MS)
                assert body["sources"] == {"milestone": "unavailable", "local": "ok"}
                assert [(us(s["startTime"]), us(s["endTime"]), s["source"]) for s in body["sequences"]] == [
                    (t0 * MS, (t0 + 4000) * MS, "local")
                ]
                assert "XProtect" in body["message"] and has_arabic(body["message_ar"])
            assert metric(c, 'backend_playback_cache_misses_total{kind="query"}') == misses + 2  # never cached
            snap = c.get(f"/api/v1/cameras/{cam}/playback/snapshot", params={"time": iso_z((t0 + 1000) * MS)})
            assert snap.status_code == 200  # the local segment still answers
            gap = c.get(f"/api/v1/cameras/{cam}/playback/snapshot", params={"time": iso_z((t0 - 9000) * MS)})
            assert gap.status_code == 503 and gap.json()["error"]["code"] == "milestone_unavailable"
    finally:
        served.close()


def test_uploaded_segments_on_s3_get_presigned_urls_and_stream_by_range(s3_server, tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text(s3_server.secret_key)
    secret.chmod(0o600)
    storage = {
        "kind": "s3",
        "s3_endpoint": s3_server.endpoint,
        "s3_access_key": s3_server.access_key,
        "s3_secret_key_file": str(secret),
        "spool_min_free_mb": 0,
    }
    settings = make_settings(tmp_path / "data", None, storage=storage)
    served = serve(settings, [StorageComponent, PlaybackComponent])
    try:
        app = served.app
        cam = add_rtsp_camera(app, "s3")
        t0 = (int(time.time()) - 900) * 1000
        index = app.state.storage.index
        ids = [index.add_closed_segment(seg, cam) for seg in stamped_segments(app.state.storage.spool.root, cam, t0, 8)]
        app.state.storage.uploader.notify()
        wait_until(lambda: all(index.get(i).storage_state == "uploaded" for i in ids), 30)
        with served.client() as c:
            body = c.get(
                f"/api/v1/cameras/{cam}/playback/source",
                params={"startTime": iso_z(t0 * MS), "endTime": iso_z((t0 + 8000) * MS)},
            ).json()
            refs = body["local"]
            assert len(refs) == 2 and not any(r["requiresAuth"] for r in refs)
            assert all(r["url"].startswith(f"http://{s3_server.endpoint}/") for r in refs)
            got: list[int] = []
            for ref in refs:
                with av.open(ref["url"]) as container:  # presigned: no token
                    got += stamps(container)
            assert got == list(range(t0, t0 + 8000, FRAME_MS))
            route = f"/api/v1/storage/segments/{refs[1]['segmentId']}/media"  # the backend streams from S3 too
            with av.open(served.url + route, options={"headers": f"Authorization: Bearer {served.token}\r\n"}) as cont:
                assert stamps(cont) == list(range(t0 + 4000, t0 + 8000, FRAME_MS))
            part = c.get(route, headers={"Range": "bytes=1000-2999"})
            assert part.status_code == 206 and len(part.content) == 2000
            assert part.content == c.get(route).content[1000:3000]
            snap = c.get(f"/api/v1/cameras/{cam}/playback/snapshot", params={"time": iso_z((t0 + 6420) * MS)})
            assert read_stamp(np.asarray(Image.open(io.BytesIO(snap.content)).convert("RGB"))) == Stamp(
                LOCAL_INDEX, t0 + 6400
            )
    finally:
        served.close()


# ---------------------------------------------------------------------------------------------- cache


def test_service_cache_ttl_follows_the_clock_and_segment_events(site):
    """The query service with a ManualClock: a range in the past is cached for PLAYBACK_CACHE_TTL, one reaching
    now for the short TTL, and a segment event of the camera drops its entries at once."""
    from backend.db.reads import ReadDatabase
    from backend.playback.cache import CachePolicy, PlaybackCache
    from backend.playback.milestone_source import MilestoneSource
    from backend.playback.query import RecordingsQuery
    from backend.playback.ranges import QueryRange
    from milestone.clock import ManualClock

    app = site.served.app
    clock = ManualClock(wall=time.time(), monotonic=0.0)
    cache = PlaybackCache(CachePolicy(ttl_s=300, live_ttl_s=5), clock)
    reads = ReadDatabase.of(app.state.db)
    service = RecordingsQuery(reads, MilestoneSource(app.state.milestone), cache, clock)
    now_us = int(clock.time() * S)
    past = QueryRange(site.t0 * MS - 10 * S, site.t0 * MS + 120 * S)
    live = QueryRange(now_us - 600 * S, now_us)

    def ask(rng: QueryRange):
        return site.served.run(service.query(site.local_cam, rng))

    first_past, first_live = ask(past), ask(live)
    assert (cache.hits, cache.misses) == (0, 2)
    clock.advance(4)
    assert ask(past) is first_past and ask(live) is first_live
    clock.advance(2)  # live entries expire after 5 s
    assert ask(past) is first_past and ask(live) is not first_live
    clock.advance(290)
    assert ask(past) is first_past
    clock.advance(5)
    assert ask(past) is not first_past  # 300 s
    assert (cache.hits, cache.misses) == (4, 4)
    # The component's cache is invalidated by the camera's events on the bus.
    component_cache = next(c for c in app.state.components if isinstance(c, PlaybackComponent)).cache
    with site.served.client() as c:
        query(c, site.local_cam, past.start_us, past.end_us)
        hits = component_cache.hits
        query(c, site.local_cam, past.start_us, past.end_us)
        assert component_cache.hits == hits + 1
        app.state.bus.publish("segment_uploaded", camera_id=site.local_cam, id=0)
        wait_until(lambda: ("query", site.local_cam, past.start_us, past.end_us) not in component_cache._entries, 5)
        misses = component_cache.misses
        query(c, site.local_cam, past.start_us, past.end_us)
        assert component_cache.misses == misses + 1
    reads.dispose()


# ---------------------------------------------------------------------------------------------- bad input


def test_camera_without_recordings_gets_one_gap_and_a_message(site):
    now = int(time.time() * S)
    with site.served.client() as c:
        body = query(c, site.empty_cam, now - 3600 * S, now - 600 * S)
        assert body["sequences"] == [] and body["coverage"] == 0.0
        assert [(us(g["startTime"]), us(g["endTime"]), g["reason"]) for g in body["gaps"]] == [
            (now - 3600 * S, now - 600 * S, None)
        ]
        assert body["message"] == "No recordings in this time range." and has_arabic(body["message_ar"])
        assert body["sources"] == {"milestone": "not_applicable", "local": "ok"}
        timeline = c.get(
            f"/api/v1/cameras/{site.empty_cam}/recordings/timeline",
            params={"startTime": iso_z(now - 3 * 86_400 * S), "endTime": iso_z(now), "resolution": "hour"},
        ).json()
        assert len(timeline["timeline"]) in (72, 73) and not any(b["hasRecording"] for b in timeline["timeline"])
        source = c.get(
            f"/api/v1/cameras/{site.empty_cam}/playback/source",
            params={"startTime": iso_z(now - 3600 * S), "endTime": iso_z(now)},
        ).json()
        assert source["local"] == [] and source["preferred"] == "none"
        future = query(c, site.empty_cam, now + 3600 * S, now + 7200 * S)
        assert future["gaps"] == [] and "future" in future["message"] and has_arabic(future["message_ar"])
        limits = c.get("/api/v1/playback/limits").json()
        assert limits["maxQueryDays"] == 31 and limits["speeds"] == [-8, -4, -2, -1, 1, 2, 4, 8]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        (
            "timeline",
            {"startTime": "2025-10-27T10:00:00", "endTime": "2025-10-27T11:00:00Z"},
            400,
            "time_without_timezone",
        ),
        ("timeline", {"startTime": "2025-10-27T11:00:00Z", "endTime": "2025-10-27T10:00:00Z"}, 400, "end_before_start"),
        ("timeline", {"startTime": "2025-10-27T10:00:00Z", "endTime": "2025-10-27T10:00:00Z"}, 400, "end_before_start"),
        ("timeline", {"startTime": "2025-09-01T00:00:00Z", "endTime": "2025-10-27T00:00:00Z"}, 400, "range_too_long"),
        ("timeline", {"startTime": "last week", "endTime": "2025-10-27T00:00:00Z"}, 400, "invalid_time"),
        ("timeline", {"startTime": "2025-10-01T00:00:00Z", "endTime": "2025-10-30T00:00:00Z"}, 400, "too_many_buckets"),
        (
            "timeline",
            {"startTime": "2025-10-01T00:00:00Z", "endTime": "2025-10-02T00:00:00Z", "resolution": "week"},
            400,
            "invalid_resolution",
        ),
        ("timeline", {"startTime": "2025-10-01T00:00:00Z"}, 422, "validation_error"),
        (
            "source",
            {"startTime": "2025-10-27T10:00:00+04:00", "endTime": "2025-10-27T09:00:00"},
            400,
            "time_without_timezone",
        ),
        ("source", {"startTime": "2025-09-01T00:00:00Z", "endTime": "2025-10-27T00:00:00Z"}, 400, "range_too_long"),
        (
            "source",
            {"startTime": "2025-10-27T09:00:00Z", "endTime": "2025-10-27T10:00:00Z", "at": "2025-10-27T09:30:00"},
            400,
            "time_without_timezone",
        ),
        ("snapshot", {"time": "2025-10-27T10:00:00"}, 400, "time_without_timezone"),
        ("snapshot", {}, 422, "validation_error"),
    ],
)
def test_bad_times_and_ranges_get_bilingual_errors(site, path, params, status, code):
    url = {
        "timeline": f"/api/v1/cameras/{site.local_cam}/recordings/timeline",
        "source": f"/api/v1/cameras/{site.local_cam}/playback/source",
        "snapshot": f"/api/v1/cameras/{site.local_cam}/playback/snapshot",
    }[path]
    with site.served.client() as c:
        r = c.get(url, params=params)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and has_arabic(error["message_ar"])
    if code == "too_many_buckets":
        assert error["details"]["suggestedResolution"] == "hour" and "hour" in error["message"]


def test_bad_query_bodies_unknown_cameras_and_segments(site):
    base = f"/api/v1/cameras/{site.local_cam}/recordings/query"
    cases = [
        ({"startTime": "2025-10-27T10:00:00", "endTime": "2025-10-27T11:00:00Z"}, 400, "time_without_timezone"),
        ({"startTime": "2025-10-27T11:00:00Z", "endTime": "2025-10-27T10:00:00Z"}, 400, "end_before_start"),
        ({"startTime": "2025-01-01T00:00:00Z", "endTime": "2025-03-01T00:00:00Z"}, 400, "range_too_long"),
        ({"startTime": "2025-10-27T10:00:00Z"}, 422, "validation_error"),
        ({"startTime": "2025-10-27T10:00:00Z", "endTime": "2025-10-27T11:00:00Z", "extra": 1}, 422, "validation_error"),
    ]
    week = {"startTime": "2025-10-20T00:00:00Z", "endTime": "2025-10-27T00:00:00Z"}
    with site.served.client() as c:
        for body, status, code in cases:
            r = c.post(base, json=body)
            assert r.status_code == status and r.json()["error"]["code"] == code, (body, r.text)
            assert has_arabic(r.json()["error"]["message_ar"])
        unknown = "00000000-dead-beef-0000-000000000000"
        for r in (
            c.post(f"/api/v1/cameras/{unknown}/recordings/query", json=week),
            c.get(f"/api/v1/cameras/{unknown}/recordings/timeline", params={**week, "resolution": "day"}),
            c.get(f"/api/v1/cameras/{unknown}/playback/source", params=week),
            c.get(f"/api/v1/cameras/{unknown}/playback/snapshot", params={"time": week["startTime"]}),
        ):
            assert r.status_code == 404 and r.json()["error"]["code"] == "camera_not_found", r.text
            assert has_arabic(r.json()["error"]["message_ar"])
        for segment in ("999999", "abc", "-1"):
            r = c.get(f"/api/v1/storage/segments/{segment}/media")
            assert r.status_code == 404 and r.json()["error"]["code"] == "segment_not_found"
        assert httpx.post(site.served.url + base, json=week).status_code == 401


# ---------------------------------------------------------------------------------------------- SQL portability


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_engine(request, tmp_path):
    """A migrated database on SQLite, then on a throw-away PostgreSQL server (skipped without its binaries)."""
    from backend.db.engine import create_db_engine
    from backend.db.migrate import upgrade_to_head

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sql.sqlite3'}"
    else:
        from tests.test_backend_core_postgres import _fresh_database

        url = _fresh_database(request.getfixturevalue("postgres_url"), f"playback_{uuid.uuid4().hex[:8]}")
    engine = create_db_engine(url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def test_local_index_sql_on_sqlite_and_postgresql(sql_engine):
    """Islands, one-pass and recursive bucket aggregation, exclusions and range scans agree with the rules on
    both databases (a 150 s segment spans three one-minute buckets and takes the recursive path)."""
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from backend.db.engine import Database
    from backend.db.models import Segment
    from backend.db.reads import ReadDatabase
    from backend.playback import local_index as idx
    from backend.playback.ranges import QueryRange, bucket_grid

    t0 = 1_790_000_080 * S  # 40 s past a whole minute
    with sql_engine.begin() as conn:
        conn.execute(
            insert(Camera.__table__),
            [dict(id="cam", name="c", agency="OTHER", storage_mode="LOCAL", enabled=True, ptz_enabled=False,
                  removed_from_milestone=False, rtsp_url="rtsp://192.0.2.1/s", created_us=0, updated_us=0)],
        )  # fmt: skip
        spans = [(0, 30), (30, 60), (100, 110), (200, 350)]
        conn.execute(
            insert(Segment.__table__),
            [dict(camera_id="cam", start_us=t0 + a * S, end_us=t0 + b * S, media_duration_us=(b - a) * S, frames=1,
                  key_frames=1, size_bytes=10 + i, sha256="0" * 64, container="mpegts", codec="h264",
                  storage_state="uploaded", object_key=f"k{i}", upload_attempts=0, created_us=0)
             for i, (a, b) in enumerate(spans)],
        )  # fmt: skip
    reads = ReadDatabase.of(Database(sql_engine))
    try:
        with Session(sql_engine) as s:
            ids = [row.id for row in s.query(Segment).order_by(Segment.start_us)]

        def run(fn, *args, **kwargs):
            return reads.read(lambda session: fn(session, *args, **kwargs))

        islands = run(idx.local_islands, "cam", t0 + 10 * S, t0 + 400 * S, join_us=S)
        assert [(i.start_us - t0, i.end_us - t0, i.segments, i.size_bytes) for i in islands] == [
            (0, 60 * S, 2, 21),
            (100 * S, 110 * S, 1, 12),
            (200 * S, 350 * S, 1, 13),
        ]
        without = run(idx.local_islands, "cam", t0, t0 + 400 * S, join_us=S, exclude=[ids[1]])
        assert [(i.start_us - t0, i.end_us - t0) for i in without] == [
            (0, 30 * S),
            (100 * S, 110 * S),
            (200 * S, 350 * S),
        ]
        short = bucket_grid(QueryRange(t0, t0 + 180 * S), "minute", 100)  # one-pass: no segment spans 3 buckets
        touching, covered = run(idx.timeline_buckets, "cam", short)
        assert short.origin_us == t0 - 40 * S and short.count == 4
        assert touching == [1, 2, 1, 0] and covered == [20 * S, 40 * S, 10 * S, 0]
        whole = bucket_grid(QueryRange(t0, t0 + 400 * S), "minute", 100)  # recursive: the 150 s segment
        touching, covered = run(idx.timeline_buckets, "cam", whole)
        assert touching == [1, 2, 1, 0, 1, 1, 1, 0]
        assert covered == [20 * S, 40 * S, 10 * S, 0, 60 * S, 60 * S, 30 * S, 0]
        touching, covered = run(idx.timeline_buckets, "cam", whole, exclude=[ids[3]])
        assert touching[4:] == [0, 0, 0, 0]
        assert [r.id for r in run(idx.segments_in, "cam", t0 + 50 * S, t0 + 250 * S, limit=10)] == ids[1:]
        assert run(idx.segment_at, "cam", t0 + 105 * S, tolerance_us=S).id == ids[2]
        assert run(idx.segment_at, "cam", t0 + 150 * S, tolerance_us=S) is None
        assert run(idx.sessions_overlapping, "cam", t0, t0 + S) == []
    finally:
        reads.dispose()


def test_timeline_json_is_the_wire_schema():
    from backend.api.schemas_playback import TimelineResult
    from backend.playback.query import TimelineAnswer
    from backend.playback.ranges import bucket_grid, parse_range

    for start, end, resolution in (
        ("2025-10-27T10:00:30+04:00", "2025-10-27T12:00:00Z", "minute"),
        ("1969-12-31T22:00:00Z", "1970-01-01T02:00:00Z", "hour"),
        ("2025-10-27T00:00:00+05:45", "2025-10-29T00:00:00Z", "day"),
        ("2025-10-27T00:00:00+00:00:30", "2025-10-27T00:10:00Z", "minute"),  # an offset with seconds
    ):
        rng = parse_range(start, end, max_days=31)
        grid = bucket_grid(rng, resolution, 1000)
        answer = TimelineAnswer("cam-\u0627", grid, rng.start_us, rng.end_us,
                                [i * 1500 for i in range(grid.count)], list(range(grid.count)))  # fmt: skip
        model = answer.to_model()
        reference = TimelineResult(
            camera_id="cam-\u0627",
            resolution=resolution,
            start_time=from_us_dt(rng.start_us),
            end_time=from_us_dt(rng.end_us),
            timeline=[
                {"timestamp": from_us_dt(grid.start_of(i)), "has_recording": i > 0, "segment_count": i,
                 "recorded_seconds": i * 1500 / 1e6}
                for i in range(grid.count)
            ],
        )  # fmt: skip
        assert model == reference
        assert json_of(answer) == json_of_model(reference)


def from_us_dt(value: int) -> datetime:
    from backend.playback.ranges import from_us

    return from_us(value)


def json_of(answer) -> Any:
    import json

    return json.loads(answer.to_json())


def json_of_model(model) -> Any:
    import json

    return json.loads(model.model_dump_json(by_alias=True))


def test_a_backend_without_the_playback_component_says_so(make_backend, backend_settings_factory):
    api = make_backend(backend_settings_factory(None))  # no components at all
    r = api.get(
        "/api/v1/cameras/x/recordings/timeline",
        params={"startTime": "2025-10-27T10:00:00Z", "endTime": "2025-10-27T11:00:00Z"},
    )
    assert r.status_code == 503 and r.json()["error"]["code"] == "playback_unavailable"
    assert has_arabic(r.json()["error"]["message_ar"])

"""ImageServer against the real simulator: live H.264 and JPEG frames checked by their stamps, token renewal on
an open live stream (connectupdate), connect refusals, fault injection and reconnect, and playback."""

from __future__ import annotations

import asyncio
import io
import itertools
import time
import uuid

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from media.stamp import read_stamp
from milestone.errors import AuthenticationError, NotFoundError, PermissionDeniedError, ProtocolError, UnreachableError
from milestone.imageserver import ImageServerConnection
from milestone.models import Camera, ImageFrame, Inventory, VideoCodec
from milestone.session import MilestoneSession
from simulator import history
from simulator.inventory import camera_id


class H264Decoder:
    """PyAV decoder fed with GenericByteData payloads; yields (picture_ms, RGB ndarray)."""

    def __init__(self) -> None:
        self.ctx = av.CodecContext.create("h264", "r")

    def decode(self, frame: ImageFrame) -> list[tuple[int, np.ndarray]]:
        packet = av.Packet(frame.payload)
        packet.pts = frame.picture_ms
        return [(int(f.pts), f.to_ndarray(format="rgb24")) for f in self.ctx.decode(packet)]


async def _login(sim, user: str = "admin") -> tuple[MilestoneSession, Inventory]:
    session = MilestoneSession(sim.management_url, user, sim.password)
    await session.login()
    return session, await session.inventory()


async def _drain(conn: ImageServerConnection) -> list[ImageFrame]:
    return [frame async for frame in conn.live_frames()]


async def _live(conn: ImageServerConnection, count: int) -> list[ImageFrame]:
    frames = []
    async for frame in conn.live_frames(idle_timeout=10):
        frames.append(frame)
        if len(frames) == count:
            break
    return frames


async def test_live_h264_frames_carry_the_camera_stamp_and_picture_time(simulator):
    session, inv = await _login(simulator)
    index = 2
    cam = inv.camera(camera_id(index))
    conn = await ImageServerConnection.open_camera(cam, session.current_vms_token(), stream_id=cam.stream_ids[0])
    try:
        await conn.start_live()
        frames = await _live(conn, 40)
        await conn.stop_live()
        leftovers = await asyncio.wait_for(_drain(conn), 5)  # stop ends the iterator after queued frames
        assert all(f.picture_ms > frames[-1].picture_ms for f in leftovers)
    finally:
        await conn.aclose()
        await session.aclose()
    assert all(f.codec is VideoCodec.H264 for f in frames)
    pictures = [f.picture_ms for f in frames]
    assert pictures == sorted(set(pictures)), "picture times must strictly increase"
    assert all(f.current_ms == f.picture_ms for f in frames)
    start = next(i for i, f in enumerate(frames) if f.key_frame)
    decoder = H264Decoder()
    decoded = [out for f in frames[start:] for out in decoder.decode(f)]
    assert len(decoded) >= len(frames) - start - 2  # a decoder may hold back the last frame or two
    for pts, rgb in decoded:
        stamp = read_stamp(rgb)
        assert stamp is not None, "frame stamp unreadable"
        assert stamp.camera_index == index
        assert stamp.timestamp_ms == pts
    assert conn.last_status is not None and conn.last_status.items.get("1") == "1"


async def test_live_jpeg_frames_carry_the_camera_stamp(simulator):
    session, inv = await _login(simulator)
    index = 4
    cam = inv.camera(camera_id(index))
    conn = await ImageServerConnection.open_camera(cam, session.current_vms_token(), jpeg=True)
    try:
        await conn.start_live()
        frames = await _live(conn, 5)
        await conn.stop_live()
        await asyncio.wait_for(_drain(conn), 5)
    finally:
        await conn.aclose()
        await session.aclose()
    for frame in frames:
        assert frame.codec is VideoCodec.JPEG and frame.payload[:2] == b"\xff\xd8"
        stamp = read_stamp(np.asarray(Image.open(io.BytesIO(frame.payload)).convert("RGB")))
        assert stamp is not None and stamp.camera_index == index and stamp.timestamp_ms == frame.current_ms


async def test_live_stream_outlives_token_expiry_through_connectupdate(make_simulator):
    sim = make_simulator(cameras=2, fps=5, token_ttl=3, vms_token_ttl=4)
    session, inv = await _login(sim)
    cam = inv.camera(camera_id(0))
    followed = await ImageServerConnection.open_camera(cam, session.current_vms_token())
    control = await ImageServerConnection.open_camera(cam, session.current_vms_token())  # never updated
    followed.follow_tokens(session.subscribe_vms_token)
    try:
        await followed.start_live()
        await control.start_live()

        async def drain_control() -> tuple[int, BaseException | None]:
            n = 0
            try:
                async for _ in control.live_frames(idle_timeout=15):
                    n += 1
            except (UnreachableError, ProtocolError) as exc:
                return n, exc
            return n, None

        control_task = asyncio.create_task(drain_control())
        started = time.monotonic()
        pictures: list[int] = []
        async for frame in followed.live_frames(idle_timeout=5):
            pictures.append(frame.picture_ms)
            if time.monotonic() - started > 11:
                break
        control_frames, control_error = await asyncio.wait_for(control_task, 10)
    finally:
        await followed.aclose()
        await control.aclose()
        await session.aclose()
    # Without connectupdate the server ends the stream when the first vms_token expires (~4 s) ...
    assert isinstance(control_error, UnreachableError)
    assert 0 < control_frames < 8 * 5
    # ... while the followed connection received every renewed token and kept streaming for > 10 s.
    assert session.renewals >= 3 and followed.token_updates >= 3
    assert pictures[-1] - pictures[0] >= 10_000
    assert max(b - a for a, b in itertools.pairwise(pictures)) < 1_000  # no stall, no gap
    assert len(pictures) >= 10 * 5 * 0.9


async def test_connect_refusals_are_typed(simulator):
    session, inv = await _login(simulator)
    operator, _ = await _login(simulator, "operator")
    last = inv.camera(camera_id(simulator.cameras - 1))
    first = inv.camera(camera_id(0))
    assert last.recording_server is not None and first.recording_server is not None
    try:
        with pytest.raises(PermissionDeniedError):
            await ImageServerConnection.open_camera(last, operator.current_vms_token())
        conn = await ImageServerConnection.open_camera(first, operator.current_vms_token())  # allowed camera
        await conn.aclose()
        with pytest.raises(NotFoundError):
            await ImageServerConnection.open_camera(
                Camera(str(uuid.uuid4()), "ghost", True, False, "", first.recording_server),
                session.current_vms_token(),
            )
        bogus = "TOKEN#" + str(uuid.uuid4()) + "#127.0.0.1//ServerConnector#"
        with pytest.raises(AuthenticationError) as info:
            await ImageServerConnection.open_camera(first, bogus)
        assert bogus not in str(info.value)
    finally:
        await operator.aclose()
        await session.aclose()


async def test_malformed_frame_is_a_protocol_error_and_a_new_connection_recovers(simulator):
    session, inv = await _login(simulator)
    index = 5
    cam = inv.camera(camera_id(index))
    conn = await ImageServerConnection.open_camera(cam, session.current_vms_token())
    try:
        await conn.start_live()
        await _live(conn, 3)
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                simulator.management_url.rstrip("/") + "/simulator/faults",
                json={"kind": "malformed_frame", "camera_id": cam.id, "count": 1},
            )
            assert answer.status_code == 200
        with pytest.raises(ProtocolError):
            await _live(conn, 100)
        assert conn.closed
    finally:
        await conn.aclose()
    fresh = await ImageServerConnection.open_camera(cam, session.current_vms_token())
    try:
        await fresh.start_live()
        frames = await _live(fresh, 30)
    finally:
        await fresh.aclose()
        await session.aclose()
    start = next(i for i, f in enumerate(frames) if f.key_frame)
    decoder = H264Decoder()
    stamps = [read_stamp(rgb) for f in frames[start:] for _, rgb in decoder.decode(f)]
    assert stamps and all(s is not None and s.camera_index == index for s in stamps)


def _recorded_and_gap(index: int, now_ms: int) -> tuple[tuple[int, int], int]:
    """A recorded sequence of at least 20 s and the middle of a gap, both 2 to 20 hours ago."""
    seqs = history.recording_sequences(index, now_ms - 20 * 3_600_000, now_ms - 2 * 3_600_000)
    long_seq = next(s for s in seqs if s[1] - s[0] > 20_000 and s[0] > now_ms - 20 * 3_600_000)
    gap = next((a[1] + b[0]) // 2 for a, b in itertools.pairwise(seqs) if b[0] - a[1] > 10_000)
    return long_seq, gap


async def test_playback_goto_next_previous_and_gaps(simulator):
    session, inv = await _login(simulator)
    index = 3
    cam = inv.camera(camera_id(index))
    fps = simulator.fps
    (begin, _end), gap_ms = _recorded_and_gap(index, int(time.time() * 1000))
    target = begin + 5_500  # mid-GOP (key frames sit on whole seconds)
    conn = await ImageServerConnection.open_camera(cam, session.current_vms_token())
    try:
        landed = await conn.goto(target)
        assert landed.current_ms == (target * fps // 1000) * 1000 // fps  # the grid frame at or before
        assert not landed.key_frame and landed.sync_ms < landed.current_ms
        key = await conn.goto(landed.sync_ms)
        assert key.key_frame and key.current_ms == landed.sync_ms
        walk = [key]
        while walk[-1].current_ms < landed.current_ms:
            walk.append(await conn.next())
        assert walk[-1].current_ms == landed.current_ms
        assert all(b.prev_ms == a.current_ms for a, b in itertools.pairwise(walk))
        back = await conn.previous()
        assert back.current_ms == walk[-2].current_ms
        empty = await conn.goto(gap_ms)
        assert empty.empty and (empty.current_ms, empty.prev_ms, empty.next_ms) == (0, 0, 0)
    finally:
        await conn.aclose()
        await session.aclose()
    decoder = H264Decoder()
    decoded = [out for f in walk for out in decoder.decode(f)]
    decoded += [(int(f.pts), f.to_ndarray(format="rgb24")) for f in decoder.ctx.decode(None)]
    assert [pts for pts, _ in decoded] == [f.current_ms for f in walk]
    for pts, rgb in decoded:
        stamp = read_stamp(rgb)
        assert stamp is not None and stamp.camera_index == index and stamp.timestamp_ms == pts

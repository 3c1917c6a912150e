"""Simulator ImageServer live video over real sockets (MILESTONE_PROTOCOL.md §3), read with raw asyncio
sockets and milestone.imageserver_codec; H.264 decoded with PyAV; frames identified by their stamp."""

from __future__ import annotations

import asyncio
import io
import itertools
import time

import av
import httpx
import pytest

from media.stamp import Stamp, read_stamp
from milestone.errors import ProtocolError
from milestone.imageserver_codec import CONTENT_TYPE_GBD, LiveStatus, MethodResponse, connect_params
from milestone.models import ImageFrame, VideoCodec
from simulator.inventory import camera_id
from simulator.probe import RawImageServer, access_token, vms_token


@pytest.fixture(scope="module")
def token(simulator):
    return vms_token(simulator.management_url, simulator.password)


async def _live(sim, index: int, vms: str, jpeg: bool = False) -> RawImageServer:
    port = sim.recorder_ports[0 if index < 4 else 1]
    conn = await RawImageServer.open("127.0.0.1", port)
    answer = await conn.connect(camera_id(index), vms, jpeg=jpeg)
    assert isinstance(answer, MethodResponse) and answer.fields["connected"] == "yes", answer
    await conn.send("live", {"compressionrate": "90"})
    return conn


def _decode_h264(frames: list[ImageFrame]) -> list[Stamp | None]:
    decoder = av.CodecContext.create("h264", "r")
    stamps = []
    for frame in frames:
        out = decoder.decode(av.Packet(frame.payload))
        assert len(out) == 1, "no B-frames, zerolatency: one picture per access unit"
        stamps.append(read_stamp(out[0].to_ndarray(format="rgb24")))
    return stamps


async def test_live_h264_frames_decode_and_carry_their_stamp(simulator, token):
    conn = await _live(simulator, 2, token)
    try:
        frames = await conn.frames(35)
    finally:
        await conn.close()
    assert all(f.content_type == CONTENT_TYPE_GBD and f.codec is VideoCodec.H264 for f in frames)
    assert frames[0].key_frame, "a new subscriber starts at a key frame"
    times = [f.current_ms for f in frames]
    assert times == sorted(set(times)), "strictly increasing"
    assert all(f.picture_ms == f.current_ms for f in frames)
    assert max(b - a for a, b in itertools.pairwise(times)) <= 2 * 67
    keys = [f for f in frames if f.key_frame]
    assert len(keys) >= 2 and all(k.sync_ms == k.picture_ms for k in keys)
    assert all(k.picture_ms % 1000 == 0 for k in keys[1:]), "key frames on whole seconds"
    for f in frames:
        assert f.sync_ms <= f.picture_ms < f.sync_ms + 1000
    assert _decode_h264(frames) == [Stamp(2, t) for t in times]
    assert abs(times[-1] - time.time() * 1000) < 3000, "live means now"


async def test_live_status_packages_arrive_about_every_second(simulator, token):
    conn = await _live(simulator, 1, token)
    statuses = []
    try:
        async with asyncio.timeout(5):
            while len(statuses) < 3:
                msg = await conn.message()
                if isinstance(msg, LiveStatus):
                    statuses.append((time.monotonic(), msg))
    finally:
        await conn.close()
    assert all(s.items.get("1") == "1" and "3" in s.items for _, s in statuses)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(statuses)]
    assert all(0.6 < g < 1.6 for g in gaps), gaps


async def test_live_jpeg_mode(simulator, token):
    conn = await _live(simulator, 5, token, jpeg=True)
    try:
        frames = await conn.frames(5)
    finally:
        await conn.close()
    for f in frames:
        assert f.content_type == "image/jpeg" and f.payload[:2] == b"\xff\xd8"
        image = next(av.open(io.BytesIO(f.payload)).decode(video=0)).to_ndarray(format="rgb24")
        assert read_stamp(image) == Stamp(5, f.current_ms)


async def _live_channels(sim) -> int:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"{sim.management_url}/simulator/status")).json()["live_channels"]


async def test_two_subscribers_share_one_encoder_that_stops_after_the_last(make_simulator):
    sim = make_simulator(cameras=4)
    vms = await asyncio.to_thread(vms_token, sim.management_url, sim.password)
    assert await _live_channels(sim) == 0
    a = await _live(sim, 1, vms)
    b = await _live(sim, 1, vms)
    try:
        fa, fb = await asyncio.gather(a.frames(30), b.frames(30))
        assert await _live_channels(sim) == 1
        await a.close()
        more = await b.frames(5)
        assert await _live_channels(sim) == 1, "still one subscriber"
    finally:
        await a.close()
        await b.close()
    by_time = {f.current_ms: f.payload for f in fa}
    common = [f for f in fb if f.current_ms in by_time]
    assert len(common) >= 20
    assert all(by_time[f.current_ms] == f.payload for f in common), "the same bytes: one broadcast encoder"
    assert more[-1].current_ms > fa[-1].current_ms
    for _ in range(50):
        if await _live_channels(sim) == 0:
            break
        await asyncio.sleep(0.05)
    assert await _live_channels(sim) == 0, "the encoder stops when the last subscriber leaves"


async def test_stop_ends_the_live_stream(simulator, token):
    conn = await _live(simulator, 2, token)
    try:
        await conn.frames(3)
        await conn.send("stop")
        while not isinstance(msg := await conn.message(), MethodResponse):
            assert msg is not None
        assert msg.method == "stop"
        with pytest.raises(TimeoutError):
            while True:  # statuses would be fine, images are not
                assert not isinstance(await conn.message(timeout=0.6), ImageFrame)
    finally:
        await conn.close()


async def test_connect_refusals(simulator, token):
    bearer = access_token(simulator.management_url, simulator.password)
    operator = vms_token(simulator.management_url, simulator.password, username="operator")
    port0, port1 = simulator.recorder_ports
    cases = [
        (port0, camera_id(0), "TOKEN#00000000-0000-0000-0000-000000000000#x//ServerConnector#", "Token invalid"),
        (port0, camera_id(0), bearer, "Token invalid"),
        (port0, "00000000-0000-0000-0000-000000000009", token, "not found"),
        (port0, camera_id(6), token, "not found"),  # camera of the other recording server
        (port1, camera_id(8), token, "disabled"),
        (port1, camera_id(7), operator, "permission"),
    ]
    for port, cam, vms, reason in cases:
        conn = await RawImageServer.open("127.0.0.1", port)
        try:
            answer = await conn.call("connect", connect_params(cam, vms))
        finally:
            await conn.close()
        assert isinstance(answer, MethodResponse)
        assert answer.fields["connected"] == "no" and reason in answer.fields["errorreason"], answer
    ok = await _live(simulator, 6, operator)  # the operator may use every other camera
    await ok.close()


async def _arm(sim, kind: str, index: int) -> None:
    async with httpx.AsyncClient() as client:
        r = await client.post(
            f"{sim.management_url}/simulator/faults", json={"kind": kind, "camera_id": camera_id(index), "count": 1}
        )
        assert r.status_code == 200


async def test_fault_malformed_frame(simulator, token):
    await _arm(simulator, "malformed_frame", 4)
    conn = await _live(simulator, 4, token)
    try:
        with pytest.raises(ProtocolError, match="Content-length"):
            await conn.frames(3)
    finally:
        await conn.close()
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{simulator.management_url}/simulator/faults")).json() == {"armed": {}}
        bad = await client.post(
            f"{simulator.management_url}/simulator/faults", json={"kind": "nope", "camera_id": camera_id(4)}
        )
        assert bad.status_code == 400


async def test_fault_close_mid_frame(simulator, token):
    await _arm(simulator, "close_mid_frame", 0)
    conn = await _live(simulator, 0, token)
    try:
        with pytest.raises(ConnectionError, match="after 0 frames"):
            await conn.frames(1)
    finally:
        await conn.close()
    again = await _live(simulator, 0, token)  # one fault only: the next connection streams normally
    try:
        assert len(await again.frames(3)) == 3
    finally:
        await again.close()


async def test_live_stops_when_the_vms_token_expires_unless_renewed(make_simulator):
    sim = make_simulator(cameras=2, vms_token_ttl=4.0)
    first = vms_token(sim.management_url, sim.password)
    started = time.monotonic()
    first_expiry_ms = time.time() * 1000 + 4000
    expiring = await _live(sim, 0, first)
    renewed = await _live(sim, 0, first)

    async def drain_until_closed(conn: RawImageServer) -> tuple[float, list]:
        seen = []
        while True:
            msg = await conn.message(timeout=10)
            if msg is None:
                return time.monotonic() - started, seen
            seen.append(msg)

    async def renew_then_watch(conn: RawImageServer) -> tuple[MethodResponse, list[ImageFrame]]:
        await asyncio.sleep(1.0)
        fresh = await asyncio.to_thread(vms_token, sim.management_url, sim.password)
        await conn.send("connectupdate", {"connectparam": f"id={camera_id(0)}&connectiontoken={fresh}"})
        answer, frames = None, []
        while time.monotonic() - started < 4.6:  # past the first token's expiry, before the renewed one's
            msg = await conn.message(timeout=5)
            assert msg is not None, "renewed connection must stay open"
            if isinstance(msg, MethodResponse):
                answer = msg
            elif isinstance(msg, ImageFrame):
                frames.append(msg)
        return answer, frames

    try:
        (closed_after, seen), (answer, frames) = await asyncio.gather(
            drain_until_closed(expiring), renew_then_watch(renewed)
        )
    finally:
        await expiring.close()
        await renewed.close()
    assert 3.8 < closed_after < 5.5
    final_status = [m for m in seen if isinstance(m, LiveStatus)][-1]
    assert final_status.items["1"] == "0"
    assert answer is not None and answer.method == "connectupdate" and answer.fields["connected"] == "yes"
    assert frames[-1].current_ms > first_expiry_ms + 300, "the stream went on past the first token's expiry"

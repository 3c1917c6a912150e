"""Live video end to end: the real simulator (child process, real sockets) -> MilestoneSession -> MediaEngine.

Checks what was shown (each frame's stamp: camera index and time), not just that something was shown, and the
stream's states through a recorder restart, a forbidden camera and injected stream faults.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from media.backoff import ReconnectPolicy
from media.engine import MediaEngine
from media.frames import DecodedFrame
from media.live_stream import LiveStream
from media.stamp import Stamp, read_stamp
from media.stream_stats import StreamState
from milestone.models import Camera, Inventory
from milestone.session import MilestoneSession
from simulator import inventory as sim_inventory


class Recorder:
    """Collects on_state / on_frame callbacks (called from engine threads)."""

    def __init__(self) -> None:
        self.states: list[tuple[StreamState, str]] = []
        self.frame_notices = 0

    def on_state(self, state: StreamState, detail: str) -> None:
        self.states.append((state, detail))

    def on_frame(self) -> None:
        self.frame_notices += 1

    def seen(self, state: StreamState) -> bool:
        return any(s is state for s, _ in self.states)


async def until(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def take_frames(handle: LiveStream, count: int, timeout: float = 20.0) -> list[DecodedFrame]:
    frames: list[DecodedFrame] = []
    deadline = time.monotonic() + timeout
    while len(frames) < count:
        frame = handle.take_frame()
        if frame is not None:
            frames.append(frame)
            continue
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(frames)} of {count} frames in {timeout} s; stats {handle.stats}")
        await asyncio.sleep(0.02)
    return frames


def stamps(frames: list[DecodedFrame]) -> list[Stamp]:
    out = []
    for frame in frames:
        stamp = read_stamp(frame.data)
        assert stamp is not None, f"unreadable stamp in a {frame.width}x{frame.height} frame"
        out.append(stamp)
    return out


def camera(inventory: Inventory, index: int) -> Camera:
    return inventory.camera(sim_inventory.camera_id(index))


async def login(sim, user: str = "admin") -> tuple[MilestoneSession, Inventory]:
    session = MilestoneSession(sim.management_url, user, sim.password)
    await session.login()
    return session, await session.inventory()


@pytest.fixture
def engine():
    eng = MediaEngine(max_decode_threads=2)
    eng.start()
    yield eng
    eng.stop()


async def test_live_frames_carry_their_camera_and_time(simulator, engine):
    session, inventory = await login(simulator)
    try:
        watchers = {index: Recorder() for index in (1, 2)}
        handles = {
            index: engine.open_live(camera(inventory, index), session, on_state=w.on_state, on_frame=w.on_frame)
            for index, w in watchers.items()
        }
        handles[1].set_output_size(320, 320)  # a square tile: 16:9 video arrives as 320x180
        handles[2].set_output_size(0, 0)  # native
        for index, handle in handles.items():
            frames = await take_frames(handle, 8)
            got = stamps(frames)
            assert {s.camera_index for s in got} == {index}
            times = [f.picture_ms for f in frames]
            assert times == sorted(times) and len(set(times)) == len(times)
            assert [s.timestamp_ms for s in got] == times  # the stamp agrees with the GenericByteData header
            assert abs(times[-1] / 1000 - time.time()) < 10  # ms UTC, live
            assert handle.state is StreamState.LIVE
            assert watchers[index].states[0] == (StreamState.LIVE, "")
            assert watchers[index].frame_notices >= 1
            for frame in frames:
                assert frame.decoded_monotonic >= frame.received_monotonic
            stats = handle.stats
            assert stats.frames_taken == 8 and stats.frames_decoded >= 8 and stats.packets_received >= 8
            assert stats.decode_errors == 0 and stats.reconnects == 0
        assert {(f.width, f.height) for f in await take_frames(handles[1], 2)} == {(320, 180)}
        native = (await take_frames(handles[2], 1))[0]
        assert (native.width, native.height) == (640, 360)
    finally:
        await session.aclose()


async def test_jpeg_live(simulator, engine):
    session, inventory = await login(simulator)
    try:
        handle = engine.open_live(camera(inventory, 3), session, jpeg=True)
        handle.set_output_size(160, 90)  # the smallest tile the stamp is made for
        frames = await take_frames(handle, 4)
        assert {s.camera_index for s in stamps(frames)} == {3}
        assert {(f.width, f.height) for f in frames} == {(160, 90)}
        assert handle.stats.decode_errors == 0
    finally:
        await session.aclose()


async def test_operator_has_no_permission_for_the_last_camera(simulator, engine):
    session, inventory = await login(simulator, "operator")
    try:
        last = simulator.cameras - 1
        denied, allowed = Recorder(), Recorder()
        forbidden = engine.open_live(camera(inventory, last), session, on_state=denied.on_state)
        permitted = engine.open_live(camera(inventory, 0), session, on_state=allowed.on_state)
        await until(lambda: forbidden.state is StreamState.NO_PERMISSION, what="NO_PERMISSION")
        assert denied.states[0][0] is StreamState.NO_PERMISSION
        assert denied.states[0][1].startswith("PermissionDeniedError:")
        assert "PermissionDeniedError" in forbidden.stats.last_error
        assert forbidden.take_frame() is None
        # The same user sees other cameras: the refusal is about this camera, not the session.
        assert {s.camera_index for s in stamps(await take_frames(permitted, 2))} == {0}
        assert not allowed.seen(StreamState.NO_PERMISSION)
        await asyncio.sleep(1.5)  # permission refusals are retried rarely, not in a tight loop
        assert forbidden.stats.reconnects == 0
        assert forbidden.state is StreamState.NO_PERMISSION
    finally:
        await session.aclose()


@pytest.mark.parametrize(("kind", "error"), [("malformed_frame", "ProtocolError"), ("close_mid_frame", "Unreachable")])
async def test_stream_faults_reconnect_and_resume(simulator, engine, kind, error):
    index = 4 if kind == "malformed_frame" else 5
    session, inventory = await login(simulator)
    try:
        watcher = Recorder()
        handle = engine.open_live(camera(inventory, index), session, on_state=watcher.on_state)
        await take_frames(handle, 3)
        async with httpx.AsyncClient() as client:
            reply = await client.post(
                f"{simulator.management_url.rstrip('/')}/simulator/faults",
                json={"kind": kind, "camera_id": sim_inventory.camera_id(index), "count": 1},
            )
            assert reply.status_code < 300, reply.text
        await until(lambda: handle.stats.reconnects >= 1, what="a reconnect")
        assert error in handle.stats.last_error
        assert watcher.seen(StreamState.RECONNECTING)
        handle.take_frame()  # discard a frame from before the fault, if any
        after = await take_frames(handle, 3)
        assert {s.camera_index for s in stamps(after)} == {index}
        assert handle.state is StreamState.LIVE
        assert [s for s, _ in watcher.states][-2:] == [StreamState.RECONNECTING, StreamState.LIVE]
        assert handle.stats.reconnects == 1
    finally:
        await session.aclose()


async def test_recorder_restart_reconnects(make_simulator, engine):
    sim = make_simulator(cameras=2)
    session, inventory = await login(sim)
    tokens = session
    try:
        watcher = Recorder()
        handle = engine.open_live(camera(inventory, 1), tokens, on_state=watcher.on_state)
        before = await take_frames(handle, 3)
        await asyncio.to_thread(sim.stop)
        await until(lambda: handle.state is StreamState.RECONNECTING, what="RECONNECTING")
        assert "Unreachable" in handle.stats.last_error
        await asyncio.sleep(2.0)  # down for a while: several attempts are refused
        assert handle.state is StreamState.RECONNECTING
        assert handle.stats.reconnects >= 2
        # Same ports again. The restarted simulator has forgotten the vms_token: the stream has it renewed.
        await asyncio.to_thread(sim.start, sim.port, sim.recorder_ports)
        await until(lambda: handle.state is StreamState.LIVE, timeout=30, what=f"LIVE again ({watcher.states})")
        handle.take_frame()
        after = await take_frames(handle, 3)
        assert {s.camera_index for s in stamps(after)} == {1}
        assert after[0].picture_ms > before[-1].picture_ms
        assert [s for s, _ in watcher.states][-1] is StreamState.LIVE
        assert not watcher.seen(StreamState.AUTH_FAILED)
    finally:
        await session.aclose()


async def test_renewed_tokens_keep_the_stream_live(make_simulator, engine):
    sim = make_simulator(cameras=1, token_ttl=4.0, vms_token_ttl=4.0)
    session, inventory = await login(sim)
    try:
        handle = engine.open_live(camera(inventory, 0), session)
        await take_frames(handle, 2)
        renewals = session.renewals
        await until(lambda: session.renewals >= renewals + 3, timeout=30, what="three token renewals")
        # Well past the first vms_token's lifetime: the open connection got connectupdate each time.
        frames = await take_frames(handle, 3)
        assert {s.camera_index for s in stamps(frames)} == {0}
        assert handle.state is StreamState.LIVE
        assert handle.stats.reconnects == 0
    finally:
        await session.aclose()


class SwitchableTokens:
    """A token source whose token the test replaces (announced from another thread, as a session would)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.callbacks: list = []
        self.renewal_requests: list[str] = []

    def current_vms_token(self) -> str:
        return self.token

    def subscribe_vms_token(self, callback):
        self.callbacks.append(callback)
        return lambda: self.callbacks.remove(callback)

    def request_vms_token_renewal(self, stale_token: str) -> None:
        self.renewal_requests.append(stale_token)

    def announce(self, token: str) -> None:
        self.token = token
        for callback in list(self.callbacks):
            callback(token)


async def test_refused_token_reports_auth_failed_until_a_good_token_arrives(simulator):
    policy = ReconnectPolicy(initial_delay=0.05, max_delay=0.1, slow_retry=60.0)
    engine = MediaEngine(policy=policy, max_decode_threads=1)
    engine.start()
    session, inventory = await login(simulator)
    try:
        bogus = "TOKEN#00000000-0000-0000-0000-000000000000#127.0.0.1//ServerConnector#"
        tokens = SwitchableTokens(bogus)
        watcher = Recorder()
        handle = engine.open_live(camera(inventory, 6), tokens, on_state=watcher.on_state)
        await until(lambda: handle.state is StreamState.AUTH_FAILED, what="AUTH_FAILED")
        assert [s for s, _ in watcher.states][:1] == [StreamState.RECONNECTING]  # first refusals retry quickly
        assert watcher.states[-1][1].startswith("AuthenticationError:")
        assert bogus not in handle.stats.last_error and "00000000-0000" not in watcher.states[-1][1]
        assert tokens.renewal_requests and set(tokens.renewal_requests) == {bogus}
        refusals = handle.stats.reconnects + 1
        assert refusals == policy.auth_refusals_before_failed
        await asyncio.sleep(0.5)  # AUTH_FAILED retries slowly (60 s here), not every back-off step
        assert handle.stats.reconnects + 1 == refusals
        # A renewed token, announced from another thread, ends the wait at once.
        await asyncio.to_thread(tokens.announce, session.current_vms_token())
        frames = await take_frames(handle, 2, timeout=10)
        assert {s.camera_index for s in stamps(frames)} == {6}
        assert handle.state is StreamState.LIVE
    finally:
        engine.stop()
        await session.aclose()

"""Media engine lifecycle over real sockets, without a simulator: threads, refused connections, closing."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from media.backoff import ReconnectPolicy
from media.engine import MediaEngine
from media.stream_stats import StreamState
from milestone.models import Camera, RecordingServer

FAST = ReconnectPolicy(initial_delay=0.05, max_delay=0.2, connect_timeout=2.0)


class StaticTokens:
    """A token source holding one token (the session is not under test here)."""

    def __init__(self, token: str = "vms-token-for-tests") -> None:
        self.token = token
        self.subscribers: list = []

    def current_vms_token(self) -> str:
        return self.token

    def subscribe_vms_token(self, callback):
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def camera_at(port: int) -> Camera:
    server = RecordingServer("rs-1", "Recorder", "127.0.0.1", port, f"http://127.0.0.1:{port}/")
    return Camera("3c1f0000-0000-0000-0000-000000000001", "Gate", True, False, "hw-1", server)


def engine_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("media-")}


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_start_and_stop_join_every_thread():
    before = engine_threads()  # other tests' engines, if any
    engine = MediaEngine(max_decode_threads=2)
    engine.start()
    engine.start()  # idempotent while running
    ours = engine_threads() - before
    assert sorted(t.name for t in ours) == ["media-decode-0", "media-decode-1", "media-io"]
    assert not any(t.daemon for t in ours)
    engine.stop()
    engine.stop()  # idempotent
    assert not any(t.is_alive() for t in ours)
    with pytest.raises(RuntimeError):
        engine.start()
    with pytest.raises(RuntimeError):
        engine.open_live(camera_at(1), StaticTokens())


def test_unreachable_recorder_reconnects_with_backoff_until_closed():
    before = engine_threads()
    tokens = StaticTokens()
    states: list[tuple[StreamState, str]] = []
    engine = MediaEngine(policy=FAST, max_decode_threads=1)
    engine.start()
    try:
        handle = engine.open_live(camera_at(unused_port()), tokens, on_state=lambda s, d: states.append((s, d)))
        assert len(tokens.subscribers) == 1
        wait_for(lambda: handle.stats.reconnects >= 3)
        assert handle.state is StreamState.RECONNECTING
        assert states[0][0] is StreamState.RECONNECTING
        assert states[0][1].startswith("UnreachableError: cannot reach ImageServer 127.0.0.1:")
        assert tokens.token not in handle.stats.last_error
        assert handle.take_frame() is None
        handle.close()
        handle.close()
        assert handle.state is StreamState.STOPPED
        assert states[-1] == (StreamState.STOPPED, "closed")
        assert tokens.subscribers == []  # unsubscribed from token renewals
        count, reconnects = len(states), handle.stats.reconnects
        time.sleep(0.5)  # several back-off periods: nothing runs for a closed stream
        assert len(states) == count and handle.stats.reconnects == reconnects
        assert engine.streams() == []
    finally:
        engine.stop()
    assert engine_threads() <= before


def test_stop_closes_open_streams():
    before = engine_threads()
    engine = MediaEngine(policy=FAST, max_decode_threads=1)
    engine.start()
    states: list[StreamState] = []
    handle = engine.open_live(camera_at(unused_port()), StaticTokens(), on_state=lambda s, d: states.append(s))
    engine.stop()
    assert handle.state is StreamState.STOPPED and states[-1] is StreamState.STOPPED
    assert engine_threads() <= before

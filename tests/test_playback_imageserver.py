"""The playback engine over the simulator's ImageServer (goto / next / previous, MILESTONE_PROTOCOL.md §3), real
sockets, the simulator as a child process. Expected frames come from the pure ``simulator.history`` and the
15 fps grid; what was shown is read from the stamp in the decoded pixels."""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import threading
import time
from collections.abc import Callable

import pytest

from media.playback import ImageServerPlaybackSource, Player
from milestone.clock import ManualClock
from milestone.models import Inventory
from milestone.session import MilestoneSession
from simulator import history
from simulator.inventory import camera_id
from simulator.probe import vms_token
from simulator.timeline import FrameGrid
from tests.playback_support import FrameLog, make_player

CAM = 1
GRID = FrameGrid(15)
FRAME_S = 1 / 15


class VmsTokenHolder:
    """A token source holding one vms_token from a real SOAP Login (no renewals during these short tests)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def current_vms_token(self) -> str:
        return self.token

    def subscribe_vms_token(self, callback: Callable[[str], None]) -> Callable[[], None]:
        return lambda: None


def frame_at_or_before(t_ms: int) -> int:
    return GRID.time_of(GRID.index_at_or_before(t_ms))


def first_frame(seq: tuple[int, int]) -> int:
    return GRID.time_of(GRID.index_at_or_after(seq[0]))


def last_frame(seq: tuple[int, int]) -> int:
    return GRID.time_of(GRID.index_at_or_before(seq[1] - 1))


@pytest.fixture(scope="module")
def site(simulator) -> tuple[Inventory, str]:
    async def inventory() -> Inventory:
        session = MilestoneSession(simulator.management_url, "admin", simulator.password)
        await session.login()
        try:
            return await session.inventory()
        finally:
            await session.aclose()

    return asyncio.run(inventory()), vms_token(simulator.management_url, simulator.password)


@pytest.fixture(scope="module")
def sequences() -> list[tuple[int, int]]:
    """CAM's recording sequences over the last 8 hours that ended at least 10 minutes ago (ms UTC)."""
    now = int(time.time() * 1000)
    seqs = [s for s in history.recording_sequences(CAM, now - 8 * 3_600_000, now) if s[1] < now - 600_000]
    assert len(seqs) >= 2
    return seqs


@pytest.fixture
def log():
    return FrameLog()


@pytest.fixture
def players():
    started: list[Player] = []
    yield started
    for player in started:
        player.close()


def sim_player(site, log, players, index: int = CAM, token: str | None = None, **kwargs) -> Player:
    inventory, default_token = site
    source = ImageServerPlaybackSource(
        inventory.camera(camera_id(index)), VmsTokenHolder(token or default_token), renewal_wait=0.2
    )
    player = make_player(source, log, **kwargs)
    players.append(player)
    return player


def long_sequence(sequences) -> tuple[int, int]:
    return next(s for s in reversed(sequences) if s[1] - s[0] > 120_000)


def test_seek_lands_on_the_requested_frame(site, sequences, log, players):
    player = sim_player(site, log, players)
    seq = long_sequence(sequences)
    rng = random.Random(11)
    targets = [rng.randrange(seq[0] + 2_000, seq[1] - 2_000) for _ in range(8)]
    key = (seq[0] // 1000 + 30) * 1000  # a whole second: a key frame
    targets += [key, key - 1, first_frame(seq), last_frame(seq)]
    for target in targets:
        log.clear()
        expected = frame_at_or_before(target)
        player.seek(target * 1000 + 500)
        shown = log.wait_frame(expected)
        assert shown.stamp_ms == shown.picture_ms == expected and shown.camera == CAM
        assert 0 <= target - expected < FRAME_S * 1000
    gap = next((a[1] + b[0]) // 2 for a, b in itertools.pairwise(sequences) if b[0] - a[1] > 10_000)
    player.seek(gap * 1000)
    state = log.wait_state(lambda s: s.in_gap)
    assert state.error is None and state.position_us == frame_at_or_before(last_frame(seq)) * 1000


def test_frame_step_forward_then_back(site, sequences, log, players):
    player = sim_player(site, log, players)
    seq = long_sequence(sequences)
    key = (seq[0] // 1000 + 20) * 1000
    before_key = frame_at_or_before(key - 1)  # the last frame of the GOP before
    player.seek(before_key * 1000)
    log.wait_frame(before_key)
    for target in (key, GRID.time_of(GRID.index_at_or_before(key) + 1), key, before_key):
        log.clear()
        player.step(1 if target > (player.position_us or 0) // 1000 else -1)
        assert log.wait_frame(target).stamp_ms == target
    assert player.position_us == before_key * 1000


def test_reverse_shows_every_frame_backwards(site, sequences, log, players):
    wall = ManualClock()
    player = sim_player(site, log, players, wall_clock=wall)
    seq = long_sequence(sequences)
    start = (seq[0] // 1000 + 40) * 1000 + 500
    player.seek(start * 1000)
    log.wait_frame(frame_at_or_before(start))
    log.clear()
    player.play(-1.0)
    wanted = []
    for _ in range(40):  # 2.7 s back across three GOPs
        wall.advance(FRAME_S)
        want = frame_at_or_before(player.clock.position_us() // 1000)
        log.wait_frame(want)
        wanted.append(want)
    stamps = log.stamps()
    assert stamps == wanted and all(a > b for a, b in itertools.pairwise(stamps))
    indices = [GRID.index_at_or_before(s) for s in stamps]
    assert all(a - b == 1 for a, b in itertools.pairwise(indices)), "no frame missing"


def test_reverse_runs_at_the_source_frame_rate_in_real_time(site, sequences, log, players):
    player = sim_player(site, log, players)
    seq = long_sequence(sequences)
    start = (seq[0] // 1000 + 60) * 1000 + 500
    player.seek(start * 1000)
    log.wait_frame(frame_at_or_before(start))
    log.clear()
    player.play(-1.0)
    time.sleep(2.0)
    player.pause()
    stamps = log.stamps()
    assert all(s is not None for s in stamps) and all(a > b for a, b in itertools.pairwise(stamps))
    assert len(stamps) >= 0.85 * 2.0 * 15, f"{len(stamps)} frames in 2 s of reverse play"


def test_forward_play_at_2x_is_paced_by_next_minus_current_over_speed(site, sequences, log, players):
    player = sim_player(site, log, players)
    seq = long_sequence(sequences)
    start = seq[0] + 10_000
    player.seek(start * 1000)
    log.wait_frame(frame_at_or_before(start))
    log.clear()
    player.play(2.0)
    time.sleep(3.5)
    player.pause()
    frames = [f for f in log.frames if f.stamp_ms is not None]
    steady = [f for f in frames if f.mono - frames[0].mono > 0.5]
    rate = (steady[-1].stamp_ms - steady[0].stamp_ms) / 1000 / (steady[-1].mono - steady[0].mono)
    assert abs(rate / 2.0 - 1) < 0.05, f"media advanced at {rate:.3f}x"
    assert all(a.stamp_ms < b.stamp_ms for a, b in itertools.pairwise(frames))

    def position_ms(mono: float) -> float:  # media time on screen at a monotonic time (linear between frames)
        before = max((f for f in frames if f.mono <= mono), key=lambda f: f.mono, default=frames[0])
        return before.stamp_ms + (mono - before.mono) * 2000

    source = player.source
    assert isinstance(source, ImageServerPlaybackSource)
    nexts = [
        (t, ms) for t, method, ms in source.request_log() if method == "next" and frames[5].mono < t < steady[-1].mono
    ]
    leads = [ms - position_ms(t) for t, ms in nexts]
    assert nexts and max(leads) < (1.0 + 0.4 * 2) * 1000 + 300, "requests run a bounded lead ahead of the picture"
    spacing = statistics.median(b[0] - a[0] for a, b in itertools.pairwise(nexts))
    assert 0.8 * FRAME_S / 2 < spacing < 1.25 * FRAME_S / 2, f"next every {spacing * 1000:.1f} ms at 2x"


def test_gap_is_skipped_and_sequences_are_jumped(site, sequences, log, players):
    wall = ManualClock()
    player = sim_player(site, log, players, wall_clock=wall)
    (a, b) = next((x, y) for x, y in itertools.pairwise(sequences) if y[0] - x[1] > 10_000)
    player.skip_gaps = True
    start = last_frame(a) - 1_000
    player.seek(start * 1000)
    log.wait_frame(frame_at_or_before(start))
    player.play(4.0)
    for _ in range(6):
        wall.advance(0.1)
        time.sleep(0.02)
    shown = log.wait_frame(first_frame(b))
    assert first_frame(b) * 1000 <= player.clock.position_us() < (first_frame(b) + 2_500) * 1000
    stamps = [s for s in log.stamps() if s is not None]
    assert not [s for s in stamps if a[1] <= s < b[0]] and shown.camera == CAM
    player.pause()
    player.skip_gaps = False
    player.set_sequences([(s * 1000, e * 1000) for s, e in sequences])  # SequencesGet times: not on the grid
    log.clear()
    player.previous_sequence()
    log.wait_frame(first_frame(a))
    log.clear()
    player.next_sequence()
    log.wait_frame(first_frame(b))
    log.wait_state(lambda s: not s.in_gap and s.position_us == first_frame(b) * 1000)
    assert player.clock.position_us() == first_frame(b) * 1000


def test_refusals_become_error_codes(site, simulator, log, players):
    player = sim_player(site, log, players, token="not-a-vms-token")
    player.seek(int(time.time() - 3600) * 1_000_000)
    state = log.wait_state(lambda s: s.code is not None)
    assert state.code == "auth_failed" and "not-a-vms-token" not in (state.error or "")
    operator_token = vms_token(simulator.management_url, simulator.password, username="operator")
    forbidden_log = FrameLog()
    forbidden = sim_player(site, forbidden_log, players, index=simulator.cameras - 1, token=operator_token)
    forbidden.seek(int(time.time() - 3600) * 1_000_000)
    assert forbidden_log.wait_state(lambda s: s.code is not None).code == "no_permission"
    assert not log.frames and not forbidden_log.frames


def test_an_open_playback_connection_follows_renewed_tokens(make_simulator):
    """Paused across several vms_token lifetimes, the source keeps its one connection alive by ``connectupdate``
    (the simulator closes a connection whose token expired at its next playback request)."""
    sim = make_simulator(cameras=2, token_ttl=3, vms_token_ttl=4)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="session-loop")
    thread.start()

    def run(coro):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(20)

    session = MilestoneSession(sim.management_url, "admin", sim.password)
    player = None
    try:
        run(session.login())
        camera = run(session.inventory()).camera(camera_id(0))
        now = int(time.time() * 1000)
        seq = next(s for s in reversed(history.recording_sequences(0, now - 8 * 3_600_000, now)) if s[1] < now - 60_000)
        source = ImageServerPlaybackSource(camera, session)
        log = FrameLog()
        player = make_player(source, log)
        player.seek((seq[1] - 5_000) * 1000)
        log.wait_frame(frame_at_or_before(seq[1] - 5_000))
        time.sleep(9.0)  # two to three vms_token lifetimes while paused
        log.clear()
        player.seek((seq[1] - 2_000) * 1000)
        log.wait_frame(frame_at_or_before(seq[1] - 2_000))
        assert session.renewals >= 2 and source.connections_opened == 1 and player.state.error is None
    finally:
        if player is not None:
            player.close()
        run(session.aclose())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()

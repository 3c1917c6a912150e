"""Stream quotas in the GUI (issue 5 §3): every live tile reserves before it opens, heartbeats, releases.

Real components: the shared simulator (8 cameras; the backend files camera 0 and 4, named ``DUBAI_POLICE - …``,
under DUBAI_POLICE), a real backend child process used as the GUI's remote backend (its API token in the
in-memory keyring) with DUBAI_POLICE limited to 2 streams and a 3 s reservation TTL (heartbeats every second),
and, for the store outage, a real redis-server. The checks read what the operator sees (tile texts, the Retry
button, the status bar meters) and what the backend counts (``GET /api/v1/stream/stats``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import socket

import httpx
import pytest
from PySide6.QtCore import QLocale, Qt

from app.backend_link.connection import BackendState
from app.backend_link.lease_status import LeaseState
from app.backend_link.options import API_TOKEN_USER, options_from_settings
from app.credentials import CredentialStore
from app.settings import Settings
from app.viewmodels import Layout
from app.viewmodels.quota_meter import FULL, OK
from tests import test_gui_support as support
from tests.backend_fixtures import milestone_section
from tests.test_gui_support import wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring

POLICE = "DUBAI_POLICE"
TTL_S = 3
MESSAGE_EN = f"The stream quota of {POLICE} is used up (2 of 2 streams)"
MESSAGE_AR = f"تم استنفاد حصة البث للجهة {POLICE} (2 من 2 بثاً)"


def _start_backend(make_backend_process, sim, **quotas):
    section = {"limits": {POLICE: 2}, "reservation_ttl_s": TTL_S, "cleanup_interval_s": 0.5, **quotas}
    return make_backend_process(settings={"milestone": milestone_section(sim), "quotas": section})


def _runtime(make_runtime, memory_keyring, server):
    settings = Settings(None, environ={})
    settings.set("backend_url", server.url)
    credentials = CredentialStore(memory_keyring)
    credentials.set(server.url, API_TOKEN_USER, server.token)
    options = options_from_settings(settings, credentials, environ={})
    return make_runtime(backend=dataclasses.replace(options, health_interval_s=0.5))


async def _http(method: str, url: str, server, **kwargs) -> httpx.Response:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        None, lambda: httpx.request(method, url, headers=server.headers, timeout=10, **kwargs)
    )


async def _used(server, agency: str = POLICE) -> int:
    answer = await _http("GET", f"{server.url}/api/v1/stream/stats", server)
    assert answer.status_code == 200, answer.text
    return next(a["used"] for a in answer.json()["agencies"] if a["agency"] == agency)


async def _wait_used(server, expected: int, what: str, timeout: float = 10.0) -> None:
    last: list[int] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        last.append(await _used(server))
        if last[-1] == expected:
            return
        if loop.time() > deadline:
            pytest.fail(f"{what}: the backend counts {last[-1]} {POLICE} streams, expected {expected}")
        await asyncio.sleep(0.1)


async def _log_in(rt, window, sim) -> list:
    """Log in, wait for the backend to import the cameras; returns the enabled DUBAI_POLICE cameras."""
    window.show()
    assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None)
    backend = rt.vm.backend
    await wait_until(
        lambda: backend.state == BackendState.CONNECTED and backend.imported_count == 9 and rt.vm.quota_meter.visible,
        30,
        "the remote backend to import the cameras and give its quotas",
        describe=lambda: (backend.state, backend.failure, backend.imported_count),
    )
    rt.vm.wall.set_layout(Layout.TWO)
    return [c for c in rt.vm.login.inventory.cameras if c.enabled and c.name.startswith(POLICE)]


def _plain(text: str) -> str:
    """``text`` without the bidi isolation marks around names and numbers."""
    return text.replace("\u2068", "").replace("\u2069", "")


def _settled(tiles) -> bool:
    return all(t.quota is not None and t.quota.state is not LeaseState.PENDING for t in tiles if t.camera)


def test_a_full_agency_refuses_the_extra_tile_with_its_message_and_retry_opens_it_when_a_slot_frees(
    simulator, make_backend_process, make_runtime, memory_keyring, qtbot
):
    server = _start_backend(make_backend_process, simulator)
    rt = _runtime(make_runtime, memory_keyring, server)
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1400, 850)
    vm = rt.vm

    async def scenario() -> None:
        police = await _log_in(rt, window, simulator)
        assert len(police) == 2
        meter = window.quota_meters.meter_widget(POLICE)
        assert window.quota_meters.isVisible() and meter is not None
        assert meter.figures_label.text() == "0/2" and "Dubai Police" in meter.name_label.text()

        # Three tiles of the limited agency at once (the same camera twice holds two slots): two play, one is
        # refused, whichever lost the race.
        for index, camera in enumerate([police[0], police[1], police[0]]):
            assert vm.wall.assign_camera(index, camera.id)
        tiles = vm.wall.tiles[:3]
        await wait_until(
            lambda: _settled(tiles) and vm.wall.live_count == 2,
            20,
            "two tiles live and the third refused",
            describe=lambda: [(t.state, t.quota) for t in tiles],
        )
        refused = [t for t in tiles if t.quota_refused]
        assert len(refused) == 1
        loser = refused[0]
        winners = [t for t in tiles if t is not loser]
        assert loser.handle is None and loser.state is None  # the stream was never opened
        assert all(t.quota.state is LeaseState.GRANTED for t in winners)
        holder = f"gui:{platform.node()}:{os.getpid()}"
        assert all(holder in t.quota.holder for t in winners), winners[0].quota.holder
        assert await _used(server) == 2
        assert MESSAGE_EN in loser.quota_text and "Dubai Police: 2 of 2 streams in use" in _plain(loser.quota_text)
        widget = window.wall.tiles[loser.index]
        assert widget.retry_button.isVisible() and MESSAGE_EN in widget.toolTip()
        assert not any(window.wall.tiles[t.index].retry_button.isVisible() for t in winners)
        await wait_until(lambda: meter.figures_label.text() == "2/2", 5, "the meter to show the agency full")
        assert meter.level == FULL

        # Arabic operators read the backend's Arabic message.
        saved = QLocale()
        QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.UnitedArabEmirates))
        try:
            assert MESSAGE_AR in loser.quota_text and MESSAGE_EN not in loser.quota_text
        finally:
            QLocale.setDefault(saved)

        # Heartbeats keep both slots past several TTLs (the backend sweeps expired ones every 0.5 s).
        ids = {t.index: t.quota.reservation_id for t in winners}
        await asyncio.sleep(TTL_S * 2.5)
        assert {t.index: t.quota.reservation_id for t in winners} == ids
        assert await _used(server) == 2 and vm.wall.live_count == 2

        # Retry while the agency is still full: refused again, still closed.
        qtbot.mouseClick(widget.retry_button, Qt.MouseButton.LeftButton)
        await asyncio.sleep(0.5)
        assert loser.quota_refused and loser.handle is None

        # A tile closes: its slot goes back, the meter follows the quota_changed event, Retry opens the stream.
        closed = winners[0]
        vm.wall.assign_camera(closed.index, None)
        await _wait_used(server, 1, "closing a tile releases its slot")
        await wait_until(lambda: meter.figures_label.text() == "1/2", 5, "the meter to follow the release")
        qtbot.mouseClick(widget.retry_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: loser.state is not None and loser.state.value == "live", 20, "the retried tile")
        assert loser.quota.state is LeaseState.GRANTED and not widget.retry_button.isVisible()
        assert await _used(server) == 2

        # The meter follows changes the GUI did not make (an administrator raises the limit).
        answer = await _http("PUT", f"{server.url}/api/v1/stream/limits/{POLICE}", server, json={"limit": 5})
        assert answer.status_code == 200, answer.text
        await wait_until(lambda: meter.figures_label.text() == "2/5", 5, "the meter to follow the new limit")
        assert meter.level == OK

        # Going to playback releases the tile's slot; back to live reserves again.
        camera_id = loser.camera.id
        showing = sum(1 for t in vm.wall.tiles if t.camera is not None and t.camera.id == camera_id)
        assert vm.view_recordings([camera_id])
        await _wait_used(server, 2 - showing, "playback releases the live tiles of its camera")
        vm.playback.back_to_live()
        await _wait_used(server, 2, "back to live reserves again")

        # A layout change closes the tiles that no longer fit: their slots go back.
        vm.wall.assign_camera(closed.index, police[1].id)
        await _wait_used(server, 3, "a third tile")
        vm.wall.set_layout(Layout.ONE)
        await _wait_used(server, 1, "the 1x1 layout keeps one tile")
        window.close()

    rt.run(scenario())
    # Quitting released the last slot (the remote backend keeps running).
    assert server.running
    stats = httpx.get(f"{server.url}/api/v1/stream/stats", headers=server.headers, timeout=10).json()
    assert next(a["used"] for a in stats["agencies"] if a["agency"] == POLICE) == 0


def test_a_tile_showing_video_is_never_stopped_it_reserves_again_and_warns_when_refused(
    simulator, make_backend_process, make_runtime, memory_keyring, qtbot
):
    server = _start_backend(make_backend_process, simulator)
    rt = _runtime(make_runtime, memory_keyring, server)
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    vm = rt.vm

    async def scenario() -> None:
        police = await _log_in(rt, window, simulator)
        vm.wall.assign_camera(0, police[0].id)
        tile = vm.wall.tiles[0]
        await wait_until(lambda: vm.wall.live_count == 1, 20, "the tile to go live")
        assert tile.quota.state is LeaseState.GRANTED and tile.quota_note == ""
        first_id = tile.quota.reservation_id
        loop = asyncio.get_running_loop()

        # A network blip longer than the TTL: the backend is down, the tile keeps playing with a note, and
        # when the backend is back the expired reservation (heartbeat 404) is made again.
        restart = loop.run_in_executor(None, server.restart, TTL_S + 1.5)
        await wait_until(lambda: tile.quota.state is LeaseState.UNCHECKED, 10, "the lost heartbeat to be noticed")
        assert tile.quota_note == "quota not checked" and tile.handle is not None
        assert "quota not checked" in window.wall.tiles[0].toolTip() or tile.quota_note_reason
        await restart
        await wait_until(
            lambda: tile.quota.state is LeaseState.GRANTED and tile.quota.reservation_id != first_id,
            20,
            "a new reservation after the backend came back",
            describe=lambda: tile.quota,
        )
        assert tile.quota_note == "" and await _used(server) == 1

        # The slot is lost and the agency is full when the tile asks again: it keeps showing, with a warning.
        answer = await _http("PUT", f"{server.url}/api/v1/stream/limits/{POLICE}", server, json={"limit": 0})
        assert answer.status_code == 200, answer.text
        lost = tile.quota.reservation_id
        answer = await _http("DELETE", f"{server.url}/api/v1/stream/release/{lost}", server)
        assert answer.status_code == 200 and answer.json() == {"released": True}
        await wait_until(lambda: tile.quota.state is LeaseState.OVER_LIMIT, 10, "the refused re-reservation")
        assert tile.handle is not None and tile.state.value == "live" and vm.wall.live_count == 1
        assert tile.quota_note == "over the stream quota" and not tile.quota_refused
        assert not window.wall.tiles[0].retry_button.isVisible()
        assert f"The stream quota of {POLICE} is used up (0 of 0 streams)" in tile.quota_note_reason

        # Room again: the tile takes a slot by itself at the next retry (every TTL/3).
        answer = await _http("PUT", f"{server.url}/api/v1/stream/limits/{POLICE}", server, json={"limit": 2})
        assert answer.status_code == 200, answer.text
        await wait_until(lambda: tile.quota.state is LeaseState.GRANTED, 5, "the slot to be taken again")
        assert tile.quota_note == "" and await _used(server) == 1
        window.close()

    rt.run(scenario())


def test_with_the_quota_store_down_tiles_open_with_a_note_and_reserve_when_it_is_back(
    simulator, make_backend_process, make_runtime, memory_keyring, redis_server, qtbot
):
    server = _start_backend(
        make_backend_process, simulator, store="redis", redis_url=redis_server.url, redis_timeout_s=0.5
    )
    rt = _runtime(make_runtime, memory_keyring, server)
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    vm = rt.vm

    async def scenario() -> None:
        police = await _log_in(rt, window, simulator)
        meter = window.quota_meters.meter_widget(POLICE)
        redis_server.stop()
        await wait_until(
            lambda: vm.backend.state == BackendState.DEGRADED and vm.quota_meter.stale, 10, "the store outage"
        )
        assert "Last known figures" in meter.toolTip()
        for index, camera in enumerate(police):
            vm.wall.assign_camera(index, camera.id)
        tiles = vm.wall.tiles[:2]
        await wait_until(lambda: vm.wall.live_count == 2, 20, "both tiles live without the quota store")
        assert all(t.quota.state is LeaseState.UNCHECKED and t.quota_note == "quota not checked" for t in tiles)
        assert all(t.quota.code == "quota_store_unavailable" for t in tiles)
        assert "The stream quota service is not available" in window.wall.tiles[0].toolTip()

        redis_server.start()  # empty (no persistence): the configured limits come back
        await wait_until(
            lambda: all(t.quota.state is LeaseState.GRANTED for t in tiles),
            15,
            "the tiles to get their slots",
            describe=lambda: [t.quota for t in tiles],
        )
        assert all(t.quota_note == "" for t in tiles) and vm.wall.live_count == 2
        assert await _used(server) == 2
        await wait_until(
            lambda: not vm.quota_meter.stale and meter.figures_label.text() == "2/2",
            10,
            "the meter to recover",
            describe=lambda: (vm.quota_meter.stale, vm.quota_meter.meters, vm.backend.state, vm.backend.problems()),
        )
        window.close()

    rt.run(scenario())


def test_without_a_backend_tiles_open_without_reservations_and_no_meter_shows(simulator, make_runtime, qtbot):
    rt = make_runtime()  # no backend configured (mode off)
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    vm = rt.vm

    async def scenario() -> None:
        window.show()
        assert await vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        vm.show_cameras()
        await wait_until(lambda: vm.wall.live_count == vm.wall.assigned_count == 8, 20, "every tile live")
        tiles = [t for t in vm.wall.tiles if t.camera is not None]
        assert all(t.quota.state is LeaseState.NOT_NEEDED and t.quota_note == "" for t in tiles)
        assert not vm.reservations.leases and not window.quota_meters.isVisible()
        window.close()

    rt.run(scenario())


def test_an_unreachable_backend_never_keeps_a_tile_closed(simulator, make_runtime, memory_keyring, qtbot):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    settings = Settings(None, environ={})
    settings.set("backend_url", url)
    credentials = CredentialStore(memory_keyring)
    credentials.set(url, API_TOKEN_USER, "some-token")
    rt = make_runtime(backend=options_from_settings(settings, credentials, environ={}))
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    vm = rt.vm

    async def scenario() -> None:
        window.show()
        assert await vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        vm.wall.set_layout(Layout.TWO)
        vm.show_cameras(layout=Layout.TWO)
        await wait_until(lambda: vm.wall.live_count == 4, 20, "every tile live")
        tiles = vm.wall.tiles
        assert all(t.quota.state is LeaseState.UNCHECKED and t.quota_note == "quota not checked" for t in tiles)
        assert all("the stream quota is checked later" in t.quota_note_reason for t in tiles), [
            (t.quota, t.quota_note_reason) for t in tiles
        ]
        assert "the stream quota is checked later" in window.wall.tiles[0].toolTip()
        assert not window.quota_meters.isVisible()
        window.close()

    rt.run(scenario())

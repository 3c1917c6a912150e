"""Tiles follow the server: "reconnecting" while the simulator is down, live again (new frames) when it returns."""

from __future__ import annotations

import asyncio
import time

import pytest

from media.stream_stats import StreamState
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.test_gui_support import tile_stamp, wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime  # fixtures shared by the GUI tests
memory_keyring = support.memory_keyring


def test_tiles_show_reconnecting_while_the_server_is_down_and_recover(make_simulator, make_runtime, qtbot):
    sim = make_simulator(cameras=2)
    rt = make_runtime()
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    wall = rt.vm.wall

    async def scenario() -> None:
        window.show()
        assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None)
        assert rt.vm.show_cameras([camera_id(0), camera_id(1)]) == 2
        tiles = wall.tiles[:2]
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in tiles), 30, "2 live tiles")
        await wait_until(lambda: all(tile_stamp(t) is not None for t in tiles), 10, "stamped frames")
        restart = asyncio.get_running_loop().run_in_executor(None, lambda: sim.restart(down_seconds=3))
        await wait_until(lambda: all(t.state == StreamState.RECONNECTING for t in tiles), 10, "both tiles reconnecting")
        assert [t.state_text for t in tiles] == ["reconnecting", "reconnecting"]
        assert all(t.reason_text for t in tiles), [t.detail for t in tiles]  # the operator is told why
        assert "Live tiles: 0 of 2" in window.live_label.text()
        await restart
        back_ms = time.time() * 1000
        await wait_until(
            lambda: all(t.state == StreamState.LIVE for t in tiles),
            30,
            "both tiles live again",
            describe=lambda: [(t.state_text, t.detail) for t in tiles],
        )
        await wait_until(
            lambda: all((s := tile_stamp(t)) is not None and s.timestamp_ms > back_ms - 1000 for t in tiles),
            15,
            "fresh frames after the restart",
        )
        assert [tile_stamp(t).camera_index for t in tiles] == [0, 1]
        assert all(t.stats().went_live for t in tiles)
        assert "Live tiles: 2 of 2" in window.live_label.text()
        window.close()

    rt.run(scenario())

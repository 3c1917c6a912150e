"""Wall windows with the real simulator and the bundled backend: a new wall window shows live cameras, its
layout is saved (shared) in the backend through the Save dialog, closing the window stops its streams, and the
saved layout (and one naming a camera this server does not list) opens again from the Walls menu."""

from __future__ import annotations

import httpx
import pytest

from app.backend_link.options import BackendOptions
from app.backend_link.process import read_token_file
from media.stream_stats import StreamState
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.test_gui_support import wait_until
from tests.test_gui_timeline import log_in_with_backend
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring


async def _backend(rt, data_dir, method: str, path: str, **kwargs):
    token = read_token_file(data_dir / "api-token")
    async with httpx.AsyncClient(base_url=rt.vm.backend.url, timeout=20) as client:
        response = await client.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_wall_window_saved_as_a_shared_layout_and_opened_again(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, {"DETECTION_ENABLED": "false"}, health_interval_s=1.0))
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    menu, walls = window.walls_menu, rt.vm.walls

    async def scenario() -> None:
        window.show()
        await log_in_with_backend(rt, simulator)
        menu.new_action.trigger()
        (wall_window,) = menu.windows
        entry = wall_window.entry
        assert wall_window.isFullScreen() and not wall_window.header.isVisible()
        wall_window.toggle_full_screen()  # F11
        assert not wall_window.isFullScreen() and wall_window.header.isVisible()
        entry.wall.fill([camera_id(0), camera_id(1), camera_id(2)])
        tiles = entry.wall.tiles[:3]
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in tiles), 30, "3 live tiles")
        wall_window.grab().save(str(tmp_path / "wall-window.png"))

        dialog = wall_window.ask_save()
        dialog.name_edit.setText("Control room east")
        dialog.shared_box.setChecked(True)
        dialog.accept()
        await wait_until(lambda: entry.layout_id is not None, 20, "the layout saved")
        assert entry.title == "Control room east" and wall_window.windowTitle().endswith("Control room east")
        stored = await _backend(rt, data_dir, "GET", f"/api/v1/layouts/{entry.layout_id}")
        assert stored["shared"] and stored["grid"] == "2x2" and stored["owner"]
        assert stored["cameras"] == [camera_id(0), camera_id(1), camera_id(2), ""]
        assert stored["screen"]["name"] == wall_window.screen().name() and not stored["fullScreen"]

        # Closing the window stops its streams.
        wall_window.close()
        await wait_until(lambda: not menu.windows, 5, "the window gone")
        assert all(t.handle is None for t in tiles) and walls.walls == ()

        # Another workstation shared a layout naming a camera this server does not list.
        body = {"name": "Airport", "shared": True, "grid": "1+5", "cameras": [camera_id(3), "cam-airport-9"]}
        await _backend(rt, data_dir, "POST", "/api/v1/layouts", json=body)
        assert await walls.refresh_layouts()
        menu._fill_layouts()
        labels = [a.text() for a in menu.layouts_menu.actions()]
        assert any(text.startswith("Airport") for text in labels) and "Control room east" in labels[1], labels
        for action in menu.layouts_menu.actions():
            action.trigger()
        airport, east = (w.entry for w in menu.windows)
        assert [t.unavailable for t in airport.wall.tiles][:2] == ["", "cam-airport-9"]
        assert airport.wall.layout.value == "1+5"
        assert east.wall.camera_ids == [camera_id(0), camera_id(1), camera_id(2), ""]
        live = [*airport.wall.tiles[:1], *east.wall.tiles[:3]]
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in live), 30, "the layouts live again")
        assert "cam-airport-9" in window.statusBar().currentMessage()
        window.close()

    rt.run(scenario())

"""The live wall against the real simulator: what each tile paints, drag and drop, layouts, maximise, search."""

from __future__ import annotations

import statistics
import time

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.viewmodels import CAMERA_MIME_TYPE, Layout
from app.viewmodels.camera_tree import CameraIdRole
from media.stream_stats import StreamState
from simulator.inventory import camera_id, camera_name
from tests import test_gui_support as support
from tests.test_gui_support import tile_stamp, wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime  # fixtures shared by the GUI tests
memory_keyring = support.memory_keyring


def _window(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    return window


async def _login_and_fill(rt, sim, count: int, user: str = "admin") -> None:
    assert await rt.vm.login.login_async(sim.management_url, user, sim.password, None), rt.vm.login.last_error
    assert rt.vm.show_cameras([camera_id(i) for i in range(count)]) == count


def _drop(widget, mime: QMimeData) -> QDropEvent:
    """Deliver a drag-enter and a drop of ``mime`` at the widget's centre, as Qt does at the end of a drag."""
    centre = widget.rect().center()
    enter = QDragEnterEvent(
        centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, drop)
    return drop


def test_each_tile_paints_its_own_cameras_frames(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)
    wall = rt.vm.wall

    async def scenario() -> None:
        window.show()
        await _login_and_fill(rt, simulator, 8)
        assert wall.layout is Layout.THREE and len(window.wall.tiles) == 9
        tiles = wall.tiles[:8]
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in tiles), 30, "8 live tiles")
        await wait_until(lambda: all(t.stats().frames_painted >= 10 for t in tiles), 20, "10 painted frames per tile")
        now_ms = time.time() * 1000
        for index, tile in enumerate(tiles):
            stamp = tile_stamp(tile)
            assert stamp is not None, f"tile {index} shows no readable stamp"
            assert stamp.camera_index == index, f"tile {index} shows camera {stamp.camera_index}"
            assert abs(now_ms - stamp.timestamp_ms) < 5000
            assert stamp.timestamp_ms == tile.picture_ms
            assert tile.camera.name == camera_name(index) and tile.state_text == "live"
        for snap in wall.stats()[:8]:
            assert snap.went_live and len(snap.latency_ms) == snap.frames_painted
            assert 0 <= statistics.median(snap.latency_ms) < 2000
        assert wall.stats()[8].camera_id is None and wall.stats()[8].frames_painted == 0
        assert "Live tiles: 8 of 8" in window.live_label.text()
        assert "Connected to" in window.connection_label.text()
        window.close()

    rt.run(scenario())


def test_dropping_a_camera_from_the_tree_changes_the_tile(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)
    wall = rt.vm.wall

    async def scenario() -> None:
        window.show()
        await _login_and_fill(rt, simulator, 2)
        assert wall.layout is Layout.TWO
        await wait_until(lambda: tile_stamp(wall.tiles[1]) is not None, 30, "tile 1 showing camera 1")
        assert tile_stamp(wall.tiles[1]).camera_index == 1
        # The drag data comes from the real tree model, for the row of camera 5.
        tree = rt.vm.tree
        item = next(
            tree.item(r).child(c)
            for r in range(tree.rowCount())
            for c in range(tree.item(r).rowCount())
            if tree.item(r).child(c).data(CameraIdRole) == camera_id(5)
        )
        mime = tree.mimeData([item.index()])
        assert mime.hasFormat(CAMERA_MIME_TYPE)
        drop = _drop(window.wall.tiles[1], mime)
        assert drop.isAccepted()
        assert wall.tiles[1].camera.id == camera_id(5)
        await wait_until(
            lambda: (s := tile_stamp(wall.tiles[1])) is not None and s.camera_index == 5, 30, "tile 1 showing camera 5"
        )
        # Foreign drag data is refused and leaves the tile alone.
        other = QMimeData()
        other.setText(camera_id(3))
        enter = QDragEnterEvent(
            QPoint(5, 5), Qt.DropAction.CopyAction, other, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(window.wall.tiles[1], enter)
        assert not enter.isAccepted()
        assert tile_stamp(wall.tiles[0]).camera_index == 0
        window.close()

    rt.run(scenario())


def test_layouts_switch_tile_counts_and_double_click_maximises(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)
    wall = rt.vm.wall

    async def scenario() -> None:
        window.show()
        await _login_and_fill(rt, simulator, 4)
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in wall.tiles[:4]), 30, "4 live tiles")
        for layout, count in ((Layout.FOUR, 16), (Layout.HOTSPOT, 6), (Layout.ONE, 1), (Layout.THREE, 9)):
            window.layout_actions[layout].trigger()
            assert wall.layout is layout and len(wall.tiles) == count and len(window.wall.tiles) == count
            await wait_until(lambda: all(t.isVisible() for t in window.wall.tiles), 5, "tiles shown")
            if layout is Layout.HOTSPOT:
                big, small = window.wall.tiles[0], window.wall.tiles[1]
                assert big.width() > 1.8 * small.width() and big.height() > 1.8 * small.height()
        # Switching to 1x1 and back kept only the first camera; the others were closed.
        assert [t.camera.id if t.camera else None for t in wall.tiles[:2]] == [camera_id(0), None]
        wall.fill([camera_id(0), camera_id(1), camera_id(2)])
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in wall.tiles[:3]), 30, "3 live tiles")
        tile_widget = window.wall.tiles[2]
        small_width = tile_widget.width()
        QTest.mouseDClick(tile_widget, Qt.MouseButton.LeftButton)
        assert wall.maximised == 2
        await wait_until(lambda: tile_widget.width() > 2.5 * small_width, 5, "tile 2 filling the wall")
        assert not window.wall.tiles[0].isVisible()
        painted = wall.tiles[2].stats().frames_painted
        await wait_until(lambda: wall.tiles[2].stats().frames_painted > painted + 5, 10, "maximised tile painting")
        big = wall.tiles[2].image
        assert big.width() > 2.5 * small_width * 0.9 or big.height() > 0.9 * tile_widget.height()
        QTest.mouseDClick(tile_widget, Qt.MouseButton.LeftButton)
        assert wall.maximised == -1
        await wait_until(lambda: all(t.isVisible() for t in window.wall.tiles), 5, "all tiles back")
        assert abs(tile_widget.width() - small_width) <= 2
        window.close()

    rt.run(scenario())


def test_tree_groups_by_recording_server_and_search_filters(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)
    panel = window.tree_panel
    proxy = rt.vm.tree_proxy

    def visible_cameras() -> list[str]:
        return [
            proxy.index(c, 0, proxy.index(r, 0)).data()
            for r in range(proxy.rowCount())
            for c in range(proxy.rowCount(proxy.index(r, 0)))
        ]

    async def scenario() -> None:
        window.show()
        assert await rt.vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        servers = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
        assert len(servers) == 2 and all(s.startswith("Recording Server") for s in servers)
        # 8 enabled cameras and the simulator's extra disabled camera.
        assert len(visible_cameras()) == 9
        QTest.keyClicks(panel.search, "metro")
        shown = visible_cameras()
        assert shown and all("METRO" in name for name in shown)
        assert sorted(shown) == sorted(camera_name(i) for i in range(8) if "METRO" in camera_name(i))
        assert proxy.rowCount() >= 1
        panel.search.clear()
        assert len(visible_cameras()) == 9
        QTest.keyClicks(panel.search, "no such camera")
        assert visible_cameras() == [] and proxy.rowCount() == 0
        panel.search.clear()
        QTest.keyClicks(panel.search, "recording server 1")
        assert len(visible_cameras()) == 4  # a server match shows all its cameras
        window.close()

    rt.run(scenario())

"""The VCR player in the main window against the real simulator, the real bundled backend and the media player.

Everything is checked through what the operator sees: the simulator draws its camera index and the picture's
timestamp into every frame (``media.stamp``), and the stamp is read back from the image the player's surface
paints. A click on the timeline must show the frame at or before the clicked time (within one frame); the
keyboard shortcuts must drive the view-model and the picture; "Back to live" must give the tile its live stream
back. Without a backend, XProtect footage plays through the GUI's own session, two cameras in sync.
"""

from __future__ import annotations

import time

import httpx
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from app.backend_link.options import BackendOptions
from app.backend_link.process import read_token_file
from app.viewmodels.playback_time import MINUTE_US, US
from media.stamp import Stamp, read_stamp
from media.stream_stats import StreamState
from simulator import history
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.test_gui_support import image_to_array, tile_stamp, wait_until
from tests.test_gui_timeline import log_in_with_backend
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
FRAME_US = 1_000_000 // 15  # the simulator's 15 fps grid
FIRST_FRAME_S = 30  # an ImageServer GOP is encoded on demand by the simulator: generous on a busy machine


def window_for(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1600, 950)
    window.show()
    return window


def picture_stamp(channel) -> Stamp | None:
    """The stamp in the picture the channel's surface paints (its current QImage)."""
    return read_stamp(image_to_array(channel.image)) if channel.image is not None else None


def recorded_instant(lanes, before_us: int, margin_us: int = 90 * US) -> int:
    """A time inside a recorded sequence at least ``margin_us`` from its edges, before ``before_us``."""
    for block in reversed(lanes.recorded):
        low, high = block.start_us + margin_us, min(block.end_us, before_us) - margin_us
        if high > low:
            return (low + high) // 2
    raise AssertionError("no long enough recording in the range")


async def shown(channel, predicate, what: str, timeout: float = 10) -> Stamp:
    """Wait until the channel's painted picture has a stamp satisfying ``predicate``; returns it."""
    await wait_until(
        lambda: (s := picture_stamp(channel)) is not None and predicate(s),
        timeout,
        what,
        describe=lambda: (picture_stamp(channel), channel.state),
    )
    stamp = picture_stamp(channel)
    assert stamp is not None
    return stamp


def test_view_recordings_click_seeks_keys_drive_the_player_and_back_to_live(simulator, make_runtime, tmp_path, qtbot):
    rt = make_runtime(backend=BackendOptions.bundled(tmp_path / "backend", {}, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel

    async def scenario() -> None:
        await log_in_with_backend(rt, simulator)
        assert rt.vm.show_cameras([camera_id(0), camera_id(1)]) == 2
        tiles = rt.vm.wall.tiles
        await wait_until(lambda: tiles[0].state == StreamState.LIVE, 30, "tile 0 live")

        # Select tile 0, then "View recordings" under the camera tree.
        QTest.mouseClick(window.wall.tiles[0], Qt.MouseButton.LeftButton, pos=QPoint(40, 60))
        assert window.tree_panel.recordings_button.isEnabled()
        QTest.mouseClick(window.tree_panel.recordings_button, Qt.MouseButton.LeftButton)
        assert vm.is_open and window.pages.currentWidget() is panel and panel.isVisible()
        assert vm.camera_ids == [camera_id(0)] and tiles[0].handle is None  # the live stream pauses
        assert window.windowTitle() == "Control Room — Recordings"
        channel = vm.channels[0]
        opened_at = vm.position_us
        assert abs(opened_at - (vm.timeline.now_us() - MINUTE_US)) < 2 * US  # a minute ago, paused
        assert not vm.playing and vm.timeline.playhead_us == opened_at
        await wait_until(lambda: vm.timeline.rows[0].lanes is not None, 30, "the timeline's lanes")
        gap = vm.timeline.lanes(camera_id(0)).gap_at(opened_at)
        if gap is None:  # recorded then: that picture
            first = await shown(channel, lambda s: s.camera_index == 0, "the first recorded picture", FIRST_FRAME_S)
            assert opened_at - FRAME_US < first.timestamp_ms * 1000 <= opened_at
            assert channel.source_kind == "milestone" and panel.status_of(channel) == ""
        else:  # nothing recorded then: the picture says so, or the player shows the last picture before the gap
            await wait_until(
                lambda: (
                    panel.status_of(channel).startswith("No recording at this time.")
                    or (channel.picture_us is not None and gap.start_us - US < channel.picture_us < gap.start_us)
                ),
                FIRST_FRAME_S,
                "the gap's message or the last picture before it",
            )

        # A click on the timeline seeks: the picture painted is the frame at or before the clicked time.
        target = recorded_instant(vm.timeline.lanes(camera_id(0)), vm.timeline.now_us() - 2 * MINUTE_US)
        timeline = panel.timeline
        vm.timeline.ensure_visible(target)  # the camera's newest long recording may be older than the view
        point = timeline.widget_point(target).toPoint()
        QTest.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
        clicked = vm.timeline.playhead_us
        assert clicked is not None and abs(clicked - target) < 30 * US  # within a few pixels of the hour's view
        stamp = await shown(
            channel, lambda s: clicked - FRAME_US < s.timestamp_ms * 1000 <= clicked, "the clicked frame", FIRST_FRAME_S
        )
        assert channel.source_kind == "milestone" and panel.status_of(channel) == ""
        assert channel.picture_us == stamp.timestamp_ms * 1000
        await wait_until(lambda: vm.position_us == channel.picture_us, 5, "the position to follow the picture")
        assert abs(timeline.playhead.value() - timeline.x_of(vm.position_us)) < 1e-3  # playhead on the picture
        assert panel.player.transport.position_label.text() == vm.position_text != ""

        # Keyboard: space plays, K pauses, L and J shuttle with doubling speeds.
        QTest.keyClick(panel, Qt.Key.Key_Space)
        assert vm.playing and vm.speed == 1.0
        played = await shown(channel, lambda s: s.timestamp_ms * 1000 > clicked + US, "the picture to move on")
        started = time.monotonic()
        assert vm.timeline.playhead_us > clicked
        QTest.keyClick(panel, Qt.Key.Key_K)
        assert not vm.playing
        await wait_until(lambda: not channel.state.playing, 5, "the player to pause")
        assert time.monotonic() - started < 5 and played.camera_index == 0
        speeds = []
        for key in (Qt.Key.Key_L, Qt.Key.Key_L, Qt.Key.Key_L, Qt.Key.Key_L, Qt.Key.Key_J, Qt.Key.Key_J):
            QTest.keyClick(panel, key)
            speeds.append(vm.speed)
        assert speeds == [1.0, 2.0, 4.0, 8.0, -1.0, -2.0]
        await wait_until(lambda: channel.state.speed == -2.0, 5, "the player at -2x")
        assert panel.player.transport.speed_combo.currentData() == -2.0
        QTest.keyClick(panel, Qt.Key.Key_K)
        await wait_until(lambda: not channel.state.playing, 5, "the player to pause")

        # Right / Left: ten seconds; comma / period: one frame back and forward to the same stamp.
        await wait_until(lambda: channel.position_us is not None, 5, "a picture after pausing")
        here = vm.position_us
        QTest.keyClick(panel, Qt.Key.Key_Right)
        ahead = await shown(
            channel, lambda s: abs(s.timestamp_ms * 1000 - (here + 10 * US)) < FRAME_US, "the picture 10 s later"
        )
        QTest.keyClick(panel, Qt.Key.Key_Period)
        stepped = await shown(channel, lambda s: s.timestamp_ms > ahead.timestamp_ms, "one frame forward")
        assert stepped.timestamp_ms - ahead.timestamp_ms <= FRAME_US // 1000 + 1
        QTest.keyClick(panel, Qt.Key.Key_Comma)
        back = await shown(channel, lambda s: s.timestamp_ms < stepped.timestamp_ms, "one frame back")
        assert back.timestamp_ms == ahead.timestamp_ms
        QTest.keyClick(panel, Qt.Key.Key_Left)
        await shown(channel, lambda s: abs(s.timestamp_ms * 1000 - here) <= FRAME_US, "the picture 10 s earlier")

        # F: the player alone on the whole screen, keys still work there; Esc puts it back.
        player = panel.player
        QTest.keyClick(panel, Qt.Key.Key_F)
        assert player.fullscreen and player.isWindow() and player.isFullScreen()
        QTest.keyClick(player, Qt.Key.Key_Space)
        assert vm.playing
        QTest.keyClick(player.video, Qt.Key.Key_K)
        assert not vm.playing
        QTest.keyClick(player, Qt.Key.Key_Escape)
        assert not player.fullscreen and player.parent() is panel and player.isVisible()
        assert panel.layout().indexOf(player) == 1
        QTest.keyClick(panel, Qt.Key.Key_F)  # "Back to live" from full screen leaves it
        assert player.fullscreen

        # Back to live: the wall returns and the tile shows live pictures again.
        QTest.mouseClick(panel.player.transport.live_button, Qt.MouseButton.LeftButton)
        assert not vm.is_open and window.pages.currentWidget() is window.wall
        assert not panel.player.fullscreen and window.windowTitle() == "Control Room — Live"
        await wait_until(lambda: tiles[0].state == StreamState.LIVE, 30, "tile 0 live again")
        await wait_until(
            lambda: (s := tile_stamp(tiles[0])) is not None and abs(time.time() * 1000 - s.timestamp_ms) < 5000,
            20,
            "a live picture on tile 0",
        )
        window.close()

    rt.run(scenario())


def test_local_segments_play_from_the_backend_and_the_snapshot_is_the_picture(
    make_simulator, make_runtime, tmp_path, qtbot
):
    # A camera that XProtect does not record now (a gap in its simulated history for the next minute and a
    # half): the backend's own recording is then the only footage, and the backend prefers its local segments.
    simulator = make_simulator(cameras=24)
    now_ms = int(time.time() * 1000)
    index = next(i for i in range(24) if not history.recording_sequences(i, now_ms - 10_000, now_ms + 90_000))
    data_dir = tmp_path / "backend"
    env = {"RECORDING_MIN_DURATION": "1", "RECORDING_SEGMENT_SECONDS": "2", "BACKEND_SPOOL_MIN_FREE_MB": "0"}
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, env, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel
    camera = camera_id(index)

    async def scenario() -> None:
        await log_in_with_backend(rt, simulator, cameras=index + 1)
        assert rt.vm.show_cameras([camera]) == 1
        token = read_token_file(data_dir / "api-token")
        async with httpx.AsyncClient(
            base_url=rt.vm.backend.url, headers={"Authorization": f"Bearer {token}"}, timeout=20
        ) as http:
            patched = await http.patch(f"/api/v1/cameras/{camera}", json={"storageMode": "LOCAL"})
            assert patched.status_code == 200, patched.text
        started_us = vm.timeline.now_us()
        assert await rt.vm.recording.start_async(camera, 6)
        await wait_until(lambda: not rt.vm.recording.is_recording(camera), 30, "the 6 s recording to end")
        ended_us = vm.timeline.now_us()

        assert rt.vm.view_recordings([camera], at_us=started_us + 2 * US)
        assert vm.timeline.set_range(started_us - 2 * US, ended_us + 2 * US)
        channel = vm.channels[0]
        await wait_until(lambda: channel.source_kind != "" or channel.error_text, 20, "the playback source")
        assert channel.source_kind == "local", channel.error_text
        lanes_ready = lambda: (lanes := vm.timeline.lanes(camera)) is not None and lanes.sessions  # noqa: E731
        await wait_until(lanes_ready, 20, "the manual session on the timeline")
        local = [b for b in vm.timeline.lanes(camera).recorded if b.source == "local"]
        assert local and local[0].end_us - local[0].start_us >= 3 * US, local
        assert panel.timeline.drawn(0, "sessions")
        at = local[0].start_us + 300_000
        vm.seek(at)
        stamp = await shown(
            channel,
            lambda s: s.camera_index == index and at - FRAME_US < s.timestamp_ms * 1000 <= at,
            "a picture from the local segments",
            FIRST_FRAME_S,
        )
        # Across a segment boundary (2 s segments) at 1x.
        vm.play(1.0)
        await shown(channel, lambda s: s.timestamp_ms >= stamp.timestamp_ms + 2400, "playback past a boundary")
        vm.pause()
        await wait_until(lambda: not channel.state.playing, 5, "pause")
        await wait_until(lambda: channel.position_us is not None, 5, "a picture")

        # Snapshot through the panel's save dialog: the file holds the picture shown, at full resolution.
        path = tmp_path / "snapshot.png"
        dialog = panel.ask_snapshot_path()
        assert dialog.isVisible() and dialog.selectedFiles()[0].endswith(".png")
        dialog.selectFile(str(path))
        dialog.accept()
        saved_text = "Snapshot saved: snapshot.png"
        await wait_until(lambda: window.statusBar().currentMessage() == saved_text, 10, "the snapshot's notice")
        with Image.open(path) as image:
            assert image.size == (640, 360)
            saved = read_stamp(np.asarray(image.convert("RGB")))
        assert saved is not None and saved.camera_index == index
        assert saved.timestamp_ms * 1000 == channel.position_us
        window.close()

    rt.run(scenario())


def test_without_a_backend_two_wall_cameras_play_from_xprotect_in_sync(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = window_for(rt, qtbot)
    vm = rt.vm.playback

    async def scenario() -> None:
        assert await rt.vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        assert rt.vm.show_cameras([camera_id(5), camera_id(6)]) == 2
        window.wall_recordings_action.trigger()
        assert vm.camera_ids == [camera_id(5), camera_id(6)]
        await wait_until(lambda: all(r.lanes is not None for r in vm.timeline.rows), 30, "both rows' lanes")
        assert all(r.lanes.origin == "milestone" for r in vm.timeline.rows)
        # A time both cameras recorded.
        a, b = (vm.timeline.lanes(camera_id(i)) for i in (5, 6))
        both = [
            (max(x.start_us, y.start_us), min(x.end_us, y.end_us))
            for x in a.recorded
            for y in b.recorded
            if min(x.end_us, y.end_us) - max(x.start_us, y.start_us) > 60 * US
        ]
        assert both, "cameras 5 and 6 share a minute of recording"
        start = both[0][0] + 10 * US  # the earliest: later sequences follow it
        vm.timeline.request_seek(start)
        for index, channel in enumerate(vm.channels):
            assert channel.source_kind in ("", "milestone")
            await shown(
                channel,
                lambda s, i=index: s.camera_index == 5 + i and start - FRAME_US < s.timestamp_ms * 1000 <= start,
                f"camera {5 + index} at the sought time",
                FIRST_FRAME_S,
            )
        vm.play(2.0)
        await shown(vm.channels[0], lambda s: s.timestamp_ms * 1000 > start + 3 * US, "2x playback")
        vm.pause()
        await wait_until(lambda: all(not c.state.playing for c in vm.channels), 5, "both paused")
        await wait_until(
            lambda: all(c.position_us is not None and c.position_us == c.picture_us for c in vm.channels),
            5,
            "both pictures painted",
        )
        one, two = (picture_stamp(c) for c in vm.channels)
        assert abs(one.timestamp_ms - two.timestamp_ms) <= FRAME_US // 1000 + 1  # the same instant on both

        # Page Down / Page Up: the next sequence start of either camera, then back to where this one started.
        panel = window.playback_panel
        here = vm.position_us
        starts = sorted({s.start_us for lanes in (a, b) for s in lanes.recorded})
        following = next((s for s in starts if s > here), None)
        assert following is not None
        QTest.keyClick(panel, Qt.Key.Key_PageDown)
        owner = 0 if any(s.start_us == following for s in a.recorded) else 1
        await shown(
            vm.channels[owner],
            lambda s: following <= s.timestamp_ms * 1000 < following + FRAME_US,
            "the next sequence's first frame",
            FIRST_FRAME_S,
        )
        await wait_until(lambda: following <= vm.timeline.playhead_us < following + FRAME_US, 5, "the playhead")
        QTest.keyClick(panel, Qt.Key.Key_PageUp)
        before = max(s for s in starts if s < following - US)
        await wait_until(
            lambda: before <= vm.timeline.playhead_us < before + FRAME_US, FIRST_FRAME_S, "back a sequence"
        )
        # Skip gaps: the check box reaches every player.
        panel.player.transport.skip_gaps_box.setChecked(True)
        assert vm.skip_gaps and all(c.player.skip_gaps for c in vm.channels)
        vm.back_to_live()
        assert window.pages.currentWidget() is window.wall
        # A tile's context menu "View recordings" opens that tile's camera alone.
        tile = window.wall.tiles[1]
        at = QPoint(20, 20)
        tile.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, tile.mapToGlobal(at)))
        menu = tile.findChildren(QMenu)[-1]
        action = next(a for a in menu.actions() if a.text() == "View recordings")
        action.trigger()
        menu.close()
        assert vm.is_open and vm.camera_ids == [camera_id(6)]
        vm.back_to_live()
        window.close()

    rt.run(scenario())

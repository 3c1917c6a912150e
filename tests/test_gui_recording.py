"""The recording section with a real simulator and the real bundled backend (child process started by the app).

The backend runs with RECORDING_MIN_DURATION=1 so that a custom duration of a few seconds is allowed (the
panel's custom field is then in seconds). Everything is driven through the widgets: tile click to select,
duration combo and spin box, Start/Stop buttons; the checks read what the operator sees.
"""

from __future__ import annotations

import httpx
import pytest
from PySide6.QtCore import QLocale, QPoint, Qt

from app.backend_link.connection import BackendState
from app.backend_link.options import BackendOptions
from app.backend_link.process import read_token_file
from app.viewmodels.camera_tree import CameraIdRole, RecordingRole
from app.viewmodels.recording import IDLE, RECORDING
from tests import test_gui_support as support
from tests.test_gui_support import wait_until
from widgets.recording_panel import CUSTOM
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring


@pytest.fixture
def recording_setup(make_simulator, make_runtime, tmp_path, qtbot):
    """(runtime, window, simulator, backend data dir): the app with a bundled backend allowing 1 s recordings."""
    sim = make_simulator(cameras=3)
    data_dir = tmp_path / "backend"
    options = BackendOptions.bundled(data_dir, {"RECORDING_MIN_DURATION": "1"}, health_interval_s=1.0)
    rt = make_runtime(backend=options)
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1400, 850)
    return rt, window, sim, data_dir


async def _log_in_and_wait_for_the_backend(rt, window, sim) -> None:
    window.show()
    assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None)
    rt.vm.show_cameras()
    backend = rt.vm.backend
    await wait_until(
        lambda: backend.state == BackendState.CONNECTED and backend.imported_count >= 3,
        60,
        "the bundled backend to start, connect and import the cameras",
        describe=lambda: (backend.state, backend.failure, backend.imported_count),
    )
    assert "Backend: connected" in window.backend_label.text()


def _tree_item(rt, camera_id: str):
    tree = rt.vm.tree
    for row in range(tree.rowCount()):
        server = tree.item(row)
        for child in range(server.rowCount()):
            item = server.child(child)
            if str(item.data(CameraIdRole)).lower() == camera_id.lower():
                return item
    raise AssertionError(f"camera {camera_id} not in the tree")


def _choose_custom(panel, seconds: int) -> None:
    combo = panel.duration_combo
    index = combo.findData(CUSTOM)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as when the operator picks the entry
    assert panel.custom_spin.isVisible() and panel.custom_spin.suffix().strip() == "s"
    panel.custom_spin.setValue(seconds)


def test_a_recording_started_from_the_panel_counts_down_shows_badges_and_stops_by_itself(recording_setup, qtbot):
    rt, window, sim, _data = recording_setup
    vm, panel = rt.vm, window.recording_panel
    events: list = []
    vm.backend.sigEvent.connect(events.append)

    async def scenario() -> None:
        await _log_in_and_wait_for_the_backend(rt, window, sim)
        tile_widget = window.wall.tiles[0]
        camera = tile_widget.tile.camera
        assert camera is not None
        qtbot.mouseClick(tile_widget, Qt.MouseButton.LeftButton, pos=QPoint(40, 60))
        assert vm.recording.camera_id == camera.id
        assert panel.camera_label.text().strip("\u2068\u2069") == camera.name
        assert panel.start_button.isVisible() and panel.start_button.isEnabled()
        assert not panel.countdown.isVisible()
        _choose_custom(panel, 6)
        assert vm.recording.duration_s == 6
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)

        await wait_until(lambda: vm.recording.phase == RECORDING, 15, "the recording to start")
        assert panel.countdown.isVisible() and panel.stop_button.isVisible() and not panel.start_button.isVisible()
        assert panel.state_chip.text() == "● Recording"
        first = vm.recording.remaining_s()
        assert 3.0 < first <= 6.0
        assert panel.remaining_label.text().strip("\u2068\u2069") in {f"0:0{s}" for s in range(3, 7)}
        assert _tree_item(rt, camera.id).data(RecordingRole) is True
        mark = window.recording_marks.marks[0]
        assert mark.isVisible() and mark.badge_text().startswith("REC 0:0")
        assert not window.recording_marks.marks[1].recording_now
        assert any(m.startswith("Recording started: ") and camera.name in m for m in window.toasts.messages)
        assert "Recording started" in window.statusBar().currentMessage()
        assert [r.camera_id for r in vm.recording.active_recordings()] == [camera.id]
        assert panel.active_list.topLevelItemCount() == 1

        # The countdown ticks locally, once a second.
        await wait_until(lambda: vm.recording.remaining_s() <= first - 1.5, 5, "the countdown to move")
        assert 0 < panel.progress.value() < 1000

        # The backend stops it at the end of the duration; the recording_stopped event returns the UI to idle.
        await wait_until(lambda: vm.recording.phase == IDLE, 15, "the recording to stop by itself")
        stopped = [e for e in events if e.type == "recording_stopped"]
        assert stopped and stopped[-1].data["reason"] == "duration"
        assert not panel.countdown.isVisible() and panel.start_button.isVisible() and panel.start_button.isEnabled()
        assert panel.state_chip.text() == "Not recording"
        assert _tree_item(rt, camera.id).data(RecordingRole) is False
        assert not mark.isVisible() or not mark.recording_now
        assert any("the chosen duration ended" in m for m in window.toasts.messages)
        assert panel.active_list.topLevelItemCount() == 0 and panel.active_empty.isVisibleTo(panel)
        window.close()

    rt.run(scenario())


def test_stop_button_and_a_start_refused_with_409_show_the_backends_bilingual_message(recording_setup, qtbot):
    rt, window, sim, data_dir = recording_setup
    vm, panel = rt.vm, window.recording_panel

    async def scenario() -> None:
        await _log_in_and_wait_for_the_backend(rt, window, sim)
        camera_ids = rt.vm.tree.camera_ids(enabled_only=True)
        first, second = camera_ids[0], camera_ids[1]

        # Stop: the tree's selection drives the section; Stop ends the recording at once.
        window.tree_panel.select_camera(first)
        window.tree_panel.sigCameraSelected.emit(first)
        assert vm.recording.camera_id == first
        vm.recording.set_duration(120)
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.recording.phase == RECORDING, 15, "the recording to start")
        assert panel.extend_button.isEnabled()
        qtbot.mouseClick(panel.extend_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.recording.recording.duration_s == 420, 10, "the +5 min extension")
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.recording.phase == IDLE, 15, "the recording to stop")
        assert any("stopped by an operator" in m for m in window.toasts.messages)
        assert not vm.recording.is_recording(first)

        # 409: another client starts the second camera; this window does not know yet and tries too.
        vm.recording.select_camera(second)
        token = read_token_file(data_dir / "api-token")
        url = f"{vm.backend.url}/api/v1/cameras/{second}/recordings/start"
        other = httpx.post(url, json={"duration": 60}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert other.status_code == 200, other.text
        assert panel.start_button.isEnabled()  # no event processed yet: the loop was blocked by the call above
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: panel.error_label.isVisible(), 15, "the 409 message")
        assert panel.error_label.text().startswith("Camera is already recording. Time left: ")
        await wait_until(lambda: vm.recording.phase == RECORDING, 10, "the section to show the running recording")

        # The same refusal in Arabic: the backend's Arabic message.
        QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.UnitedArabEmirates))
        try:
            assert not await vm.recording.start_async(second, 30)
            assert panel.error_label.text().startswith("الكاميرا تسجل بالفعل.")
        finally:
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))

        # 400: a duration beyond the backend's maximum, with the limits learnt from the answer.
        vm.recording.select_camera(first)
        assert not await vm.recording.start_async(first, 100_000)
        assert "between 1 and 7200 seconds" in panel.error_label.text()
        assert (vm.recording.limits.min_s, vm.recording.limits.max_s) == (1, 7200)
        window.close()

    rt.run(scenario())

"""Logging in through the dialog: clear messages, a responsive event loop, the keyring, the operator's rights."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time

import pytest
from PySide6.QtCore import QTimer

from app.credentials import SERVICE_PREFIX, normalise_server_url
from app.settings import Settings
from app.viewmodels import CameraStatus, Layout
from media.stream_stats import StreamState
from milestone.session import MilestoneSession
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.test_gui_support import tile_stamp, wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime  # fixtures shared by the GUI tests
memory_keyring = support.memory_keyring


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _window(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    return window


def _fill(dialog, server: str, user: str, password: str, remember: bool = False) -> None:
    dialog.server.setText(server)
    dialog.user.setText(user)
    dialog.password.setText(password)
    dialog.remember.setChecked(remember)


def test_wrong_password_and_unreachable_server_show_a_message_and_the_app_keeps_running(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)

    async def scenario() -> None:
        window.show()
        dialog = window.show_login()
        assert dialog.isVisible()
        _fill(dialog, simulator.management_url, "admin", "not-the-password")
        dialog.login_button.click()
        await wait_until(lambda: dialog.error.isVisible(), 15, "the wrong-password message")
        assert dialog.error.text() == "The user name or password is wrong."
        assert dialog.isVisible() and dialog.login_button.isEnabled() and rt.vm.login.session is None
        assert "not-the-password" not in dialog.error.text()

        _fill(dialog, f"http://127.0.0.1:{_free_port()}", "admin", simulator.password)
        dialog.login_button.click()
        await wait_until(lambda: "cannot be reached" in dialog.error.text(), 15, "the unreachable message")
        assert dialog.isVisible() and "Not connected" in window.connection_label.text()

        # The same dialog then logs in; it closes itself (and is deleted) and the tree fills.
        accepted: list[bool] = []
        dialog.accepted.connect(lambda: accepted.append(True))
        _fill(dialog, simulator.management_url, "admin", simulator.password)
        dialog.login_button.click()
        await wait_until(lambda: accepted, 15, "the dialog to close after login")
        assert rt.vm.connected and rt.vm.tree.camera_count() == 9
        assert "Connected to" in window.connection_label.text()
        window.close()

    rt.run(scenario())


def test_event_loop_keeps_running_while_the_server_does_not_answer(make_runtime, qtbot):
    # A server that accepts TCP connections (kernel backlog) but never answers: the login must time out
    # without freezing the GUI.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def factory(base_url, username, password, auth_type, verify_tls):
        return MilestoneSession(base_url, username, password, auth_type=auth_type, verify_tls=verify_tls, timeout=2.0)

    rt = make_runtime(session_factory=factory)
    window = _window(rt, qtbot)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))

    async def scenario() -> None:
        window.show()
        dialog = window.show_login()
        _fill(dialog, url, "admin", "secret")
        timer.start()
        started = time.monotonic()
        dialog.login_button.click()
        await wait_until(lambda: rt.vm.login.busy, 2, "the login to start")
        assert dialog.progress.isVisible() and not dialog.login_button.isEnabled()
        assert "Connecting" in window.connection_label.text()
        await wait_until(lambda: dialog.error.isVisible(), 20, "the time-out message")
        elapsed = time.monotonic() - started
        timer.stop()
        assert elapsed >= 1.5, "the login gave up before the time-out"
        assert "cannot be reached" in dialog.error.text()
        during = [t for t in ticks if started <= t <= started + elapsed]
        assert len(during) >= elapsed / 0.020 / 4, f"only {len(during)} timer ticks in {elapsed:.1f} s"
        gaps = [b - a for a, b in itertools.pairwise(during)]
        assert max(gaps) < 0.5, f"the event loop stalled for {max(gaps):.2f} s"
        assert dialog.login_button.isEnabled() and not dialog.progress.isVisible()
        window.close()

    try:
        rt.run(scenario())
    finally:
        listener.close()


def test_remembered_password_goes_to_the_keyring_never_to_the_settings_file(
    simulator, make_runtime, memory_keyring, tmp_path, qtbot
):
    rt = make_runtime()
    window = _window(rt, qtbot)

    async def scenario() -> None:
        window.show()
        dialog = window.show_login()
        _fill(dialog, simulator.management_url + "/", "admin", simulator.password, remember=True)
        dialog.login_button.click()
        await wait_until(lambda: rt.vm.connected, 15, "login")
        await wait_until(lambda: (tmp_path / "settings.json").exists(), 5, "the settings file")
        rt.vm.wall.set_layout(Layout.HOTSPOT)
        rt.vm.wall.fill(["", camera_id(3)])
        window.close()

    rt.run(scenario())
    key = (SERVICE_PREFIX + normalise_server_url(simulator.management_url), "admin")
    assert memory_keyring.entries == {key: simulator.password}
    text = (tmp_path / "settings.json").read_text()
    assert simulator.password not in text
    settings = Settings(tmp_path / "settings.json", environ={})
    assert settings.get("remember_password") is True and settings.get("username") == "admin"
    assert settings.get("server_url") == normalise_server_url(simulator.management_url)

    assert settings.get("last_layout") == "1+5" and settings.get("last_cameras")[:2] == ["", camera_id(3)]

    # The next start pre-fills the dialog, password included, and restores the wall after login; unticking
    # "remember" deletes the keyring entry.
    rt2 = make_runtime(settings=settings, restore_wall=True)
    window2 = _window(rt2, qtbot)

    async def second() -> None:
        dialog = window2.show_login()
        assert dialog.server.text() == normalise_server_url(simulator.management_url)
        assert dialog.user.text() == "admin" and dialog.password.text() == simulator.password
        assert dialog.remember.isChecked()
        dialog.remember.setChecked(False)
        dialog.login_button.click()
        await wait_until(lambda: rt2.vm.connected, 15, "second login")
        assert rt2.vm.wall.layout is Layout.HOTSPOT
        assert [t.camera.id if t.camera else "" for t in rt2.vm.wall.tiles[:2]] == ["", camera_id(3)]
        window2.close()

    rt2.run(second())
    assert memory_keyring.entries == {}


def test_operator_sees_no_permission_on_the_last_camera(simulator, make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)
    wall = rt.vm.wall

    async def scenario() -> None:
        window.show()
        assert await rt.vm.login.login_async(simulator.management_url, "operator", simulator.password, None)
        assert rt.vm.show_cameras([camera_id(i) for i in range(8)]) == 8
        last = wall.tiles[7]
        await wait_until(lambda: last.state == StreamState.NO_PERMISSION, 30, "no permission on the last tile")
        assert last.state_text == "no permission" and last.image is None
        await wait_until(lambda: all(t.state == StreamState.LIVE for t in wall.tiles[:7]), 30, "7 live tiles")
        assert tile_stamp(wall.tiles[6]) is None or tile_stamp(wall.tiles[6]).camera_index == 6
        assert rt.vm.tree.status(camera_id(7)) is CameraStatus.NO_PERMISSION
        assert rt.vm.tree.status(camera_id(0)) is CameraStatus.ONLINE
        assert rt.vm.tree.status(camera_id(8)) is CameraStatus.DISABLED
        assert "Live tiles: 7 of 8" in window.live_label.text()
        await asyncio.sleep(0.5)
        assert last.stats().frames_painted == 0
        window.close()

    rt.run(scenario())

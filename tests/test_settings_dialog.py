"""The Settings dialog in the real main window: OK writes, Cancel does not, bad values are refused with a clear
message, the language switches at once, a saved password can be forgotten, a damaged settings file is
reported at start, and the wall's tiles honour the tile and live-video options."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.credentials import CredentialStore
from app.settings import Settings
from media.stream_stats import StreamState
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.test_gui_support import wait_until
from widgets.shell import create_main_window
from widgets.theme import TILE_BACKGROUND
from widgets.video_tile import BAND_HEIGHT

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring


def _window(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    return window


def _click(dialog, which: QDialogButtonBox.StandardButton) -> None:
    QTest.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def _stored(tmp_path) -> dict:
    path = tmp_path / "settings.json"
    return json.loads(path.read_text())["values"] if path.exists() else {}


def test_ok_writes_the_changed_settings_and_cancel_does_not(make_runtime, tmp_path, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)
    vm = rt.vm

    async def scenario() -> None:
        window.show()
        assert window.settings_action.shortcut().toString() == "Ctrl+,"
        window.settings_action.trigger()
        dialog = window._settings_dialog
        assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Settings"
        assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
            "Servers",
            "Language",
            "Video",
            "Tiles",
            "Recording",
            "Backend",
        ]
        dialog.servers.server_url.setText("https://vms.example.com")
        dialog.tiles.keep_aspect.setChecked(False)
        _click(dialog, QDialogButtonBox.StandardButton.Cancel)
        assert not dialog.isVisible()
        assert not (tmp_path / "settings.json").exists() and rt.settings.get("server_url") == ""
        assert vm.tile_behaviour.keep_aspect is True

        dialog = window.show_settings()
        assert dialog.servers.server_url.text() == ""  # Cancel kept nothing, not even in the editors
        dialog.servers.server_url.setText(" https://vms.example.com ")
        dialog.servers.username.setText("op")
        dialog.servers.auth_type.setCurrentIndex(dialog.servers.auth_type.findData("ntlm"))
        dialog.servers.verify_tls.setChecked(False)
        dialog.language.calendar.setCurrentIndex(dialog.language.calendar.findData("hijri"))
        dialog.video.live_format.setCurrentIndex(dialog.video.live_format.findData("jpeg"))
        dialog.tiles.overlays.setChecked(False)
        dialog.tiles.double_click.setChecked(False)
        dialog.recording.duration.setValue(30)
        dialog.backend.remote.setChecked(True)
        assert dialog.backend.remote_box.isEnabled() and not dialog.backend.bundled_box.isEnabled()
        dialog.backend.url.setText("https://backend.example.com:8443/")
        dialog.backend.backend_user.setText("supervisor1")
        _click(dialog, QDialogButtonBox.StandardButton.Ok)
        assert not dialog.isVisible()
        await wait_until(lambda: _stored(tmp_path).get("username") == "op", 5, "the settings file")
        assert _stored(tmp_path) == {
            "server_url": "https://vms.example.com",
            "username": "op",
            "auth_type": "ntlm",
            "verify_tls": False,
            "language": "",
            "calendar": "hijri",
            "live_format": "jpeg",
            "tile_overlays": False,
            "tile_double_click_maximise": False,
            "tile_keep_aspect": True,
            "recording_duration": 1800,
            "backend_url": "https://backend.example.com:8443",
            "backend_token_file": "",
            "backend_username": "supervisor1",
            "backend_data_dir": "",
        }
        # Applied at once: tiles and the recording section; the rest is announced in the status bar.
        assert not vm.tile_behaviour.overlays and not vm.tile_behaviour.double_click_maximise
        assert vm.recording.duration_s == 1800
        message = window.statusBar().currentMessage()
        assert "XProtect server settings apply at the next log-in" in message
        assert "backend settings apply when the application starts again" in message
        assert "live video format applies to the cameras opened from now on" in message
        # Opening again shows what was stored.
        dialog = window.show_settings()
        assert dialog.backend.remote.isChecked() and dialog.recording.duration.value() == 30
        assert dialog.servers.auth_type.currentData() == "ntlm" and not dialog.tiles.overlays.isChecked()
        _click(dialog, QDialogButtonBox.StandardButton.Cancel)
        window.close()

    rt.run(scenario())


def test_invalid_values_are_refused_with_a_clear_message_and_not_saved(make_runtime, tmp_path, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)

    async def scenario() -> None:
        window.show()
        dialog = window.show_settings()
        dialog.servers.server_url.setText("vms.example.com")  # no scheme
        dialog.recording.duration.setValue(200)  # 12000 s > RECORDING_MAX_DURATION 7200 s
        dialog.tabs.setCurrentWidget(dialog.recording)
        _click(dialog, QDialogButtonBox.StandardButton.Ok)
        assert dialog.isVisible()
        text = dialog.error.text()
        assert dialog.error.isVisible()
        assert "The XProtect server address must start with http:// or https:// and name a host." in text
        assert "The recording duration must be between 1 and 120 minutes." in text
        assert dialog.tabs.currentWidget() is dialog.servers  # the first problem's page
        assert dialog.servers.server_url.hasFocus() or not window.isActiveWindow()
        assert rt.settings.get("server_url") == "" and rt.settings.get("recording_duration") == 900
        dialog.servers.server_url.setText("https://vms.example.com")
        _click(dialog, QDialogButtonBox.StandardButton.Ok)
        assert dialog.isVisible() and "between 1 and 120 minutes" in dialog.error.text()
        assert "server address" not in dialog.error.text()
        dialog.backend.remote.setChecked(True)
        dialog.recording.duration.setValue(120)
        _click(dialog, QDialogButtonBox.StandardButton.Ok)
        assert dialog.isVisible() and dialog.tabs.currentWidget() is dialog.backend
        assert "Enter the address of the remote backend" in dialog.error.text()
        _click(dialog, QDialogButtonBox.StandardButton.Cancel)
        await wait_until(lambda: not dialog.isVisible(), 2, "the dialog to close")
        assert not (tmp_path / "settings.json").exists()
        assert rt.settings.get("server_url") == ""
        window.close()

    rt.run(scenario())


def test_the_language_switches_at_once_and_back(make_runtime, qtbot):
    rt = make_runtime()
    window = _window(rt, qtbot)

    async def scenario() -> None:
        window.show()
        dialog = window.show_settings()
        dialog.language.language.setCurrentIndex(dialog.language.language.findData("ar"))
        _click(dialog, QDialogButtonBox.StandardButton.Ok)
        await wait_until(lambda: QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft, 2, "RTL")
        assert rt.settings.get("language") == "ar"
        assert window.isRightToLeft()
        dialog = window.show_settings()
        assert dialog.language.language.currentData() == "ar" and dialog.isRightToLeft()
        dialog.language.language.setCurrentIndex(dialog.language.language.findData("en"))
        _click(dialog, QDialogButtonBox.StandardButton.Ok)
        await wait_until(lambda: QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight, 2, "LTR")
        assert rt.settings.get("language") == "en"
        window.close()

    try:
        rt.run(scenario())
    finally:
        rt.switch_language("en")  # the QApplication outlives the test


def test_forget_saved_password_deletes_it_from_the_keyring(make_runtime, memory_keyring, qtbot):
    store = CredentialStore(memory_keyring)
    settings = Settings(None, environ={})
    settings.set("server_url", "https://vms.example.com")
    settings.set("username", "op")
    settings.set("remember_password", True)
    store.set("https://vms.example.com", "op", "pw-123")
    rt = make_runtime(settings=settings)
    window = _window(rt, qtbot)

    async def scenario() -> None:
        window.show()
        dialog = window.show_settings()
        page = dialog.servers
        assert page.password_state.text() == "A password is saved in the system keyring."
        assert page.forget_button.isEnabled()
        page.username.setText("someone-else")
        assert not page.forget_button.isEnabled() and page.password_state.text() == "No password is saved."
        page.username.setText("op")
        QTest.mouseClick(page.forget_button, Qt.MouseButton.LeftButton)
        assert page.password_state.text() == "The saved password was forgotten."
        assert memory_keyring.entries == {} and settings.get("remember_password") is False
        assert not page.forget_button.isEnabled()
        _click(dialog, QDialogButtonBox.StandardButton.Cancel)
        window.close()

    rt.run(scenario())


def test_a_damaged_settings_file_is_reported_at_start(make_runtime, tmp_path, qtbot):
    path = tmp_path / "settings.json"
    path.write_text('{"version": 2, "values": {"verify_tls": "perhaps"}}')
    rt = make_runtime(settings=Settings(path, environ={}))
    window = _window(rt, qtbot)

    async def scenario() -> None:
        window.show()
        await wait_until(lambda: "damaged" in window.statusBar().currentMessage(), 2, "the notice")
        backups = sorted(tmp_path.glob("settings.json.corrupt-*"))
        assert len(backups) == 1 and backups[0].read_text() == '{"version": 2, "values": {"verify_tls": "perhaps"}}'
        message = window.statusBar().currentMessage()
        assert message == (
            "The settings file was damaged and has been reset to the defaults; the damaged file was kept as "
            f"{backups[0].name}."
        )
        assert any(message in toast.text() for toast in window.toasts._toasts)
        window.close()

    rt.run(scenario())


def _rows(image, top: int, bottom: int) -> list[list[int]]:
    return [[image.pixel(x, y) for x in range(image.width())] for y in range(top, bottom)]


def test_tiles_honour_the_tile_options_and_the_live_format(simulator, make_runtime, tmp_path, qtbot):
    settings = Settings(tmp_path / "settings.json", environ={})
    settings.set("live_format", "jpeg")
    rt = make_runtime(settings=settings)
    window = _window(rt, qtbot)
    vm = rt.vm

    async def scenario() -> None:
        window.show()
        assert await vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        assert vm.show_cameras([camera_id(0)]) == 1
        tile_vm = vm.wall.tiles[0]
        await wait_until(lambda: tile_vm.state == StreamState.LIVE and tile_vm.image is not None, 30, "a live tile")
        assert tile_vm.handle.jpeg is True  # Settings > Video: JPEG pictures from the recording server
        tile = window.wall.tiles[0]
        tile.resize(400, 400)  # square: a 16:9 picture is letterboxed above and below
        await wait_until(lambda: tile_vm.stats().frames_painted >= 3, 10, "painted frames")
        # Three paints of the same frame (grab paints at once; frames are pulled only between events).
        with_band = tile.grab().toImage()
        vm.tile_behaviour.update(overlays=False, double_click_maximise=True, keep_aspect=True)
        without_band = tile.grab().toImage()
        vm.tile_behaviour.update(overlays=False, double_click_maximise=False, keep_aspect=False)
        stretched = tile.grab().toImage()
        height = with_band.height()
        assert _rows(with_band, BAND_HEIGHT + 2, height) == _rows(without_band, BAND_HEIGHT + 2, height)
        band_a, band_b = _rows(with_band, 0, BAND_HEIGHT), _rows(without_band, 0, BAND_HEIGHT)
        changed = sum(
            a != b for row_a, row_b in zip(band_a, band_b, strict=True) for a, b in zip(row_a, row_b, strict=True)
        )
        assert changed > with_band.width() * 5  # the name band is gone from live video
        background = QColor(TILE_BACKGROUND).rgb()
        assert set(_rows(without_band, height - 3, height)[0]) == {background}  # letterbox bar below the picture
        assert set(_rows(stretched, height - 3, height)[0]) != {background}  # stretched: the picture fills it
        QTest.mouseDClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
        assert vm.wall.maximised == -1  # double-click maximise is off
        vm.tile_behaviour.update(overlays=True, double_click_maximise=True, keep_aspect=True)
        QTest.mouseDClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
        assert vm.wall.maximised == 0
        window.close()

    rt.run(scenario())

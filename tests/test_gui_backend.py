"""The GUI's link to its backend: the bundled child process (secret handling, crash and restart, shutdown), a
remote backend (token from the keyring) and an unreachable one; the status bar tells the operator each time."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import stat
import sys
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt

from app.backend_link.connection import BackendState
from app.backend_link.options import API_TOKEN_USER, REMOTE, BackendOptions, options_from_settings
from app.credentials import CredentialStore
from app.settings import Settings
from tests import test_gui_support as support
from tests.backend_fixtures import make_backend_process, milestone_section
from tests.test_gui_support import wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
__all__ = ["make_backend_process"]  # fixture used below

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="reads /proc and sends POSIX signals")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _window(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    return window


async def _log_in(rt, window, sim) -> None:
    window.show()
    assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None)
    rt.vm.show_cameras()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@posix_only
def test_bundled_backend_gets_the_password_in_a_private_file_and_stops_with_the_app(
    make_simulator, make_runtime, tmp_path, qtbot
):
    sim = make_simulator(cameras=2)
    rt = make_runtime(backend=BackendOptions.bundled(tmp_path / "backend", health_interval_s=1.0))
    window = _window(rt, qtbot)
    assert "starts after the XProtect login" in window.backend_label.text()
    seen: dict = {}

    async def scenario() -> None:
        await _log_in(rt, window, sim)
        backend = rt.vm.backend
        await wait_until(
            lambda: backend.state == BackendState.CONNECTED and backend.imported_count == 3, 60, "the bundled backend"
        )
        assert "Backend: connected" in window.backend_label.text()
        assert "Cameras known to the backend: 3" in window.backend_label.toolTip()
        pid = backend.pid
        assert pid is not None
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        environ = dict(
            item.split(b"=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in item
        )
        password = sim.password.encode()
        assert password not in cmdline and not any(password in value for value in environ.values())
        assert environ[b"MILESTONE_BASE_URL"].decode() == sim.management_url
        assert environ[b"MILESTONE_USERNAME"] == b"admin"
        secret = Path(environ[b"MILESTONE_PASSWORD_FILE"].decode())
        assert secret.read_text().strip() == sim.password
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700
        log_text = backend.log_path.read_text()
        assert "Application startup complete" in log_text and sim.password not in log_text
        token = (tmp_path / "backend" / "api-token").read_text().split()[-1]
        assert token not in log_text
        seen.update(pid=pid, secret=secret)
        window.close()

    rt.run(scenario())
    # The runtime's shutdown stopped the backend cleanly and removed the secret file.
    assert not _alive(seen["pid"])
    assert not seen["secret"].exists()


@posix_only
def test_a_crashed_backend_is_reported_the_app_keeps_running_and_the_backend_comes_back(
    make_simulator, make_runtime, tmp_path, qtbot
):
    sim = make_simulator(cameras=2)
    rt = make_runtime(backend=BackendOptions.bundled(tmp_path / "backend", health_interval_s=0.5))
    window = _window(rt, qtbot)
    panel = window.recording_panel

    async def scenario() -> None:
        await _log_in(rt, window, sim)
        backend, vm = rt.vm.backend, rt.vm
        await wait_until(
            lambda: backend.state == BackendState.CONNECTED and backend.imported_count == 3, 60, "the bundled backend"
        )
        await wait_until(lambda: vm.wall.live_count == vm.wall.assigned_count == 2, 20, "live tiles")
        vm.recording.select_camera(vm.wall.tiles[0].camera.id)
        assert panel.start_button.isEnabled()
        first_pid = backend.pid
        os.kill(first_pid, signal.SIGKILL)
        await wait_until(
            lambda: backend.state in (BackendState.FAILED, BackendState.UNREACHABLE), 10, "the crash to be noticed"
        )
        text = window.backend_label.text()
        assert "Backend could not be started" in text or "Backend unreachable" in text, text
        assert not panel.start_button.isEnabled()
        assert panel.hint_label.text() == "The backend is not connected; see the status bar."
        assert "exit code -9" in window.backend_label.toolTip() or "unreachable" in window.backend_label.toolTip()
        # The wall does not depend on the backend: still live while it is down.
        assert vm.wall.live_count == 2
        await wait_until(lambda: backend.state == BackendState.CONNECTED, 60, "the backend to be restarted")
        assert backend.pid not in (None, first_pid)
        assert "Backend: connected" in window.backend_label.text()
        await wait_until(lambda: panel.start_button.isEnabled(), 10, "the recording section to be usable again")
        window.close()

    rt.run(scenario())


def test_an_unreachable_remote_backend_is_shown_and_recording_is_unavailable(
    simulator, make_runtime, memory_keyring, qtbot
):
    settings = Settings(None, environ={})
    url = f"http://127.0.0.1:{_free_port()}"
    settings.set("backend_url", url)
    credentials = CredentialStore(memory_keyring)
    no_token = options_from_settings(settings, credentials, environ={})
    # Without an API token the remote backend is used with a user log-in (the XProtect user unless configured).
    assert no_token.mode == REMOTE and not no_token.problem and not no_token.token and no_token.username == ""
    credentials.set(url, API_TOKEN_USER, "some-token")
    options = options_from_settings(settings, credentials, environ={})
    assert options.token == "some-token" and not options.problem
    rt = make_runtime(backend=options)
    window = _window(rt, qtbot)
    panel = window.recording_panel

    async def scenario() -> None:
        await _log_in(rt, window, simulator)
        await wait_until(
            lambda: rt.vm.backend.state == BackendState.UNREACHABLE, 20, "the backend to be reported unreachable"
        )
        assert f"Backend unreachable ({url}); retrying…" in window.backend_label.text()
        assert rt.vm.backend_status.severity == "error"
        rt.vm.recording.select_camera(rt.vm.wall.tiles[0].camera.id)
        assert not panel.start_button.isEnabled()
        assert panel.hint_label.isVisibleTo(panel)
        assert not await rt.vm.recording.start_async(rt.vm.wall.tiles[0].camera.id, 300)
        assert panel.error_label.text() == "The backend is not connected; see the status bar."
        # The application keeps running: the wall goes live regardless.
        await wait_until(lambda: rt.vm.wall.live_count >= 1, 20, "live video without a backend")
        window.close()

    rt.run(scenario())


def test_a_remote_backend_with_its_token_in_the_keyring_records_for_the_gui(
    make_simulator, make_backend_process, make_runtime, memory_keyring, qtbot
):
    sim = make_simulator(cameras=2)
    server = make_backend_process(settings={"milestone": milestone_section(sim), "recording": {"min_duration": 1}})
    settings = Settings(None, environ={})
    settings.set("backend_url", server.url)
    credentials = CredentialStore(memory_keyring)
    credentials.set(server.url, API_TOKEN_USER, server.token)
    options = options_from_settings(settings, credentials, environ={"RECORDING_MIN_DURATION": "1"})
    rt = make_runtime(backend=dataclasses.replace(options, health_interval_s=0.5))
    window = _window(rt, qtbot)
    panel = window.recording_panel

    async def scenario() -> None:
        await _log_in(rt, window, sim)
        backend, vm = rt.vm.backend, rt.vm
        await wait_until(
            lambda: backend.state == BackendState.CONNECTED and backend.imported_count == 3,
            30,
            "the remote backend",
            describe=lambda: (backend.state, backend.failure, window.backend_label.toolTip()),
        )
        assert backend.pid is None and backend.url == server.url
        assert "remote" in window.backend_label.toolTip()
        camera = vm.wall.tiles[1].camera
        qtbot.mouseClick(window.wall.tiles[1], Qt.MouseButton.LeftButton)
        assert vm.recording.camera_id == camera.id
        vm.recording.set_duration(2)
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.recording.is_recording(camera.id), 15, "the remote recording to start")
        await wait_until(lambda: not vm.recording.is_recording(camera.id), 15, "the remote recording to end")

        # The backend restarts (same port): the GUI says so, reconnects the events socket by itself, and sees
        # a recording another client starts afterwards.
        connections = backend.events_connections
        loop = asyncio.get_running_loop()
        restart = loop.run_in_executor(None, server.restart, 1.5)
        await wait_until(lambda: backend.state == BackendState.UNREACHABLE, 15, "the restart to be noticed")
        assert "Backend unreachable" in window.backend_label.text()
        await restart
        await wait_until(
            lambda: backend.state == BackendState.CONNECTED and backend.events_connections > connections,
            30,
            "the events socket to reconnect",
        )
        other = vm.wall.tiles[0].camera.id
        answer = await loop.run_in_executor(
            None,
            lambda: httpx.post(
                f"{server.url}/api/v1/cameras/{other}/recordings/start",
                json={"duration": 30},
                headers=server.headers,
                timeout=10,
            ),
        )
        assert answer.status_code == 200, answer.text
        await wait_until(lambda: vm.recording.is_recording(other), 10, "the other client's recording to show")
        assert any(m.startswith("Recording started: ") for m in window.toasts.messages)
        window.close()

    rt.run(scenario())
    assert server.running  # a remote backend is not the GUI's to stop

"""The GUI logged into a shared (remote) backend as a user rather than with an API token (issue 5 §4).

A real backend child process with users (the first administrator from its admin password file, an operator
created through the API) and the simulator. The GUI has no API token for the backend: it logs in as the
configured backend user with the password from the keyring, learns its role, maps the cameras an administrator
imported (an operator may not import), records, and is refused at once when an administrator disables the
account; a refused password is shown in the operator's language and not retried by itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import httpx
import pytest
from PySide6.QtCore import Qt

from app.backend_link.connection import BackendState
from app.backend_link.options import options_from_settings
from app.credentials import CredentialStore
from app.settings import Settings
from tests import test_gui_support as support
from tests.backend_fixtures import make_backend_process, milestone_section
from tests.test_gui_support import wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
__all__ = ["make_backend_process"]

OPERATOR_PASSWORD = "operator password 1"


def _import_all_but_one(server) -> list[str]:
    """Import every XProtect camera but the last into the backend with its API token (as an administrator
    would); returns every camera id."""
    deadline = time.monotonic() + 30
    while True:
        listed = httpx.get(f"{server.url}/api/v1/milestone/cameras", headers=server.headers, timeout=10)
        if listed.status_code == 200:
            break
        assert time.monotonic() < deadline, listed.text
        time.sleep(0.3)
    ids = [c["id"] for c in listed.json()["cameras"]]
    body = {"cameras": [{"milestoneDeviceId": i} for i in ids[:-1]]}
    r = httpx.post(f"{server.url}/api/v1/cameras/import", json=body, headers=server.headers, timeout=30)
    assert r.status_code in (200, 201), r.text
    return ids


def test_the_gui_logs_into_a_shared_backend_as_a_user(
    make_simulator, make_backend_process, make_runtime, memory_keyring, qtbot, tmp_path
):
    sim = make_simulator(cameras=2)
    secret = tmp_path / "admin-password"
    secret.write_text("administrator password\n")
    secret.chmod(0o600)
    server = make_backend_process(
        settings={
            "milestone": milestone_section(sim),
            "recording": {"min_duration": 1},
            "auth": {"admin_password_file": str(secret)},
        }
    )
    user = {"username": "olga", "password": OPERATOR_PASSWORD, "role": "operator", "displayName": "Olga"}
    assert httpx.post(f"{server.url}/api/v1/users", json=user, headers=server.headers).status_code == 201
    ids = _import_all_but_one(server)
    settings = Settings(None, environ={})
    settings.set("backend_url", server.url)
    settings.set("backend_username", "olga")
    credentials = CredentialStore(memory_keyring)
    credentials.set(server.url, "user:olga", OPERATOR_PASSWORD)
    options = options_from_settings(settings, credentials, environ={"RECORDING_MIN_DURATION": "1"})
    assert not options.token and options.username == "olga"
    rt = make_runtime(backend=dataclasses.replace(options, health_interval_s=0.5))
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    panel = window.recording_panel

    async def scenario() -> None:
        window.show()
        assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None)
        rt.vm.show_cameras()
        backend, vm = rt.vm.backend, rt.vm
        await wait_until(
            lambda: backend.state == BackendState.CONNECTED and backend.imported_count == 2,
            30,
            "the GUI to log into the backend and map the imported cameras",
            describe=lambda: (backend.state, backend.imported_count, backend.import_pending, backend.permissions),
        )
        assert not backend.import_pending  # an operator does not import: the missing camera is not waited for
        # The camera an administrator has not imported still gets a live slot, counted against OTHER.
        tile = next(t for t in vm.wall.tiles if t.camera is not None and t.camera.id.lower() == ids[-1].lower())
        await wait_until(
            lambda: tile.quota is not None and tile.quota.reservation_id != "",
            15,
            "the unimported camera's reservation",
            describe=lambda: tile.quota,
        )
        assert tile.quota.agency == "OTHER" and tile.quota.holder.startswith("olga/gui:")
        assert backend.identity is not None and (backend.identity.username, backend.identity.kind) == ("olga", "user")
        assert backend.permissions == {"view", "record", "annotate"} and not backend.can("users.manage")
        assert "Signed in as Olga (operator)" in window.backend_label.toolTip()
        assert panel.isVisible()  # an operator records
        unimported = vm.wall.tiles.index(tile)
        qtbot.mouseClick(window.wall.tiles[unimported], Qt.MouseButton.LeftButton)
        assert not panel.start_button.isEnabled() and "administrator can import" in panel.hint_label.text()
        index = next(i for i, t in enumerate(vm.wall.tiles) if t.camera is not None and i != unimported)
        camera = vm.wall.tiles[index].camera
        qtbot.mouseClick(window.wall.tiles[index], Qt.MouseButton.LeftButton)
        vm.recording.set_duration(2)
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.recording.is_recording(camera.id), 15, "the operator's recording to start")
        loop = asyncio.get_running_loop()
        audit = await loop.run_in_executor(
            None,
            lambda: httpx.get(
                f"{server.url}/api/v1/audit", params={"actor": "olga"}, headers=server.headers, timeout=10
            ).json(),
        )
        actions = {e["action"] for e in audit["entries"]}
        assert {"POST /api/v1/auth/login", "POST /api/v1/cameras/{camera_id}/recordings/start"} <= actions

        # An administrator disables the account: the GUI's session is refused at its next request, the log-in
        # again is refused with the backend's bilingual reason, and the GUI does not keep trying the password.
        disable = await loop.run_in_executor(
            None,
            lambda: httpx.patch(
                f"{server.url}/api/v1/users/olga", json={"disabled": True}, headers=server.headers, timeout=10
            ),
        )
        assert disable.status_code == 200
        await wait_until(
            lambda: backend.login_error is not None and backend.login_error.code == "user_disabled",
            20,
            "the disabled account to be noticed",
            describe=lambda: (backend.state, backend.failure),
        )
        assert backend.state == BackendState.FAILED and backend.client is None
        assert "Backend log-in refused: The account olga is disabled" in window.backend_label.text()
        await asyncio.sleep(2.0)  # several supervision rounds: no new log-in attempt
        attempts = await loop.run_in_executor(
            None,
            lambda: httpx.get(
                f"{server.url}/api/v1/audit",
                params={"actor": "olga", "action": "POST /api/v1/auth/login"},
                headers=server.headers,
                timeout=10,
            ).json(),
        )
        assert [e["outcome"] for e in attempts["entries"]] == ["denied", "success"]
        window.close()

    rt.run(scenario())

"""Settings > Backend > Test connection against a real backend child process: API token file, a wrong token,
a backend user's saved password, an address where nothing answers, and the bundled backend before log-in."""

from __future__ import annotations

import socket

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests import test_gui_support as support
from tests.backend_fixtures import make_backend_process, milestone_section
from tests.test_gui_support import wait_until
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
__all__ = ["make_backend_process"]  # fixture used below

USER_PASSWORD = "operator password 1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _test(dialog) -> tuple[str, str]:
    """Click Test connection; returns (result text, its colour style) once the test has finished."""
    page = dialog.backend
    QTest.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.test_result.text() == "Testing…" and not page.test_button.isEnabled()
    await wait_until(lambda: page.test_button.isEnabled(), 20, "the connection test")
    return page.test_result.text(), page.test_result.styleSheet()


def test_test_connection_really_connects(make_backend_process, make_runtime, memory_keyring, tmp_path, qtbot):
    server = make_backend_process(settings={"milestone": milestone_section(None)})
    user = {"username": "olga", "password": USER_PASSWORD, "role": "operator", "displayName": "Olga"}
    assert httpx.post(f"{server.url}/api/v1/users", json=user, headers=server.headers).status_code == 201
    bad_token = tmp_path / "bad-token"
    bad_token.write_text("# a token the backend never issued\nnot-a-real-token-0000\n")
    rt = make_runtime()
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)

    async def scenario() -> None:
        window.show()
        dialog = window.show_settings()
        page = dialog.backend
        assert page.bundled.isChecked()
        page.data_dir.setText(str(tmp_path / "backend-data"))
        text, style = await _test(dialog)
        assert text == (
            "The bundled backend is not running: it starts after the XProtect log-in. "
            f"Its data directory {tmp_path / 'backend-data'} is usable."
        )
        assert "#3fb950" in style

        page.remote.setChecked(True)
        page.url.setText(server.url)
        page.token_file.setText(str(server.token_file))
        text, style = await _test(dialog)
        assert text.startswith("The backend answers (version ") and text.endswith("The API token is accepted.")
        assert "#3fb950" in style

        page.token_file.setText(str(bad_token))
        text, style = await _test(dialog)
        assert text.startswith("The backend refused the credentials: ") and "#ff7b72" in style

        page.token_file.setText("")
        page.backend_user.setText("olga")
        rt.vm.settings._credentials.set(server.url, "user:olga", USER_PASSWORD)
        text, _ = await _test(dialog)
        assert text.endswith("Logged in as olga (operator)."), text

        page.backend_user.setText("")  # no token, no saved password: only the health check
        text, _ = await _test(dialog)
        assert text.endswith("No API token or saved password: the XProtect log-in is used.")

        page.url.setText(f"http://127.0.0.1:{_free_port()}")
        text, style = await _test(dialog)
        assert text == "The backend does not answer at this address (unreachable)." and "#ff7b72" in style

        page.url.setText("backend.example.com")
        text, _ = await _test(dialog)
        assert text == "The backend address must start with http:// or https:// and name a host."
        dialog.reject()
        assert rt.settings.get("backend_url") == ""  # testing stores nothing
        window.close()

    rt.run(scenario())
    assert server.running

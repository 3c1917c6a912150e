"""The backend as a real process (``python main.py backend`` through BackendProcess): readiness line, token
file, SIGTERM, kill -9 and restart with the same data; and ``main.py backend`` never importing Qt."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from backend.launcher import REPO, BackendProcess
from simulator.inventory import camera_id


def _wait_healthy(url: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.get(f"{url}/health", timeout=5)
        if r.status_code == 200:
            return r.json()
        time.sleep(0.1)
    raise AssertionError(f"backend not healthy: {r.text}")


def test_backend_process_lifecycle(make_backend_process, simulator):
    from tests.backend_fixtures import milestone_section

    proc = make_backend_process(
        settings={"milestone": milestone_section(simulator)}, env={"RECORDING_MAX_DURATION": "3600"}
    )
    assert proc.info["url"].startswith("http://127.0.0.1:") and proc.info["pid"] == proc.pid
    assert stat.S_IMODE(proc.token_file.stat().st_mode) == 0o600
    health = _wait_healthy(proc.url)
    assert health["checks"]["milestone"]["status"] == "connected"

    ws_url = proc.url.replace("http://", "ws://") + f"/api/v1/events?types=camera_status&token={proc.token}"
    with httpx.Client(base_url=proc.url, timeout=10) as client, connect(ws_url, open_timeout=10) as ws:
        assert client.get("/api/v1/cameras").status_code == 401
        r = client.post("/api/v1/cameras/import", json={"milestoneDeviceId": camera_id(0)}, headers=proc.headers)
        assert r.status_code == 201, r.text
        ours = r.json()["cameras"][0]["id"]
        event = json.loads(ws.recv(timeout=10))
        assert event["type"] == "camera_status" and event["camera_id"] == ours
        assert event["data"]["reason"] == "imported" and event["data"]["camera"]["milestoneDeviceId"] == camera_id(0)

    port = proc.port
    assert proc.restart(kill=True) == -9  # kill -9, then start on the same port with the same data directory
    assert proc.port == port
    _wait_healthy(proc.url)
    with httpx.Client(base_url=proc.url, timeout=10, headers=proc.headers) as client:
        assert client.get(f"/api/v1/cameras/{ours}").json()["milestoneDeviceId"] == camera_id(0)

    ws_url = proc.url.replace("http://", "ws://") + f"/api/v1/events?token={proc.token}"
    with connect(ws_url, open_timeout=10) as ws:
        started = time.monotonic()
        assert proc.stop() == 0  # SIGTERM: clean shutdown, even with an events client connected
        assert time.monotonic() - started < 8
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=5)
    assert "backend stopped" in proc.log
    assert proc.token not in proc.log and "token=<redacted>" in proc.log  # the token is never printed
    assert simulator.password not in proc.log


def test_backend_process_bad_settings_exit_2(tmp_path):
    proc = BackendProcess(settings={"milestone": {"password": "oops"}}, data_dir=tmp_path / "d")
    with pytest.raises(RuntimeError, match="before ready"):
        proc.start(timeout=30)
    assert proc.exit_code == 2
    assert "secrets never go in the settings file" in proc.log and "oops" not in proc.log
    proc.close()


def test_main_backend_does_not_import_qt():
    code = (
        "import sys, main\n"
        "main.build_parser('backend').parse_args(['backend', '--port', '0'])\n"
        "import backend.app, backend.cli\n"
        "gui = ('PySide6', 'shiboken6', 'qasync', 'app', 'widgets')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in gui)\n"
        "print('QT:' + ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "QT:"
    helped = subprocess.run(
        [sys.executable, "main.py", "backend", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0 and "--config" in helped.stdout


def test_backend_exits_cleanly_when_its_parent_dies(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    cmd = [sys.executable, str(REPO / "main.py"), "backend", "--port", "0", "--data-dir", str(tmp_path)]
    child = subprocess.Popen(
        [*cmd, "--parent-pid", str(parent.pid)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "MILESTONE_ENABLED": "false"},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("BACKEND_READY ")
        time.sleep(1.0)
        assert child.poll() is None  # the parent lives: the backend keeps running
        parent.kill()
        parent.wait()
        assert child.wait(timeout=15) == 0  # graceful shutdown, not a kill
    finally:
        for proc in (parent, child):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

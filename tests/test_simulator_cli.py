"""``python main.py simulator`` as a process: the ready line, the generated password file, clean shutdown,
restart on the same ports."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from simulator.launcher import READY_PREFIX, REPO, SimulatorProcess


def test_generated_password_file_and_clean_sigterm_shutdown():
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "simulator", "--cameras", "3", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith(READY_PREFIX), line
        info = json.loads(line[len(READY_PREFIX) :])
        assert info["cameras"] == 3 and len(info["recording_servers"]) == 2
        assert info["management_url"].startswith("http://127.0.0.1:")
        pw_file = Path(info["password_file"])
        assert stat.S_IMODE(os.stat(pw_file).st_mode) == 0o600
        password = pw_file.read_text().strip()
        r = httpx.post(
            info["management_url"] + "/API/IDP/connect/token",
            data={
                "grant_type": "password",
                "username": "admin",
                "password": password,
                "client_id": "GrantValidatorClient",
            },
        )
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out == "", "exactly one line on stdout"
    assert password not in err and password not in line
    assert "Traceback" not in err
    assert not pw_file.exists(), "the generated password file is removed at shutdown"


def test_restart_keeps_the_ports():
    sim = SimulatorProcess(cameras=2)
    try:
        sim.start()
        port, recorder_ports = sim.port, sim.recorder_ports
        sim.restart()
        assert (sim.port, sim.recorder_ports) == (port, recorder_ports)
        assert httpx.get(sim.management_url + "/api/.well-known/uris").status_code == 200
    finally:
        sim.close()

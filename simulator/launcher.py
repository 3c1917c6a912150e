"""Runs the XProtect simulator as a real child process (``python main.py simulator``): demo, tests, benches.

The simulator prints one line ``SIMULATOR_READY {json}`` on stdout when its sockets listen; the JSON holds
``management_url``, ``recording_servers`` (list of ``{id, name, host, port}``) and ``password_file``.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READY_PREFIX = "SIMULATOR_READY "


@dataclass
class SimulatorProcess:
    """A simulator child process. ``start()`` waits until it is ready; ``restart()`` reuses its ports."""

    cameras: int = 8
    fps: int = 15
    token_ttl: float | None = None
    vms_token_ttl: float | None = None
    extra_args: list[str] = field(default_factory=list)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    info: dict = field(default_factory=dict)
    _proc: subprocess.Popen | None = None
    _dir: tempfile.TemporaryDirectory | None = None
    _log: list[str] = field(default_factory=list)

    @property
    def management_url(self) -> str:
        return self.info["management_url"]

    @property
    def recorder_ports(self) -> list[int]:
        return [rs["port"] for rs in self.info["recording_servers"]]

    @property
    def pid(self) -> int | None:
        """Process id of the running simulator (None when stopped); for CPU and memory measurements."""
        return self._proc.pid if self._proc is not None else None

    @property
    def port(self) -> int:
        return int(self.management_url.rsplit(":", 1)[1].strip("/"))

    def start(self, port: int = 0, recorder_ports: list[int] | None = None, timeout: float = 30.0) -> None:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="sim-")
        pw_file = Path(self._dir.name) / "password"
        pw_file.write_text(self.password)
        os.chmod(pw_file, 0o600)
        cmd = [
            sys.executable,
            str(REPO / "main.py"),
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--cameras",
            str(self.cameras),
            "--fps",
            str(self.fps),
            "--password-file",
            str(pw_file),
        ]
        if recorder_ports:
            cmd += ["--recorder-ports", ",".join(map(str, recorder_ports))]
        if self.token_ttl is not None:
            cmd += ["--token-ttl", str(self.token_ttl)]
        if self.vms_token_ttl is not None:
            cmd += ["--vms-token-ttl", str(self.vms_token_ttl)]
        cmd += self.extra_args
        self._proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        deadline = time.monotonic() + timeout
        assert self._proc.stdout is not None
        while time.monotonic() < deadline:
            line = self._proc.stdout.readline()
            if not line:
                if self._proc.poll() is not None:
                    raise RuntimeError("simulator exited before ready:\n" + "".join(self._log))
                continue
            self._log.append(line)
            if line.startswith(READY_PREFIX):
                self.info = json.loads(line[len(READY_PREFIX) :])
                threading.Thread(target=self._drain, daemon=True).start()
                return
        self.stop()
        raise RuntimeError("simulator not ready in time:\n" + "".join(self._log))

    def _drain(self) -> None:
        proc = self._proc
        if proc is None or proc.stdout is None:
            return
        for line in proc.stdout:
            self._log.append(line)
            if len(self._log) > 2000:
                del self._log[:1000]

    @property
    def log(self) -> str:
        return "".join(self._log)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def restart(self, down_seconds: float = 0.0) -> None:
        port, rports = self.port, self.recorder_ports
        self.stop()
        time.sleep(down_seconds)
        self.start(port=port, recorder_ports=rports)

    def close(self) -> None:
        self.stop()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

"""Runs the backend as a real child process (``python main.py backend``): tests, the demo, the GUI.

``BackendProcess(settings={...}, env={...})`` writes the settings as a TOML file in its own temporary
directory (data in ``<tmp>/data`` unless ``data_dir`` is given), starts the child and waits for its
``BACKEND_READY {json}`` line. ``stop()`` sends SIGTERM (clean shutdown), ``kill()`` SIGKILL (a crash),
``restart()`` starts it again on the same port with the same data. The API token is read from the token
file the backend reports (``token``), never printed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.api.auth import read_api_token

REPO = Path(__file__).resolve().parents[1]
READY_PREFIX = "BACKEND_READY "


def dump_toml(data: Mapping[str, Any]) -> str:
    """Serialise a settings dict (str, int, float, bool, Path, nested dicts, lists of scalars) as TOML.

    For the launcher and tests that write settings files; tables come after the scalar keys.
    """

    def scalar(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return repr(value)
        if isinstance(value, list | tuple):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'

    lines: list[str] = []

    def table(prefix: str, mapping: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in mapping.items() if not isinstance(v, Mapping) and v is not None}
        tables = {k: v for k, v in mapping.items() if isinstance(v, Mapping)}
        if prefix and scalars:
            lines.append(f"[{prefix}]")
        lines.extend(f"{k} = {scalar(v)}" for k, v in scalars.items())
        for k, v in tables.items():
            table(f"{prefix}.{k}" if prefix else k, v)

    table("", data)
    return "\n".join(lines) + "\n"


@dataclass
class BackendProcess:
    """A backend child process. ``settings`` is a nested dict in the settings file's layout."""

    settings: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    data_dir: Path | None = None
    extra_args: list[str] = field(default_factory=list)
    python: str = sys.executable
    info: dict[str, Any] = field(default_factory=dict)
    exit_code: int | None = None
    _proc: subprocess.Popen[str] | None = None
    _dir: tempfile.TemporaryDirectory[str] | None = None
    _log: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def token_file(self) -> Path:
        return Path(self.info["token_file"])

    @property
    def token(self) -> str:
        """The API token (read from the token file)."""
        return read_api_token(self.token_file)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def log(self) -> str:
        return "".join(self._log)

    def _workdir(self) -> Path:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="backend-")
        return Path(self._dir.name)

    def start(self, port: int = 0, timeout: float = 60.0) -> None:
        """Start and wait for readiness. Raises RuntimeError (with the log) when it exits or times out."""
        work = self._workdir()
        config = work / "backend.toml"
        config.write_text(dump_toml(self.settings), encoding="utf-8")
        data_dir = self.data_dir or work / "data"
        cmd = [self.python, str(REPO / "main.py"), "backend", "--config", str(config)]
        cmd += ["--port", str(port), "--data-dir", str(data_dir), *self.extra_args]
        env = {**os.environ, **self.env}
        self._proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        self.exit_code = None
        assert self._proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._proc.stdout.readline()
            if not line:
                if self._proc.poll() is not None:
                    self.exit_code = self._proc.returncode
                    self._proc = None
                    raise RuntimeError(f"backend exited ({self.exit_code}) before ready:\n{self.log}")
                continue
            self._log.append(line)
            if line.startswith(READY_PREFIX):
                self.info = json.loads(line[len(READY_PREFIX) :])
                threading.Thread(target=self._drain, args=(self._proc,), daemon=True).start()
                return
        self.kill()
        raise RuntimeError(f"backend not ready in {timeout:g} s:\n{self.log}")

    def _drain(self, proc: subprocess.Popen[str]) -> None:
        if proc.stdout is None:
            return
        for line in proc.stdout:
            self._log.append(line)
            if len(self._log) > 4000:
                del self._log[:2000]

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM and wait (SIGKILL after ``timeout`` s); returns the exit code (None if not running)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            self.exit_code = proc.wait(5)
        return self.exit_code

    def kill(self) -> None:
        """SIGKILL (kill -9): the backend gets no chance to clean up."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        self.exit_code = proc.wait(10)

    def restart(self, down_seconds: float = 0.0, *, kill: bool = False) -> int | None:
        """Stop (or kill) and start again on the same port with the same data directory; returns the exit code
        of the stopped process (-9 after a kill on POSIX)."""
        port = self.port
        if kill:
            self.kill()
        else:
            self.stop()
        code = self.exit_code
        time.sleep(down_seconds)
        self.start(port=port)
        return code

    def close(self) -> None:
        """Stop and remove the temporary directory (and the data in it unless ``data_dir`` was given)."""
        self.stop()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

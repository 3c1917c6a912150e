"""The bundled backend as a child process of the GUI (DESIGN.md §2): ``python main.py backend``.

``BundledBackend.start(login)`` runs ``<python> main.py backend --host 127.0.0.1 --port 0 [--data-dir DIR]``
with the XProtect server and user in the child's environment (``MILESTONE_BASE_URL``, ``MILESTONE_USERNAME``,
``MILESTONE_AUTH_TYPE``, ``MILESTONE_VERIFY_TLS``) and the password in a secret file (``MILESTONE_PASSWORD_FILE``,
mode 0600 in a private temporary directory, removed when the backend stops): the password never appears in
argv, in an environment value or in a log. It waits for the child's one stdout line::

    BACKEND_READY {"url": "http://127.0.0.1:PORT", "token_file": "<0600 file holding the API token>", ...}

and reads the API token from that file. The child's output (its log) goes to ``backend.log`` in the log
directory; the last lines are kept for error messages. ``stop()`` asks for a clean shutdown (SIGTERM on POSIX,
CTRL_BREAK on Windows), waits, then kills. Blocking calls: run them in a worker thread.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
READY_PREFIX = "BACKEND_READY "
TAIL_LINES = 60
LOG_FILE_MAX_BYTES = 20 * 1024 * 1024  # the child's log is truncated at each start and capped at this size


@dataclass(frozen=True, slots=True)
class MilestoneLogin:
    """The XProtect server and user the backend logs in with (the GUI's own login, MILESTONE_PROTOCOL.md §1).

    ``password`` is excluded from ``repr`` so that it cannot reach a log by accident.
    """

    base_url: str
    username: str
    password: str = field(repr=False)
    auth_type: str = "basic"
    verify_tls: bool = True

    def same_account(self, other: MilestoneLogin | None) -> bool:
        """True when ``other`` logs in to the same server as the same user with the same password."""
        return (
            other is not None
            and self.base_url.rstrip("/").lower() == other.base_url.rstrip("/").lower()
            and self.username == other.username
            and self.password == other.password
            and self.auth_type == other.auth_type
            and self.verify_tls == other.verify_tls
        )


@dataclass(frozen=True, slots=True)
class BackendEndpoint:
    """Where a running backend answers (``url``, e.g. ``http://127.0.0.1:8765``) and its API token."""

    url: str
    token: str = field(repr=False)


class BackendStartError(Exception):
    """The backend child did not become ready: ``reason`` (English, technical) and ``exit_code`` (None while it
    still ran, e.g. on a time-out). The message never contains a secret."""

    def __init__(self, reason: str, exit_code: int | None = None, log_tail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code
        self.log_tail = log_tail


def read_token_file(path: Path) -> str:
    """The first API token of the backend's token file (lines ``<token>`` or ``<label> <token>``; ``#``
    comments and blank lines skipped). Raises OSError when unreadable and ValueError when it holds no token."""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line.split()[-1]
    raise ValueError(f"no API token in {path}")


def write_secret_file(directory: Path, name: str, secret: str) -> Path:
    """Create ``directory/name`` readable by the owner only (0600 on POSIX) holding ``secret`` + newline."""
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")
    return path


def backend_command(python: str = sys.executable, main_py: Path | None = None) -> list[str]:
    """The command that runs the backend: ``python main.py backend``, or ``<exe> backend`` in a frozen build."""
    # --parent-pid: the backend shuts down by itself if this application dies without stopping it.
    watch = ["--parent-pid", str(os.getpid())]
    if getattr(sys, "frozen", False):
        return [sys.executable, "backend", *watch]
    return [python, str(main_py or REPO / "main.py"), "backend", *watch]


class BundledBackend:
    """One backend child process (see the module docstring). Not thread-safe: one owner calls start/stop.

    ``data_dir``: the backend's data directory (None: the backend's per-user default). ``env``: extra
    environment variables for the child (e.g. ``RECORDING_MIN_DURATION``). ``log_dir``: where ``backend.log``
    goes (default ``data_dir``, else a private temporary directory).
    """

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        env: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
        python: str = sys.executable,
        main_py: Path | None = None,
    ) -> None:
        self.data_dir = data_dir
        self._env = dict(env or {})
        self._log_dir = log_dir
        self._command = backend_command(python, main_py)
        self._proc: subprocess.Popen[str] | None = None
        self._secret_dir: Path | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._ready = threading.Event()
        self._info: dict[str, Any] = {}
        self._reader: threading.Thread | None = None
        self.log_path: Path | None = None
        self.login: MilestoneLogin | None = None

    # --- state ------------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def exit_code(self) -> int | None:
        """The child's exit code once it has exited (None while it runs or before it started)."""
        return self._proc.poll() if self._proc is not None else None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def tail(self) -> str:
        """The child's last log lines (for error reports; the backend never logs secrets)."""
        return "".join(self._tail)

    # --- start ------------------------------------------------------------------------------------------
    def _child_env(self, login: MilestoneLogin | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MILESTONE_")}
        env.pop("BACKEND_CONFIG", None)  # the bundled backend is configured by the GUI only
        env["PYTHONUNBUFFERED"] = "1"
        if login is not None and login.base_url:
            assert self._secret_dir is not None
            secret = write_secret_file(self._secret_dir, "milestone-password", login.password)
            env.update(
                MILESTONE_BASE_URL=login.base_url,
                MILESTONE_USERNAME=login.username,
                MILESTONE_AUTH_TYPE=login.auth_type,
                MILESTONE_VERIFY_TLS="true" if login.verify_tls else "false",
                MILESTONE_PASSWORD_FILE=str(secret),
            )
        else:
            env["MILESTONE_ENABLED"] = "false"
        env.update(self._env)
        return env

    def start(self, login: MilestoneLogin | None, timeout: float = 60.0) -> BackendEndpoint:
        """Start the child and wait (at most ``timeout`` s) for BACKEND_READY; returns its URL and API token.

        Raises BackendStartError (the child exited, did not get ready in time, or its token file is
        unreadable; the child is stopped and the secret file removed) and OSError when it cannot be spawned.
        """
        if self.running:
            raise RuntimeError("the backend is already running")
        self._cleanup_secret()
        self._secret_dir = Path(tempfile.mkdtemp(prefix="crv-backend-"))  # 0700 on POSIX
        self.login = login
        cmd = [*self._command, "--host", "127.0.0.1", "--port", "0"]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            cmd += ["--data-dir", str(self.data_dir)]
        log_dir = self._log_dir or self.data_dir or self._secret_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / "backend.log"
        self._ready.clear()
        self._info = {}
        self._tail.clear()
        kwargs: dict[str, Any] = {}
        if sys.platform == "win32":
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # so that CTRL_BREAK reaches it alone
        try:
            self._proc = subprocess.Popen(
                cmd,
                cwd=REPO,
                env=self._child_env(login),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                **kwargs,
            )
        except OSError:
            self._cleanup_secret()
            raise
        log.info("starting the bundled backend (pid %d, log %s)", self._proc.pid, self.log_path)
        self._reader = threading.Thread(
            target=self._read, args=(self._proc, self.log_path), name="backend-output", daemon=True
        )
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.1):
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._reader.join(2.0)
                self._cleanup_secret()
                raise BackendStartError(f"the backend exited with code {code} before it was ready", code, self.tail())
            if time.monotonic() > deadline:
                self.stop()
                raise BackendStartError(f"the backend was not ready within {timeout:g} s", None, self.tail())
        try:
            token = read_token_file(Path(self._info["token_file"]))
            url = str(self._info["url"]).rstrip("/")
        except (OSError, ValueError, KeyError) as exc:
            self.stop()
            raise BackendStartError(f"the backend's API token cannot be read: {exc}", None, self.tail()) from None
        log.info("bundled backend ready at %s", url)
        return BackendEndpoint(url, token)

    def _read(self, proc: subprocess.Popen[str], log_path: Path) -> None:
        """Reader thread: find the READY line, copy everything else to the log file and the tail."""
        assert proc.stdout is not None
        sink: IO[str] | None
        try:
            sink = log_path.open("w", encoding="utf-8")
        except OSError as exc:
            log.warning("cannot write the backend log %s: %s", log_path, exc.strerror)
            sink = None
        written = 0
        try:
            for line in proc.stdout:
                if not self._ready.is_set() and line.startswith(READY_PREFIX):
                    try:
                        self._info = json.loads(line[len(READY_PREFIX) :])
                    except ValueError:
                        log.warning("unreadable BACKEND_READY line from the backend")
                        continue
                    self._ready.set()
                    continue
                self._tail.append(line)
                if sink is not None and written < LOG_FILE_MAX_BYTES:
                    sink.write(line)
                    sink.flush()
                    written += len(line)
        except (OSError, ValueError):
            pass  # the pipe closed under us (the child was killed)
        finally:
            if sink is not None:
                sink.close()

    # --- stop -------------------------------------------------------------------------------------------
    def stop(self, timeout: float = 15.0) -> int | None:
        """Ask the child to shut down cleanly, wait ``timeout`` s, then kill it; removes the secret file.

        Returns the exit code (None when nothing ran). Safe to call repeatedly.
        """
        proc, self._proc = self._proc, None
        code = None
        if proc is not None:
            if proc.poll() is None:
                try:
                    if sys.platform == "win32":
                        proc.send_signal(signal.CTRL_BREAK_EVENT)  # uvicorn handles SIGBREAK on Windows
                    else:
                        proc.terminate()  # SIGTERM: the backend's clean shutdown
                except OSError:
                    pass
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    log.warning("the backend did not stop within %g s; killing it", timeout)
                    proc.kill()
                    proc.wait(10)
            code = proc.returncode
            log.info("bundled backend stopped (exit code %s)", code)
            if self._reader is not None:
                self._reader.join(2.0)
                self._reader = None
        self._cleanup_secret()
        return code

    def kill(self) -> None:
        """Kill the child at once (no clean shutdown; its sessions resume at the next start)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        self.stop(timeout=5.0)

    def _cleanup_secret(self) -> None:
        directory, self._secret_dir = self._secret_dir, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

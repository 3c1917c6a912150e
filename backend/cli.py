"""``python main.py backend``: run the backend under uvicorn until SIGTERM/SIGINT.

When the server listens, exactly one line goes to stdout (flushed)::

    BACKEND_READY {"url": "http://127.0.0.1:8765", "token_file": "/path/api-token", "data_dir": "...", "pid": N}

(the token file's path, never the token). Logs go to stderr. uvicorn's access log is off and ``token=`` query
values are masked in every log line: the events WebSocket carries its token in the query string.
Exit codes: 0 clean shutdown, 2 bad settings, 3 start-up failed (database, migrations, a component).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from uvicorn.server import HANDLED_SIGNALS

from backend.app import create_app
from backend.settings import BackendSettings, SettingsError, load_settings

log = logging.getLogger("backend")
READY_PREFIX = "BACKEND_READY "


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the backend's options to ``parser`` (they override the settings file and the environment)."""
    parser.add_argument("--config", type=Path, default=None, help="settings file (TOML); default $BACKEND_CONFIG")
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default 8765; 0 = any free port)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (database, spool, token file)")
    parser.add_argument("--log-level", default=None, choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument(
        "--parent-pid",
        type=int,
        default=None,
        help="shut down cleanly when this process ends (the operator application that started the backend)",
    )


def _settings(args: argparse.Namespace) -> BackendSettings:
    overrides = {"host": args.host, "port": args.port, "log_level": args.log_level}
    if args.data_dir is not None:
        overrides["data_dir"] = str(args.data_dir.resolve())
    return load_settings(args.config, overrides=overrides)


class RedactTokens(logging.Filter):
    """Masks ``token=...`` query values in log lines (uvicorn logs WebSocket request lines with their query)."""

    PATTERN = re.compile(r"(token=)[^&\s\"']+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message.lower():
            record.msg, record.args = self.PATTERN.sub(r"\1<redacted>", message), None
        return True


class _Server(uvicorn.Server):
    """uvicorn's server, minus re-raising SIGTERM/SIGINT after the graceful shutdown: the process then exits
    with code 0 (uvicorn would die of the captured signal)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)


def _public_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


async def _watch_parent(pid: int, server: uvicorn.Server, interval_s: float = 2.0) -> None:
    """Ask ``server`` to shut down gracefully once process ``pid`` no longer exists (polled every interval_s)."""
    import psutil

    while not server.should_exit:
        await asyncio.sleep(interval_s)
        if not psutil.pid_exists(pid):
            log.warning("the parent process %d ended; shutting down", pid)
            server.should_exit = True
            return


async def _serve(settings: BackendSettings, parent_pid: int | None = None) -> int:
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    server = _Server(config)
    serving = asyncio.ensure_future(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    if not server.started:
        await serving
        log.error("the backend did not start (see the errors above)")
        return 3
    port = server.servers[0].sockets[0].getsockname()[1] if server.servers else settings.port
    info = {
        "url": _public_url(settings.host, port),
        "token_file": str(settings.token_file_path),
        "data_dir": str(settings.data_dir),
        "pid": os.getpid(),
    }
    sys.stdout.write(READY_PREFIX + json.dumps(info) + "\n")
    sys.stdout.flush()
    watcher = asyncio.ensure_future(_watch_parent(parent_pid, server)) if parent_pid else None
    await serving
    if watcher is not None:
        watcher.cancel()
    return 0


def run_backend(args: argparse.Namespace) -> int:
    """Run until SIGTERM/SIGINT; returns the process exit code."""
    try:
        settings = _settings(args)
    except SettingsError as exc:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
        log.error("%s", exc)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactTokens())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request lines would show URLs at INFO
    logging.getLogger("alembic").setLevel(logging.WARNING)  # backend.db.migrate logs what changed
    try:
        return asyncio.run(_serve(settings, getattr(args, "parent_pid", None)))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        log.error("backend failed: %s", exc)
        return 1

"""``python main.py simulator``: run the XProtect-compatible simulator until SIGTERM/SIGINT.

When every socket listens, exactly one line goes to stdout (flushed):
``SIMULATOR_READY {"management_url": "http://127.0.0.1:P", "recording_servers": [{"id", "name", "host",
"port"}, ...], "password_file": "...", "cameras": N}``. Human-readable lines go to stderr.

Users ``admin`` and ``operator`` (see simulator.users) share the password read from ``--password-file``.
Without that option a random password is written to a new 0600 file in a new temporary directory, whose path
is reported (the password itself is never printed); that file is deleted at shutdown.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
from pathlib import Path

from simulator.context import SimulatorConfig
from simulator.server import SimulatorServer

log = logging.getLogger("simulator")
READY_PREFIX = "SIMULATOR_READY "


def add_simulator_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="management server port; 0 picks a free one")
    parser.add_argument("--cameras", type=int, default=8, help="number of enabled cameras (default 8)")
    parser.add_argument("--fps", type=int, default=15, help="frames per second of every camera (default 15)")
    parser.add_argument(
        "--token-ttl",
        type=float,
        default=3600.0,
        help="IDP access token lifetime in seconds (expires_in; default 3600)",
    )
    parser.add_argument(
        "--vms-token-ttl",
        type=float,
        default=14400.0,
        help="vms_token lifetime in seconds (SOAP Login TimeToLive; default 14400)",
    )
    parser.add_argument(
        "--password-file",
        default=None,
        help="file holding the password of users admin and operator (default: generate one)",
    )
    parser.add_argument(
        "--recorder-ports", default="0,0", help="ports of the two recording servers, 'A,B' (0 picks a free one)"
    )
    parser.add_argument(
        "--page-size-limit", type=int, default=0, help="cap on the REST 'size' paging parameter (0 = none)"
    )
    parser.add_argument(
        "--timeout-minute-seconds",
        type=float,
        default=60.0,
        help="TEST ONLY: seconds per minute of manualRecordingTimeoutMinutes (default 60)",
    )


def _recorder_ports(text: str) -> tuple[int, int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) != 2:
        raise ValueError(f"--recorder-ports needs two ports 'A,B', got {text!r}")
    a, b = (int(p) for p in parts)
    return a, b


def _generated_password_file() -> tuple[str, Path]:
    password = secrets.token_urlsafe(18)
    directory = Path(tempfile.mkdtemp(prefix="xprotect-sim-"))
    path = directory / "password"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password)
    return password, path


def _config(args: argparse.Namespace) -> tuple[SimulatorConfig, Path | None]:
    generated = None
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").strip()
        password_file = str(Path(args.password_file).resolve())
    else:
        password, generated = _generated_password_file()
        password_file = str(generated)
    if not 1 <= args.cameras <= 4096:
        raise ValueError("--cameras must be 1..4096")
    if not 1 <= args.fps <= 60:
        raise ValueError("--fps must be 1..60")
    config = SimulatorConfig(
        password=password,
        password_file=password_file,
        host=args.host,
        port=args.port,
        cameras=args.cameras,
        fps=args.fps,
        token_ttl_s=args.token_ttl,
        vms_token_ttl_s=args.vms_token_ttl,
        recorder_ports=_recorder_ports(args.recorder_ports),
        page_size_limit=max(0, args.page_size_limit),
        minute_s=args.timeout_minute_seconds,
    )
    return config, generated


async def _serve(config: SimulatorConfig) -> None:
    server = SimulatorServer(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        info = await server.start()
        for rs in info["recording_servers"]:
            log.info("%s: ImageServer + RecorderCommandService on %s:%d", rs["name"], rs["host"], rs["port"])
        log.info(
            "management server (IDP, SOAP, REST) on %s; %d cameras at %d fps",
            info["management_url"],
            config.cameras,
            config.fps,
        )
        sys.stdout.write(READY_PREFIX + json.dumps(info) + "\n")
        sys.stdout.flush()
        waiter = asyncio.ensure_future(server.wait())
        stopper = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        failure = waiter.exception() if waiter in done else None
        if failure is not None:
            raise failure
        waiter.cancel()
    finally:
        log.info("shutting down")
        await server.stop()


def run_simulator(args: argparse.Namespace) -> int:
    """Run until SIGTERM/SIGINT; returns the exit code (0 after a clean shutdown, 2 on bad options)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("uvicorn").setLevel(logging.WARNING)
    try:
        config, generated = _config(args)
    except (OSError, ValueError) as exc:
        log.error("bad simulator options: %s", exc)
        return 2
    try:
        asyncio.run(_serve(config))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        log.error("simulator failed: %s", exc)
        return 1
    finally:
        if generated is not None:
            with contextlib.suppress(OSError):
                generated.unlink()
                generated.parent.rmdir()
    return 0

"""``main.py demo``: the newcomer's first run — simulator + operator application, logged in, wall filled.

Starts the XProtect simulator as a child process, logs in as ``admin`` with the simulator's password (kept in
memory, never logged or stored), shows every enabled camera on the wall (3x3 for 8 cameras) and runs. Without a
display (Linux with neither DISPLAY nor WAYLAND_DISPLAY) or with ``--offscreen`` it renders offscreen for
``--seconds`` (default 20), then writes ``wall.png`` and ``wall-maximised.png`` (QWidget.grab of the main
window) and a one-line summary to stdout and ``summary.txt``::

    demo tiles_live=L/T frames_shown=N dropped=D

The exit code is 0 only if every assigned tile went live.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

import keyring.backends.null

from .bootstrap import Runtime, WindowFactory
from .cli import run_logged
from .credentials import CredentialStore
from .settings import Settings
from .viewmodels import WallViewModel

log = logging.getLogger(__name__)

DEFAULT_OFFSCREEN_SECONDS = 20.0
DEMO_USER = "admin"


def has_display() -> bool:
    """False on Linux/BSD without DISPLAY or WAYLAND_DISPLAY, or when Qt is told to render offscreen."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    if sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def summary_line(wall: WallViewModel) -> tuple[str, bool]:
    """The demo's summary line and whether every assigned tile went live."""
    stats = [s for s in wall.stats() if s.camera_id is not None]
    live = sum(1 for s in stats if s.went_live)
    frames = sum(s.frames_painted for s in stats)
    dropped = sum(s.dropped for s in stats)
    return f"demo tiles_live={live}/{len(stats)} frames_shown={frames} dropped={dropped}", bool(stats) and live == len(
        stats
    )


async def _save(image, path: Path) -> None:
    """Save a QImage as PNG in a worker thread (QImage, unlike QPixmap, may be used off the GUI thread)."""
    ok = await asyncio.get_running_loop().run_in_executor(None, image.save, str(path), "PNG")
    if not ok:
        raise OSError(f"cannot write {path}")


def run_demo(args: argparse.Namespace, create_main_window: WindowFactory) -> int:
    """Run the demo described in the module docstring; returns the exit code (0: all tiles went live).

    ``create_main_window(app, vm)`` builds the main window (``app.cli`` passes the widget layer's factory).
    """
    offscreen = args.offscreen or not has_display()
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    seconds = args.seconds if args.seconds is not None else (DEFAULT_OFFSCREEN_SECONDS if offscreen else None)
    output: Path = args.output
    from simulator.launcher import SimulatorProcess

    sim = SimulatorProcess(cameras=args.cameras)
    print(f"demo: starting the XProtect simulator with {args.cameras} cameras…", file=sys.stderr)
    sim.start()
    try:
        return _run_with_simulator(sim, seconds, output, create_main_window)
    finally:
        sim.close()


def _run_with_simulator(sim, seconds: float | None, output: Path, create_main_window: WindowFactory) -> int:
    settings = Settings(None, environ={})  # the demo never reads or writes the operator's own settings
    credentials = CredentialStore(keyring.backends.null.Keyring())  # and never touches the keyring
    runtime = Runtime(settings, credentials, restore_wall=False)
    runtime.install_signal_handlers()
    window = create_main_window(runtime.app, runtime.vm)
    vm = runtime.vm

    async def main() -> int:
        closed = runtime.quit_requested
        window.sigCloseRequested.connect(closed.set)
        screen = window.screen()
        if screen is not None and has_display():
            window.setGeometry(screen.availableGeometry())
        window.show()
        if not await vm.login.login_async(sim.management_url, DEMO_USER, sim.password, None):
            print(f"demo: login to the simulator failed: {vm.login.last_error}", file=sys.stderr)
            return 1
        vm.show_cameras()  # every enabled camera in tree order; 3x3 for 8 cameras
        if seconds is None:
            await closed.wait()
            return 0
        try:
            await asyncio.wait_for(closed.wait(), timeout=seconds)
        except TimeoutError:
            pass
        line, all_live = summary_line(vm.wall)
        output.mkdir(parents=True, exist_ok=True)
        await _save(window.grab().toImage(), output / "wall.png")
        vm.wall.toggle_maximise(0)
        await asyncio.sleep(1.5)  # let the maximised tile get frames at its new size
        await _save(window.grab().toImage(), output / "wall-maximised.png")
        vm.wall.toggle_maximise(0)
        for s in vm.wall.stats():
            if s.camera_id is not None:
                log.info(
                    "tile %d camera %s: painted=%d dropped=%d live=%s",
                    s.index,
                    s.camera_id,
                    s.frames_painted,
                    s.dropped,
                    s.went_live,
                )
        (output / "summary.txt").write_text(line + "\n", encoding="utf-8")
        print(line, flush=True)
        return 0 if all_live else 1

    try:
        return run_logged(runtime, main())
    finally:
        window.close()
        window.deleteLater()

"""``main.py demo``: the newcomer's first run — simulator + operator application, logged in, wall filled.

Starts the XProtect simulator as a child process, logs in as ``admin`` with the simulator's password (kept in
memory, never logged or stored), shows every enabled camera on the wall (3x3 for 8 cameras) and runs. After the
login the application starts the bundled backend exactly as ``main.py gui`` does (same server and user, the
password through a private secret file), with its data in a temporary directory removed at the end, and
selects the first camera for the recording section. Without a display (Linux with neither DISPLAY nor
WAYLAND_DISPLAY) or with ``--offscreen`` it renders offscreen for ``--seconds`` (default 20), starts a manual
recording of the first camera once the backend is connected (so that the screenshots show the recording
section, the tree's badge and the tile's REC mark; it is stopped before the end), then writes ``wall.png`` and
``wall-maximised.png`` (QWidget.grab of the main window), opens the recordings of the first two wall cameras in
sync (timeline and player, played at 1x from inside the first camera's newest recorded sequence) for
``playback.png``, goes back to live, and writes a one-line summary to stdout and ``summary.txt``::

    demo tiles_live=L/T frames_shown=N dropped=D backend=ok|down playback_frames=P

``playback_frames``: recorded frames the players delivered during the playback step.

``backend=ok``: the backend answered its health check with every check passing and the events socket was
connected. The exit code is 0 only if every assigned tile went live and the backend is ok.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path

import keyring.backends.null

from .backend_link.options import BackendOptions
from .bootstrap import Runtime, WindowFactory
from .cli import apply_language_arguments, run_logged
from .credentials import CredentialStore
from .settings import Settings
from .viewmodels import WallViewModel

log = logging.getLogger(__name__)

DEFAULT_OFFSCREEN_SECONDS = 20.0
DEMO_USER = "admin"
BACKEND_GRACE_S = 30.0  # how much longer than --seconds the demo waits for a slow backend before its summary
DEMO_RECORDING_S = 300


def has_display() -> bool:
    """False on Linux/BSD without DISPLAY or WAYLAND_DISPLAY, or when Qt is told to render offscreen."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    if sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def summary_line(wall: WallViewModel, backend_ok: bool) -> tuple[str, bool]:
    """The demo's summary line and whether the demo succeeded (every assigned tile went live, backend ok)."""
    stats = [s for s in wall.stats() if s.camera_id is not None]
    live = sum(1 for s in stats if s.went_live)
    frames = sum(s.frames_painted for s in stats)
    dropped = sum(s.dropped for s in stats)
    line = (
        f"demo tiles_live={live}/{len(stats)} frames_shown={frames} dropped={dropped} "
        f"backend={'ok' if backend_ok else 'down'}"
    )
    return line, bool(stats) and live == len(stats) and backend_ok


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
        return _run_with_simulator(sim, seconds, output, create_main_window, args)
    finally:
        sim.close()


def _run_with_simulator(
    sim, seconds: float | None, output: Path, create_main_window: WindowFactory, args: argparse.Namespace
) -> int:
    with tempfile.TemporaryDirectory(prefix="demo-backend-") as backend_dir:
        return _run_demo_app(sim, seconds, output, create_main_window, Path(backend_dir), args)


async def _wait_for(predicate, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def _run_demo_app(
    sim, seconds: float | None, output: Path, create_main_window: WindowFactory, data: Path, args: argparse.Namespace
) -> int:
    settings = Settings(None, environ={})  # the demo never reads or writes the operator's own settings
    apply_language_arguments(args, settings)  # --language ar / --calendar hijri
    credentials = CredentialStore(keyring.backends.null.Keyring())  # and never touches the keyring
    # The same path as ``main.py gui``: the app starts the bundled backend after the XProtect login.
    backend = BackendOptions.bundled(data / "data", env={"BACKEND_LOG_LEVEL": "WARNING"})
    runtime = Runtime(settings, credentials, restore_wall=False, backend=backend)
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
        first = vm.wall.tiles[0].camera
        vm.recording.select_camera(first.id if first is not None else None)
        if seconds is None:
            await closed.wait()
            return 0
        recording = asyncio.ensure_future(_demo_recording(vm, first.id if first is not None else None))
        try:
            await asyncio.wait_for(closed.wait(), timeout=seconds)
        except TimeoutError:
            pass
        backend_ok = await _wait_for(lambda: vm.backend_status.ok, BACKEND_GRACE_S)
        if not backend_ok:
            print(f"demo: the backend is not ok: {vm.backend_status.text}", file=sys.stderr)
        await recording
        line, success = summary_line(vm.wall, backend_ok)
        output.mkdir(parents=True, exist_ok=True)
        await _save(window.grab().toImage(), output / "wall.png")
        vm.wall.toggle_maximise(0)
        await asyncio.sleep(1.5)  # let the maximised tile get frames at its new size
        await _save(window.grab().toImage(), output / "wall-maximised.png")
        vm.wall.toggle_maximise(0)
        playback_frames = await _demo_playback(vm, window, output / "playback.png")
        line += f" playback_frames={playback_frames}"
        if first is not None and vm.recording.is_recording(first.id):
            await vm.recording.stop_async(first.id)
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
        return 0 if success else 1

    try:
        return run_logged(runtime, main())
    finally:
        window.close()
        window.deleteLater()


async def _demo_recording(vm, camera_id: str | None) -> None:
    """Start a manual recording of ``camera_id`` once the backend can take it (for the screenshots)."""
    if camera_id is None or not await _wait_for(lambda: vm.recording.available, BACKEND_GRACE_S):
        return
    if not await vm.recording.start_async(camera_id, DEMO_RECORDING_S):
        log.warning("the demo recording did not start: %s", vm.recording.error_text)


async def _demo_playback(vm, window, path: Path) -> int:
    """Open the recordings of the first two wall cameras in sync, play 4 s at 1x from inside the first camera's
    newest recorded sequence (a minute before its end), save a screenshot to ``path`` and go back to live.
    Returns the number of recorded frames delivered meanwhile (0 when nothing could be played)."""
    camera_ids = [camera_id for camera_id in vm.wall.camera_ids if camera_id][:2]
    if not camera_ids or not vm.view_recordings(camera_ids):
        return 0
    playback = vm.playback
    lanes = playback.timeline.lanes
    if not await _wait_for(lambda: bool(lanes(camera_ids[0]) and lanes(camera_ids[0]).recorded), 20.0):
        log.warning("the demo found no recordings to play")
        playback.back_to_live()
        return 0
    newest = lanes(camera_ids[0]).recorded[-1]
    playback.seek(max(newest.start_us, newest.end_us - 60_000_000))
    painted = 0

    def count() -> None:
        nonlocal painted
        painted += 1

    for channel in playback.channels:
        channel.sigFrameReady.connect(count)
    playback.play(1.0)
    await asyncio.sleep(4.0)
    await _save(window.grab().toImage(), path)
    for channel in playback.channels:
        channel.sigFrameReady.disconnect(count)
    playback.back_to_live()
    return painted

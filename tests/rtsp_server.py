"""An RTSP camera for tests: GStreamer's RTSP server (Debian packages) serving live H.264 in a child process.

Two halves in one file:

- :class:`RtspCamera`, imported by tests (the project's virtualenv): starts this file as a script with Debian's
  ``/usr/bin/python3`` (which has ``python3-gi``), waits for its ``RTSP_READY {json}`` line, and offers
  ``start``/``stop``/``restart``/``close``; the URL is ``rtsp://127.0.0.1:<port>/cam``.
- ``main()``, run by that interpreter: a ``GstRtspServer`` with one shared media factory,
  ``videotestsrc is-live=true`` (moving ball) + ``timeoverlay`` -> ``x264enc`` (ultrafast, zerolatency, no
  B-frames, one IDR every ``--key-int`` frames) -> ``rtph264pay config-interval=-1`` (SPS/PPS in-band with
  every IDR, as most cameras send them). SIGTERM stops it.

Debian packages it needs (bookworm): gir1.2-gst-rtsp-server-1.0 (pulls libgstrtspserver-1.0-0),
gstreamer1.0-plugins-base (videotestsrc), gstreamer1.0-plugins-good (rtph264pay), gstreamer1.0-plugins-ugly
(x264enc), gstreamer1.0-x (timeoverlay: the pango plugin), python3-gi. :func:`unavailable_reason` says what is
missing so that tests can skip with a clear message instead of failing obscurely.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

READY_PREFIX = "RTSP_READY "
SYSTEM_PYTHON = "/usr/bin/python3"
MOUNT = "/cam"
_PROBE = (
    "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
    "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
    "missing = [e for e in ('videotestsrc', 'timeoverlay', 'x264enc', 'rtph264pay')"
    " if Gst.ElementFactory.find(e) is None];"
    "print(' '.join(missing))"
)


def unavailable_reason(python: str = SYSTEM_PYTHON) -> str | None:
    """None when the GStreamer RTSP server can run; otherwise why not (for ``pytest.skip``)."""
    if not Path(python).exists():
        return f"{python} not found (Debian's python3 with python3-gi runs the GStreamer RTSP server)"
    try:
        out = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run {python}: {exc}"
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        return f"GStreamer RTSP server bindings missing (gir1.2-gst-rtsp-server-1.0, python3-gi): {last}"
    if out.stdout.strip():
        return f"GStreamer elements missing: {out.stdout.strip()} (gstreamer1.0-plugins-base/-good/-ugly, -x)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RtspCamera:
    """A GStreamer RTSP server child process serving ``rtsp://127.0.0.1:<port>/cam``.

    ``width``/``height`` in pixels, ``fps`` frames per second, ``bitrate_kbps`` the x264 target (kbit/s),
    ``key_int`` frames between IDRs. ``start()`` blocks until the server listens (raises RuntimeError when
    it does not within ``timeout`` s); ``restart()`` reuses the port, like a camera rebooting.
    """

    def __init__(
        self,
        *,
        width: int = 640,
        height: int = 360,
        fps: int = 15,
        bitrate_kbps: int = 1000,
        key_int: int = 15,
        python: str = SYSTEM_PYTHON,
    ) -> None:
        self.width, self.height, self.fps = width, height, fps
        self.bitrate_kbps, self.key_int = bitrate_kbps, key_int
        self.python = python
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None
        self._log: list[str] = []

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}{MOUNT}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log(self) -> str:
        return "".join(self._log[-200:])

    def start(self, port: int = 0, timeout: float = 30.0) -> None:
        self.port = port or self.port or free_port()
        cmd = [
            self.python,
            str(Path(__file__).resolve()),
            f"--port={self.port}",
            f"--width={self.width}",
            f"--height={self.height}",
            f"--fps={self.fps}",
            f"--bitrate={self.bitrate_kbps}",
            f"--key-int={self.key_int}",
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        self._proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, env=env
        )
        assert self._proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._proc.stdout.readline()
            if not line:
                if self._proc.poll() is not None:
                    self._proc = None
                    raise RuntimeError("RTSP server exited before ready:\n" + self.log)
                continue
            self._log.append(line)
            if line.startswith(READY_PREFIX):
                threading.Thread(target=self._drain, args=(self._proc,), daemon=True).start()
                self._check_listening()
                return
        self.stop()
        raise RuntimeError("RTSP server not ready in time:\n" + self.log)

    def _check_listening(self) -> None:
        """The server said it is ready: make sure its port accepts connections (RuntimeError otherwise)."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        except OSError as exc:
            alive = self._proc is not None and self._proc.poll() is None
            self.stop()
            raise RuntimeError(f"RTSP server (alive={alive}) does not accept connections: {exc}\n{self.log}") from None

    @property
    def running(self) -> bool:
        """True while the server process runs."""
        return self._proc is not None and self._proc.poll() is None

    def _drain(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._log.append(line)
            if len(self._log) > 1000:
                del self._log[:500]

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
        self.stop()
        time.sleep(down_seconds)
        self.start(self.port)

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> RtspCamera:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------- server side


def _launch_line(args: argparse.Namespace) -> str:
    return (
        f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={args.width},height={args.height},"
        f'framerate={args.fps}/1 ! timeoverlay font-desc="Sans 24" ! videoconvert ! '
        f"x264enc tune=zerolatency speed-preset=ultrafast bframes=0 threads=1 bitrate={args.bitrate} "
        f"key-int-max={args.key_int} ! video/x-h264,profile=constrained-baseline ! "
        "rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="GStreamer RTSP test camera")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--bitrate", type=int, default=1000, help="kbit/s")
    parser.add_argument("--key-int", type=int, default=15, help="frames between IDRs")
    args = parser.parse_args(argv)

    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(_launch_line(args))
    factory.set_shared(True)
    server.get_mount_points().add_factory(MOUNT, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", flush=True)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    info = {"url": f"rtsp://127.0.0.1:{args.port}{MOUNT}", "port": args.port}
    print(READY_PREFIX + json.dumps(info), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Test media for the playback engine, generated at run time (never committed).

``write_recording`` renders the simulator's own frames (``simulator.scene.SceneRenderer``: every frame carries
its stamp), encodes them with ``media.encoder.H264Encoder`` and writes them with the recorder's real
``media.segment_writer.SegmentWriter`` into MPEG-TS segments, as the backend records them. ``SegmentHttpServer``
serves a directory over HTTP with a bearer token and byte ranges, like the backend's segment route.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from media.encoder import H264Encoder
from media.playback import PlaybackSource, Player, PlayerState, SegmentRef
from media.recorder_files import ClosedSegment
from media.recorder_packets import EncodedPacket
from media.segment_writer import SegmentWriter
from media.stamp import read_stamp
from simulator.scene import SceneRenderer
from simulator.timeline import FrameGrid

T0_MS = 1_790_000_000_000  # a whole second (UTC ms), so key frames fall on whole seconds as in the simulator


@dataclass(frozen=True)
class Recording:
    """What ``write_recording`` wrote: the segments, every frame time (ms UTC) and the recorded intervals."""

    segments: list[ClosedSegment]
    frames_ms: list[int]
    sequences_ms: list[tuple[int, int]]

    def refs(self, base_url: str | None = None, headers: dict[str, str] | None = None) -> list[SegmentRef]:
        """The segments as SegmentRefs: file paths, or ``base_url`` + the path relative to the spool."""
        out = []
        for seg in self.segments:
            url = str(seg.path) if base_url is None else f"{base_url}/{seg.path.parent.name}/{seg.path.name}"
            out.append(SegmentRef(url=url, start_us=seg.start_us, end_us=seg.end_us, headers=headers))
        return out


def write_recording(
    spool: Path,
    *,
    camera_index: int = 3,
    sequences_s: list[tuple[float, float]] | None = None,
    fps: int = 15,
    segment_seconds: float = 10.0,
    width: int = 640,
    height: int = 360,
) -> Recording:
    """Record ``camera_index`` over ``sequences_s`` (seconds after ``T0_MS``, half-open, separated by gaps
    longer than the writer's 2 s gap limit). Key frames on whole seconds and at each sequence's first frame."""
    grid = FrameGrid(fps)
    renderer = SceneRenderer(camera_index, "playback test", width, height)
    encoder = H264Encoder(width, height, fps)
    closed: list[ClosedSegment] = []
    writer = SegmentWriter(spool, f"cam{camera_index}", segment_seconds=segment_seconds, fsync=False)
    frames: list[int] = []
    sequences: list[tuple[int, int]] = []
    try:
        for begin_s, end_s in sequences_s or [(0.0, 30.0)]:
            begin, end = T0_MS + round(begin_s * 1000), T0_MS + round(end_s * 1000)
            first = grid.index_at_or_after(begin)
            n = first
            while grid.time_of(n) < end:
                t = grid.time_of(n)
                unit = encoder.encode(renderer.render(t), t, key_frame=n == first or grid.is_whole_second(n))
                closed += writer.write(EncodedPacket(unit.data, t * 1000, unit.key_frame))
                frames.append(t)
                n += 1
            sequences.append((grid.time_of(first), grid.time_of(n)))
        last = writer.close()
        if last is not None:
            closed.append(last)
    finally:
        encoder.close()
    return Recording(sorted(closed, key=lambda s: s.start_us), frames, sequences)


class SegmentHttpServer:
    """Serves ``root`` over HTTP on 127.0.0.1 (a thread): GET with ``Authorization: Bearer <token>``, Range;
    every answer waits ``delay_s`` first (a slow network or object store)."""

    def __init__(self, root: Path, token: str, delay_s: float = 0.0) -> None:
        self.root, self.token, self.delay_s = Path(root), token, delay_s
        self.requests: list[str] = []
        handler = self._handler()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="segment-http", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SegmentHttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                time.sleep(outer.delay_s)
                if self.headers.get("Authorization") != f"Bearer {outer.token}":
                    self.send_error(401)
                    return
                path = (outer.root / self.path.lstrip("/")).resolve()
                if outer.root.resolve() not in path.parents or not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                start, end = 0, len(data) - 1
                ranged = self.headers.get("Range", "")
                if ranged.startswith("bytes="):
                    first, _, last = ranged[6:].partition("-")
                    start = int(first or 0)
                    end = min(end, int(last)) if last else end
                self.send_response(206 if ranged else 200)
                self.send_header("Content-Type", "video/mp2t")
                self.send_header("Accept-Ranges", "bytes")
                if ranged:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                self.send_header("Content-Length", str(end - start + 1))
                self.end_headers()
                self.wfile.write(data[start : end + 1])

        return Handler


@dataclass(frozen=True)
class Shown:
    """One frame a player presented: its media time (ms UTC), its stamp (None if unreadable), when (perf s)."""

    picture_ms: int
    stamp_ms: int | None
    camera: int | None
    at: float
    mono: float = 0.0  # time.monotonic() when shown (the SystemClock the player runs on)


class FrameLog:
    """Takes every frame a player presents (from its ``on_frame`` callback) and reads the stamp in it."""

    def __init__(self) -> None:
        self.player: Player | None = None
        self.frames: list[Shown] = []
        self.states: list[PlayerState] = []
        self._cond = threading.Condition()

    def on_frame(self) -> None:
        frame = self.player.take_frame() if self.player is not None else None
        if frame is None:
            return
        stamp = read_stamp(frame.data)
        shown = Shown(
            frame.picture_ms,
            stamp.timestamp_ms if stamp else None,
            stamp.camera_index if stamp else None,
            time.perf_counter(),
            time.monotonic(),
        )
        with self._cond:
            self.frames.append(shown)
            self._cond.notify_all()

    def on_state(self, state: PlayerState) -> None:
        with self._cond:
            self.states.append(state)
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self.frames.clear()

    def stamps(self) -> list[int | None]:
        with self._cond:
            return [f.stamp_ms for f in self.frames]

    def wait_frame(self, stamp_ms: int | None = None, timeout: float = 5.0) -> Shown:
        """The first frame logged (since ``clear``) whose stamp is ``stamp_ms`` (any when None)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for shown in self.frames:
                    if stamp_ms is None or shown.stamp_ms == stamp_ms:
                        return shown
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [f.stamp_ms for f in self.frames[-5:]]
                    raise AssertionError(f"no frame with stamp {stamp_ms} within {timeout} s (last: {got})")
                self._cond.wait(left)

    def wait_state(self, predicate: Callable[[PlayerState], bool], timeout: float = 5.0) -> PlayerState:
        """Wait until the player's current state satisfies ``predicate`` (on_state reports changes other than
        the position only, so the state itself is polled too)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                state = self.player.state if self.player is not None else None
                if state is not None and predicate(state):
                    return state
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"state not reached within {timeout} s (last: {state})")
                self._cond.wait(min(left, 0.02))


def make_player(source: PlaybackSource, log: FrameLog, *, size: tuple[int, int] = (320, 180), **kwargs) -> Player:
    """A started Player whose frames and states go to ``log``."""
    player = Player(source, on_frame=log.on_frame, on_state=log.on_state, **kwargs)
    log.player = player
    player.set_output_size(*size)
    player.start()
    return player

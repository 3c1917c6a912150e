"""Playback engine benchmark: seek latency (request to first frame shown) and reverse play rate.

    python bench/playback_media.py [--seeks 100] [--reverse-seconds 5]

1. **Local**: a recording of 640x360 15 fps H.264 (the simulator's stamped frames) written by the recorder's
   ``SegmentWriter`` into 10 s MPEG-TS segments on disk; ``--seeks`` random paused seeks with
   ``media.playback.Player`` over ``LocalSegmentsSource``, each timed from ``seek()`` to the moment the frame
   with the expected stamp is handed out (``on_frame``; the stamp is read from the pixels).
2. **Milestone**: the same against the XProtect simulator's ImageServer (its own process, started here unless
   ``measure_media`` gets one): random seeks inside recorded sequences of the last hours.
3. **Reverse**: -1x for ``--reverse-seconds`` on both sources at 640x360: frames shown per second (after
   the first 0.5 s); every frame must carry a strictly decreasing stamp.

Prints as its last line::

    playback_media seek_local_p95_ms=A seek_milestone_p95_ms=B reverse_fps=R

where R is the lower of the two reverse rates (both are on stderr with the p50s). Goals: A < 300, B < 500,
R = the source frame rate (15).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FPS = 15


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeks", type=int, default=100, help="random seeks per source")
    parser.add_argument("--reverse-seconds", type=float, default=5.0)
    parser.add_argument("--recording-seconds", type=float, default=300.0, help="length of the local recording")
    return parser.parse_args(argv)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def _grid_frame(t_ms: int) -> int:
    from simulator.timeline import FrameGrid

    grid = FrameGrid(FPS)
    return grid.time_of(grid.index_at_or_before(t_ms))


def _seeks(player: Any, log: Any, targets_ms: list[int]) -> list[float]:
    """Latency (ms) of each paused seek: ``seek()`` until the frame with the expected stamp is handed out."""
    out = []
    for target in targets_ms:
        log.clear()
        expected = _grid_frame(target)
        started = time.perf_counter()
        player.seek(target * 1000)
        shown = log.wait_frame(expected, timeout=10.0)
        out.append((shown.at - started) * 1000)
    return out


def _reverse_fps(player: Any, log: Any, start_ms: int, seconds: float) -> float:
    player.seek(start_ms * 1000)
    log.wait_frame(_grid_frame(start_ms), timeout=10.0)
    log.clear()
    player.play(-1.0)
    time.sleep(seconds)
    player.pause()
    frames = [f for f in log.frames if f.stamp_ms is not None]
    stamps = [f.stamp_ms for f in frames]
    if any(a <= b for a, b in itertools.pairwise(stamps)):
        raise AssertionError("reverse play showed a frame out of order")
    steady = [f for f in frames if f.at - frames[0].at >= 0.5]
    if len(steady) < 2:
        return 0.0
    return (len(steady) - 1) / (steady[-1].at - steady[0].at)


def measure_local(workdir: Path, seeks: int, reverse_seconds: float, recording_s: float, rng: random.Random) -> dict:
    from media.playback import LocalSegmentsSource
    from tests.playback_support import T0_MS, FrameLog, make_player, write_recording

    recording = write_recording(workdir / "spool", camera_index=3, sequences_s=[(0.0, recording_s)])
    log = FrameLog()
    player = make_player(LocalSegmentsSource(recording.refs()), log, size=(640, 360))
    try:
        targets = [T0_MS + rng.randrange(0, int(recording_s * 1000)) for _ in range(seeks)]
        latencies = _seeks(player, log, targets)
        fps = _reverse_fps(player, log, T0_MS + int(recording_s * 1000) // 2, reverse_seconds)
    finally:
        player.close()
    return {
        "seek_local_p50_ms": round(statistics.median(latencies), 1),
        "seek_local_p95_ms": round(p95(latencies), 1),
        "reverse_fps_local": round(fps, 2),
        "local_segments": len(recording.segments),
    }


def measure_milestone(sim: Any, seeks: int, reverse_seconds: float, rng: random.Random) -> dict:
    from media.playback import ImageServerPlaybackSource
    from milestone.session import MilestoneSession
    from simulator import history
    from simulator.inventory import camera_id
    from simulator.probe import vms_token
    from tests.playback_support import FrameLog, make_player

    class Tokens:  # one vms_token from a real SOAP Login; the bench is shorter than its lifetime
        def __init__(self, token: str) -> None:
            self.token = token

        def current_vms_token(self) -> str:
            return self.token

        def subscribe_vms_token(self, callback: Any) -> Any:
            return lambda: None

    async def inventory() -> Any:
        session = MilestoneSession(sim.management_url, "admin", sim.password)
        await session.login()
        try:
            return await session.inventory()
        finally:
            await session.aclose()

    index = 1
    camera = asyncio.run(inventory()).camera(camera_id(index))
    now = int(time.time() * 1000)
    sequences = [
        (b, e)
        for b, e in history.recording_sequences(index, now - 6 * 3_600_000, now - 600_000)
        if e - b > 60_000 and e < now - 600_000
    ]
    log = FrameLog()
    player = make_player(ImageServerPlaybackSource(camera, Tokens(vms_token(sim.management_url, sim.password))), log)
    player.set_output_size(640, 360)
    try:
        targets = []
        for _ in range(seeks):
            b, e = rng.choice(sequences)
            targets.append(rng.randrange(b + 1_000, e - 1_000))
        latencies = _seeks(player, log, targets)
        b, e = max(sequences, key=lambda s: s[1] - s[0])
        fps = _reverse_fps(player, log, (b + e) // 2, reverse_seconds)
    finally:
        player.close()
    return {
        "seek_milestone_p50_ms": round(statistics.median(latencies), 1),
        "seek_milestone_p95_ms": round(p95(latencies), 1),
        "reverse_fps_milestone": round(fps, 2),
    }


def measure_media(
    *, seeks: int = 100, reverse_seconds: float = 5.0, recording_s: float = 300.0, sim: Any = None, seed: int = 1
) -> dict:
    """Run the three measurements; ``sim`` is a running ``simulator.launcher.SimulatorProcess`` (one is
    started and stopped here when None). Returns seek p50/p95 (ms) per source, reverse fps per source and
    ``reverse_fps`` (the lower one)."""
    from simulator.launcher import SimulatorProcess

    rng = random.Random(seed)
    own = sim is None
    if own:
        sim = SimulatorProcess(cameras=4, fps=FPS)
        sim.start()
    try:
        with tempfile.TemporaryDirectory(prefix="playback-bench-") as tmp:
            result = measure_local(Path(tmp), seeks, reverse_seconds, recording_s, rng)
        result |= measure_milestone(sim, seeks, reverse_seconds, rng)
    finally:
        if own:
            sim.close()
    result["reverse_fps"] = min(result["reverse_fps_local"], result["reverse_fps_milestone"])
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result = measure_media(seeks=args.seeks, reverse_seconds=args.reverse_seconds, recording_s=args.recording_seconds)
    for key, value in result.items():
        print(f"{key}={value}", file=sys.stderr)
    print(
        f"playback_media seek_local_p95_ms={result['seek_local_p95_ms']} "
        f"seek_milestone_p95_ms={result['seek_milestone_p95_ms']} reverse_fps={result['reverse_fps']}"
    )


if __name__ == "__main__":
    main()

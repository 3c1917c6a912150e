"""Live wall benchmark: N tiles of live H.264 from the simulator, rendered by the real operator GUI.

    python bench/live_wall.py --tiles 16 --seconds 30

Starts the XProtect simulator in its own process (N cameras), then the operator application in this process
(offscreen unless --display), logs in, fills an NxN wall in a 1920x1080 window, waits until every tile is
live, lets it warm up, and measures for --seconds. Prints a per-tile table and, as its last line::

    live_wall tiles=N fps_per_tile=F gui_cpu_pct=C latency_p95_ms=L dropped_pct=D rss_mb=M

- fps_per_tile: distinct frames painted per tile per second (mean over tiles);
- gui_cpu_pct: CPU time of this process (GUI thread, video I/O thread, decode threads) over wall time, in
  percent of one core (100 = one full core); the simulator's own CPU is reported separately on stderr;
- latency_p95_ms: 95th percentile of (paint wall time - the frame's stamped time), in ms, over every painted
  frame of every tile; the frame's time is the simulator's capture time, carried in the GenericByteData header;
- dropped_pct: frames dropped anywhere on the client (before decode, decoded but unshown, taken but not
  painted) as a share of frames painted + dropped;
- rss_mb: resident memory of this process at the end, MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiles", type=int, default=16, help="tiles on the wall (one camera each)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measurement window, s")
    parser.add_argument("--warmup", type=float, default=5.0, help="time after all tiles are live, before measuring")
    parser.add_argument("--fps", type=int, default=15, help="the simulator's frame rate")
    parser.add_argument("--display", action="store_true", help="use the real display instead of offscreen")
    return parser.parse_args(argv)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    import keyring.backends.null
    import psutil

    from app.bootstrap import Runtime
    from app.credentials import CredentialStore
    from app.settings import Settings
    from app.viewmodels import Layout
    from simulator.launcher import SimulatorProcess
    from widgets.shell import create_main_window

    sim = SimulatorProcess(cameras=args.tiles, fps=args.fps)
    sim.start()
    sim_proc = psutil.Process(sim.pid)
    me = psutil.Process()
    runtime = Runtime(Settings(None, environ={}), CredentialStore(keyring.backends.null.Keyring()), restore_wall=False)
    window = create_main_window(runtime.app, runtime.vm)
    vm = runtime.vm
    result: dict[str, float] = {}

    async def measure() -> int:
        window.resize(1920, 1080)
        window.show()
        if not await vm.login.login_async(sim.management_url, "admin", sim.password, None):
            print(f"login failed: {vm.login.last_error}", file=sys.stderr)
            return 1
        vm.show_cameras(layout=Layout.for_camera_count(args.tiles))
        deadline = time.monotonic() + 60
        while vm.wall.live_count < args.tiles and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        if vm.wall.live_count < args.tiles:
            print(f"only {vm.wall.live_count} of {args.tiles} tiles went live", file=sys.stderr)
            return 1
        await asyncio.sleep(args.warmup)
        vm.wall.reset_stats()
        cpu0, sim_cpu0, t0 = me.cpu_times(), sim_proc.cpu_times(), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu1, sim_cpu1, t1 = me.cpu_times(), sim_proc.cpu_times(), time.monotonic()
        elapsed = t1 - t0
        stats = [s for s in vm.wall.stats() if s.camera_id is not None]
        latencies = [x for s in stats for x in s.latency_ms]
        painted = sum(s.frames_painted for s in stats)
        dropped = sum(s.dropped for s in stats)
        tile_size = window.wall.tiles[0].size() if window.wall.tiles else None
        for s in stats:
            print(
                f"tile {s.index:2d} fps={s.frames_painted / elapsed:5.1f} "
                f"p95={percentile(list(s.latency_ms), 95):6.1f} ms dropped={s.dropped}",
                file=sys.stderr,
            )
        sim_pct = 100 * ((sim_cpu1.user + sim_cpu1.system) - (sim_cpu0.user + sim_cpu0.system)) / elapsed
        size = f"{tile_size.width()}x{tile_size.height()}" if tile_size else "?"
        print(
            f"simulator_cpu_pct={sim_pct:.0f} tile_size={size} latency_p50_ms={percentile(latencies, 50):.0f}",
            file=sys.stderr,
        )
        result.update(
            fps=painted / len(stats) / elapsed,
            cpu=100 * ((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)) / elapsed,
            p95=percentile(latencies, 95),
            dropped=100 * dropped / max(1, painted + dropped),
            rss=me.memory_info().rss / 2**20,
        )
        return 0

    try:
        code = int(runtime.run(measure()))
    finally:
        window.close()
        sim.close()
    if code == 0:
        print(
            f"live_wall tiles={args.tiles} fps_per_tile={result['fps']:.1f} gui_cpu_pct={result['cpu']:.0f} "
            f"latency_p95_ms={result['p95']:.0f} dropped_pct={result['dropped']:.1f} rss_mb={result['rss']:.0f}"
        )
    return code


if __name__ == "__main__":
    sys.exit(main())

"""Local recording benchmark: our recorder against one ``ffmpeg -c copy -f segment`` process per camera.

    python bench/recording.py --cameras 16 --seconds 60

Starts the XProtect simulator (N cameras, its own process), then, one after the other on the same streams:

1. **ours**: in this process, one ``media.recorder.LocalRecorder`` per camera (ImageServer live H.264 ->
   stream copy into MPEG-TS segments in a spool) with the backend's segment index and uploader moving closed
   segments to a filesystem object store, exactly as the backend does. CPU = this process's CPU time.
2. **ffmpeg**: the seeds' recorder: one ``ffmpeg -f h264 -i pipe: -c copy -f segment`` per camera, fed the same
   Annex-B H.264 read from ImageServer by this process. CPU = the ffmpeg processes' CPU time only (their input
   is a pipe, cheaper than ffmpeg's own RTSP input, so the comparison favours ffmpeg). The feeder's own CPU
   (reading ImageServer, which ffmpeg cannot) is reported on stderr as ``ffmpeg_plus_imageserver_feeder``.

Then every uploaded segment is read back from the object store and decoded; ``lost_frames`` counts frame
stamps missing between consecutive frames of a camera (the simulator stamps every frame). Prints as its last
line::

    recording cameras=N cpu_pct_per_camera=A ffmpeg_cpu_pct_per_camera=B ratio=A/B upload_lag_p95_s=U lost_frames=L

(percent of one core per camera; also ``mbit_per_camera`` and ``cpu_pct_per_mbit`` on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0, help="measurement window of each phase, s")
    parser.add_argument("--segment-seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--warmup", type=float, default=3.0)
    return parser.parse_args(argv)


def cpu_seconds(proc) -> float:
    times = proc.cpu_times()
    return times.user + times.system


async def run_ours(args, sim, work: Path) -> dict:
    import psutil
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from backend.db.models import Base, Camera
    from backend.storage.filesystem import FilesystemStore
    from backend.storage.segment_index import SegmentIndex
    from backend.storage.spool import Spool
    from backend.storage.uploader import Uploader, UploadPolicy
    from media.recorder import LocalRecorder
    from media.recorder_imageserver import ImageServerSource
    from media.segment_writer import SegmentWriter
    from milestone.clock import SystemClock
    from milestone.session import MilestoneSession

    clock = SystemClock()
    engine = create_engine(f"sqlite:///{work / 'bench.db'}")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    session = MilestoneSession(sim.management_url, "admin", sim.password)
    await session.login()
    inventory = await session.inventory()
    cameras = [c for c in inventory.cameras if c.enabled][: args.cameras]
    now_us = int(time.time() * 1e6)
    with sessions.begin() as db:
        for cam in cameras:
            db.add(
                Camera(
                    id=cam.id,
                    milestone_device_id=cam.id,
                    name=cam.name,
                    storage_mode="LOCAL",
                    created_us=now_us,
                    updated_us=now_us,
                )
            )
    store = FilesystemStore(work / "objects", clock=clock)
    store.ensure_buckets()
    spool = Spool(work / "spool", min_free_bytes=0, min_free_ratio=0.0)
    index = SegmentIndex(sessions, spool, clock)
    uploader = Uploader(index, store, clock=clock, policy=UploadPolicy(concurrency=2))
    await uploader.start()
    recorders, tasks, pending = [], [], set()
    for cam in cameras:
        writer = SegmentWriter(spool.root, cam.id, segment_seconds=args.segment_seconds)

        def on_segment(closed, cam_id=cam.id):
            task = asyncio.ensure_future(uploader.add_closed_segment(closed, cam_id))
            pending.add(task)
            task.add_done_callback(pending.discard)

        recorder = LocalRecorder(ImageServerSource(cam, session, clock=clock), writer, on_segment=on_segment)
        recorders.append(recorder)
        tasks.append(asyncio.create_task(recorder.run()))
    me = psutil.Process()
    await asyncio.sleep(args.warmup)
    cpu0, t0 = cpu_seconds(me), time.monotonic()
    await asyncio.sleep(args.seconds)
    cpu1, t1 = cpu_seconds(me), time.monotonic()
    for recorder in recorders:
        await recorder.stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*pending, return_exceptions=True)
    deadline = time.monotonic() + 60
    while (await uploader.gauges()).queue_length and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    gauges = await uploader.gauges()
    await uploader.stop()
    await session.aclose()
    written = sum(r.stats.writer.bytes_closed for r in recorders)
    dropped = sum(r.stats.packets_dropped for r in recorders)
    lost = count_lost_frames(sessions, store) + dropped
    engine.dispose()
    return {
        "cpu_pct": 100 * (cpu1 - cpu0) / (t1 - t0),
        "lag_p95": gauges.upload_lag_p95_s,
        "lost": lost,
        "not_uploaded": gauges.queue_length,
        "mbit": written * 8 / 1e6 / (args.warmup + args.seconds) / max(1, len(cameras)),
        "cameras": [c.id for c in cameras],
    }


def count_lost_frames(sessions, store) -> int:
    """Frames missing between consecutive stamps of each camera, over every uploaded segment."""
    import av
    from sqlalchemy import select

    from backend.db.models import Segment
    from media.stamp import read_stamp

    lost = 0
    with sessions() as db:
        rows = db.scalars(select(Segment).order_by(Segment.camera_id, Segment.start_us)).all()
    for _camera, segs in itertools.groupby(rows, key=lambda s: s.camera_id):
        stamps: list[int] = []
        for seg in segs:
            if seg.object_key is None:
                continue
            data = store.open_range("recordings", seg.object_key, 0, seg.size_bytes)
            with av.open(io.BytesIO(data)) as container:
                for frame in container.decode(video=0):
                    stamp = read_stamp(frame.reformat(160, 90, "gray").to_ndarray())
                    if stamp is not None:
                        stamps.append(stamp.timestamp_ms)
        intervals = [b - a for a, b in itertools.pairwise(stamps)]
        if intervals:
            step = sorted(intervals)[len(intervals) // 2]
            lost += sum(max(0, round(i / step) - 1) for i in intervals)
    return lost


async def run_ffmpeg(args, sim, camera_ids: list[str], work: Path) -> tuple[float, float]:
    """(CPU % of the ffmpeg processes, CPU % of this process feeding them from ImageServer)."""
    import psutil

    from milestone.imageserver import ImageServerConnection
    from milestone.session import MilestoneSession

    session = MilestoneSession(sim.management_url, "admin", sim.password)
    await session.login()
    inventory = await session.inventory()
    procs, feeders = [], []
    for index, cam_id in enumerate(camera_ids):
        out = work / f"ffmpeg-{index}"
        out.mkdir()
        proc = await asyncio.create_subprocess_exec(
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "h264",
            "-framerate",
            str(args.fps),
            "-i",
            "pipe:0",
            "-c",
            "copy",
            "-f",
            "segment",
            "-segment_time",
            str(args.segment_seconds),
            "-reset_timestamps",
            "1",
            str(out / "%05d.ts"),
            stdin=asyncio.subprocess.PIPE,
        )
        procs.append(proc)
        conn = await ImageServerConnection.open_camera(inventory.camera(cam_id), session.current_vms_token())

        async def feed(conn=conn, proc=proc):
            await conn.start_live()
            async for frame in conn.live_frames():
                proc.stdin.write(frame.payload)
                await proc.stdin.drain()

        feeders.append((conn, asyncio.create_task(feed())))
    handles = [psutil.Process(p.pid) for p in procs]
    me = psutil.Process()
    await asyncio.sleep(args.warmup)
    cpu0, feed0, t0 = sum(cpu_seconds(h) for h in handles), cpu_seconds(me), time.monotonic()
    await asyncio.sleep(args.seconds)
    cpu1, feed1, t1 = sum(cpu_seconds(h) for h in handles), cpu_seconds(me), time.monotonic()
    for conn, task in feeders:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await conn.aclose()
    for proc in procs:
        proc.stdin.close()
        await proc.wait()
    await session.aclose()
    return 100 * (cpu1 - cpu0) / (t1 - t0), 100 * (feed1 - feed0) / (t1 - t0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("ffmpeg") is None:
        print("ffmpeg is not installed (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    from simulator.launcher import SimulatorProcess

    sim = SimulatorProcess(cameras=args.cameras, fps=args.fps)
    sim.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-recording-") as tmp:
            work = Path(tmp)
            ours = asyncio.run(run_ours(args, sim, work))
            ffmpeg_pct, feeder_pct = asyncio.run(run_ffmpeg(args, sim, ours["cameras"], work))
    finally:
        sim.close()
    n = len(ours["cameras"])
    a, b = ours["cpu_pct"] / n, ffmpeg_pct / n
    print(
        f"mbit_per_camera={ours['mbit']:.2f} cpu_pct_per_mbit={a / max(ours['mbit'], 1e-9):.2f} "
        f"segments_not_uploaded={ours['not_uploaded']} "
        f"ffmpeg_plus_imageserver_feeder_pct_per_camera={(ffmpeg_pct + feeder_pct) / n:.2f}",
        file=sys.stderr,
    )
    print(
        f"recording cameras={n} cpu_pct_per_camera={a:.2f} ffmpeg_cpu_pct_per_camera={b:.2f} "
        f"ratio={a / b if b else float('inf'):.2f} upload_lag_p95_s={ours['lag_p95']:.2f} lost_frames={ours['lost']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

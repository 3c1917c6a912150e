"""Timeline query benchmark: ``GET /api/v1/cameras/{id}/recordings/timeline`` over one million segments.

    python bench/playback_timeline.py [--segments 1000000] [--cameras 50] [--queries 3000] [--work DIR]

1. Fills a SQLite database with ``--segments`` rows over ``--cameras`` cameras: the schema comes from the real
   Alembic migrations, the rows are bulk-inserted (one transaction, ``executemany``). Each camera gets
   back-to-back one-minute segments (the recorder's default length, a few ms of jitter at each boundary)
   with a gap of 2 to 60 minutes about every 100 segments, all ``uploaded``: about two weeks per camera,
   ending now. These are synthetic index rows for a query benchmark (there are no media files behind them).
   The cameras are RTSP-only (no XProtect), so the route measures the backend's own work.
2. Starts the real backend (``python main.py backend`` as a child process, its data directory holding that
   database) with the playback cache disabled (``PLAYBACK_CACHE_ENABLED=false``), and every query asks a
   different range anyway, so nothing is served from a cache.
3. Sends ``--queries`` timeline requests one after the other over one keep-alive HTTP connection: a random
   camera, a random one-day range inside the recorded span (starting at a random minute) and a random
   resolution (minute: 1440 buckets, hour: 24, day: 1-2). Latency = request sent to last body byte, in the
   client. Warm-up requests are not counted.

Prints per-resolution figures on stderr and as its last line::

    playback_timeline segments=1000000 timeline_p99_ms=T

``measure_timeline(...)`` returns the same figures as a dict (for ``bench/playback.py``).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

US = 1_000_000
SEGMENT_US = 60 * US
RESOLUTIONS = ("minute", "hour", "day")
SEGMENT_COLUMNS = (
    "camera_id, start_us, end_us, media_duration_us, frames, key_frames, size_bytes, sha256, container, codec, "
    "width, height, storage_state, local_path, object_key, etag, thumbnail_key, upload_attempts, last_upload_error, "
    "created_us, uploaded_us"
)


def bench_camera_id(index: int) -> str:
    return f"00000000-0000-4000-8000-{index:012d}"


def fill_database(path: Path, *, segments: int = 1_000_000, cameras: int = 50, seed: int = 1) -> dict[str, Any]:
    """Create ``path`` (SQLite) through the migrations and insert the cameras and ``segments`` rows.

    Returns ``{"segments", "cameras": [ids], "start_us", "end_us", "fill_s"}``.
    """
    from sqlalchemy import insert

    from backend.db.engine import create_db_engine
    from backend.db.migrate import upgrade_to_head
    from backend.db.models import Camera

    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    rng = random.Random(seed)
    now_us = int(time.time()) * US
    ids = [bench_camera_id(i) for i in range(cameras)]
    per_camera = [segments // cameras + (1 if i < segments % cameras else 0) for i in range(cameras)]
    first_us = now_us
    placeholders = ", ".join("?" * len(SEGMENT_COLUMNS.split(",")))
    sql = f"INSERT INTO segments ({SEGMENT_COLUMNS}) VALUES ({placeholders})"
    with engine.begin() as conn:
        conn.execute(
            insert(Camera),
            [
                {
                    "id": cam,
                    "name": f"Bench camera {i + 1}",
                    "agency": "OTHER",
                    "storage_mode": "LOCAL",
                    "enabled": True,
                    "ptz_enabled": False,
                    "removed_from_milestone": False,
                    "rtsp_url": f"rtsp://192.0.2.{i % 250 + 1}/stream1",
                    "created_us": now_us,
                    "updated_us": now_us,
                }
                for i, cam in enumerate(ids)
            ],
        )
        for cam, count in zip(ids, per_camera, strict=True):
            # Walk backwards from now so that every camera's recordings end now.
            spans = []
            t = now_us
            for _ in range(count):
                if rng.random() < 0.01:
                    t -= rng.randrange(120, 3600) * US
                end = t - rng.randrange(0, 2000)
                start = end - SEGMENT_US + rng.randrange(0, 40_000)
                spans.append((start, end))
                t = start
            first_us = min(first_us, t)
            rows = [
                (cam, s, e, e - s, 900, 60, 7_500_000, "0" * 64, "mpegts", "h264", 640, 360, "uploaded", None,
                 f"{cam}/{s}.ts", "etag", None, 1, None, e, e + 2 * US)
                for s, e in reversed(spans)
            ]  # fmt: skip
            conn.exec_driver_sql(sql, rows)
    engine.dispose()
    return {
        "segments": segments,
        "cameras": ids,
        "start_us": first_us,
        "end_us": now_us,
        "fill_s": time.perf_counter() - started,
    }


def _iso(us: int) -> str:
    from backend.playback.ranges import iso_z

    return iso_z(us)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure_timeline(
    *,
    segments: int = 1_000_000,
    cameras: int = 50,
    queries: int = 3000,
    warmup: int = 100,
    work_dir: Path | None = None,
    reuse: bool = False,
    seed: int = 2,
) -> dict[str, Any]:
    """Fill (or, with ``reuse``, keep an existing) database in ``work_dir``, start the backend on it and time
    ``queries`` timeline requests. Returns ``{"segments", "queries", "timeline_p50_ms", "timeline_p99_ms",
    "timeline_max_ms", "by_resolution": {res: {"p50_ms", "p99_ms", "buckets"}}, "fill_s"}``."""
    import httpx

    from backend.launcher import BackendProcess

    tmp = None
    if work_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-playback-")
        work_dir = Path(tmp.name)
    data_dir = work_dir / "data"
    db_path = data_dir / "backend.sqlite3"
    if reuse and db_path.exists():
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{db_path}")
        with engine.connect() as conn:
            count, lo, hi = conn.execute(text("SELECT COUNT(*), MIN(start_us), MAX(end_us) FROM segments")).one()
            ids = [row[0] for row in conn.execute(text("SELECT id FROM cameras ORDER BY id"))]
        engine.dispose()
        filled: dict[str, Any] = {
            "segments": int(count),
            "cameras": ids,
            "start_us": int(lo),
            "end_us": int(hi),
            "fill_s": 0.0,
        }
    else:
        filled = fill_database(db_path, segments=segments, cameras=cameras)
    print(f"database: {filled['segments']} segments, {len(filled['cameras'])} cameras, "
          f"filled in {filled['fill_s']:.1f} s", file=sys.stderr)  # fmt: skip
    proc = BackendProcess(
        settings={"milestone": {"base_url": ""}, "storage": {"spool_min_free_mb": 0}, "log_level": "WARNING"},
        env={"PLAYBACK_CACHE_ENABLED": "false"},
        data_dir=data_dir,
    )
    rng = random.Random(seed)
    latencies: dict[str, list[float]] = {r: [] for r in RESOLUTIONS}
    buckets: dict[str, int] = dict.fromkeys(RESOLUTIONS, 0)
    day = 86_400 * US
    span_minutes = (filled["end_us"] - filled["start_us"] - day) // (60 * US)
    try:
        proc.start(timeout=120)
        with httpx.Client(base_url=proc.url, headers=proc.headers, timeout=30) as client:
            for n in range(warmup + queries):
                cam = rng.choice(filled["cameras"])
                start = filled["start_us"] + rng.randrange(span_minutes) * 60 * US + rng.randrange(60) * US
                resolution = rng.choice(RESOLUTIONS)
                params = {"startTime": _iso(start), "endTime": _iso(start + day), "resolution": resolution}
                t0 = time.perf_counter()
                response = client.get(f"/api/v1/cameras/{cam}/recordings/timeline", params=params)
                elapsed = time.perf_counter() - t0
                if response.status_code != 200:
                    raise RuntimeError(f"timeline answered {response.status_code}: {response.text[:300]}")
                if n >= warmup:
                    latencies[resolution].append(elapsed * 1000)
                    buckets[resolution] = len(response.json()["timeline"])
            hits = [line for line in client.get("/metrics").text.splitlines() if "playback_cache_hits_total{" in line]
    finally:
        proc.close()
        if tmp is not None:
            tmp.cleanup()
    every = [ms for values in latencies.values() for ms in values]
    return {
        "segments": filled["segments"],
        "queries": len(every),
        "timeline_p50_ms": _percentile(every, 50),
        "timeline_p99_ms": _percentile(every, 99),
        "timeline_max_ms": max(every),
        "by_resolution": {
            r: {"p50_ms": _percentile(v, 50), "p99_ms": _percentile(v, 99), "buckets": buckets[r]}
            for r, v in latencies.items()
            if v
        },
        "cache_hits": sum(float(line.rsplit(" ", 1)[1]) for line in hits),
        "fill_s": filled["fill_s"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--cameras", type=int, default=50)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--work", type=Path, default=None, help="keep the database here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse the database already in --work")
    args = parser.parse_args(argv)
    result = measure_timeline(
        segments=args.segments, cameras=args.cameras, queries=args.queries, work_dir=args.work, reuse=args.reuse
    )
    for resolution, figures in result["by_resolution"].items():
        print(
            f"  {resolution:6s} buckets={figures['buckets']:5d} p50={figures['p50_ms']:.2f} ms "
            f"p99={figures['p99_ms']:.2f} ms",
            file=sys.stderr,
        )
    print(
        f"  all: queries={result['queries']} p50={result['timeline_p50_ms']:.2f} ms "
        f"max={result['timeline_max_ms']:.2f} ms cache_hits={result['cache_hits']:.0f}",
        file=sys.stderr,
    )
    print(f"playback_timeline segments={result['segments']} timeline_p99_ms={result['timeline_p99_ms']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

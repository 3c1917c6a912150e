"""Evidence export benchmark: one hour of one 1280x720 camera (15 fps, 1 s GOP) exported by stream copy.

    python bench/exports.py [--minutes 60] [--keep DIR]

Media is made at run time: 60 s of the simulator's camera 3 scene (stamped frames) encoded once with PyAV's
libx264 (``media.encoder.H264Encoder``: ultrafast, zerolatency, like the simulator's stream), then written by
the recorder's own ``SegmentWriter`` ``--minutes`` times with times shifted by a minute each, giving one-minute
MPEG-TS segments back to back, indexed in a scratch SQLite database as the storage layer indexes them.

Timed (``hour_export_s``): the real export job (``backend.exports.job.ExportJob``) over the whole range: footage
plan from the database, stream copy across the 60 segment boundaries into one MP4 with the exact range (edit
list) written in place inside the stored ZIP, the read-back for its CRC-32 and SHA-256 and the package's
SHA-256, the manifest, the fsync, and storing the package in a filesystem object store (a hard link). No
XProtect, no audit log. Goal: under 5 s.

Then (``search_p99_ms``) the metadata search benchmark of ``bench/metadata_search.py``: ``--items`` (100,000)
incidents and annotations in a scratch SQLite database, 400 varied full-text searches with filters; the 99th
percentile latency in ms. Goal: under 50 ms.

Prints the intermediate figures on stderr and, as its last line::

    exports hour_export_s=E search_p99_ms=S incidents=N
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from metadata_search import search_p99_ms

from backend.db.engine import Database
from backend.db.migrate import upgrade_to_head
from backend.db.models import Camera
from backend.exports.job import ExportJob, JobDeps
from backend.exports.settings import ExportSettings
from backend.exports.store import ExportRecord
from backend.storage.filesystem import FilesystemStore
from backend.storage.segment_index import SegmentIndex
from backend.storage.spool import Spool
from media.encoder import H264Encoder
from media.recorder_packets import EncodedPacket
from media.segment_writer import SegmentWriter
from milestone.clock import SystemClock
from simulator.scene import SceneRenderer
from simulator.timeline import FrameGrid

T0_MS = 1_790_000_000_000
WIDTH, HEIGHT, FPS = 1280, 720, 15


def encode_minute() -> list[tuple[int, bool, bytes]]:
    """60 s of stamped 720p frames: (ms after the start, key frame, Annex-B access unit)."""
    grid = FrameGrid(FPS)
    renderer = SceneRenderer(3, "export bench", WIDTH, HEIGHT)
    encoder = H264Encoder(WIDTH, HEIGHT, FPS)
    out = []
    try:
        n = grid.index_at_or_after(T0_MS)
        while grid.time_of(n) < T0_MS + 60_000:
            t = grid.time_of(n)
            unit = encoder.encode(renderer.render(t), t, key_frame=grid.is_whole_second(n))
            out.append((t - T0_MS, unit.key_frame, unit.data))
            n += 1
    finally:
        encoder.close()
    return out


def write_segments(spool: Path, minute: list[tuple[int, bool, bytes]], minutes: int) -> list[Any]:
    writer = SegmentWriter(spool, "bench", segment_seconds=60, fsync=False)
    closed = []
    for m in range(minutes):
        for offset_ms, key, data in minute:
            closed += writer.write(EncodedPacket(data, (T0_MS + m * 60_000 + offset_ms) * 1000, key))
    last = writer.close()
    return [*closed, *([last] if last is not None else [])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    parser.add_argument("--items", type=int, default=100_000, help="incidents + annotations for the search figure")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-exports-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        minute = encode_minute()
        print(f"encoded 60 s of {WIDTH}x{HEIGHT} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        spool = root / "spool"
        t = time.perf_counter()
        segments = write_segments(spool, minute, args.minutes)
        size = sum(s.size_bytes for s in segments)
        print(
            f"wrote {len(segments)} segments, {size / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s", file=sys.stderr
        )

        clock = SystemClock()
        db = Database.from_url(f"sqlite:///{root / 'bench.sqlite3'}")
        upgrade_to_head(db.engine)
        cam = str(uuid.uuid4())
        with db.session() as s:
            s.add(Camera(id=cam, name="bench", storage_mode="LOCAL", rtsp_url="rtsp://127.0.0.1:9/bench",
                         created_us=0, updated_us=0))  # fmt: skip
        index = SegmentIndex(sessionmaker(db.engine, expire_on_commit=False), Spool(spool, min_free_bytes=0), clock)
        for seg in segments:
            index.add_closed_segment(seg, cam)
        store = FilesystemStore(root / "objects")
        store.ensure_buckets()
        deps = JobDeps(db, store, spool, None, None, clock, ExportSettings(), "bench", root / "work", lambda: None)  # type: ignore[arg-type,return-value]
        start_us, end_us = T0_MS * 1000, (T0_MS + args.minutes * 60_000) * 1000
        record = ExportRecord(str(uuid.uuid4()), "running", 0.0, "", [cam], start_us, end_us, "bench", False, None,
                              7, "bench", 0)  # fmt: skip
        result: dict[str, Any] = {}

        async def finish(values: dict[str, Any]) -> bool:
            result.update(values)
            return True

        job = ExportJob(deps, record, threading.Event(), lambda fraction, phase: None, finish)
        t = time.perf_counter()
        asyncio.run(job.run())
        elapsed = time.perf_counter() - t
        db.dispose()
        if result.get("status") != "completed":
            print(f"export failed: {result.get('error')}", file=sys.stderr)
            return 1
        [file] = result["files"]
        print(
            f"exported {file['frames']} frames, MP4 {file['sizeBytes'] / 1e6:.0f} MB, package "
            f"{result['size_bytes'] / 1e6:.0f} MB in {elapsed:.2f} s",
            file=sys.stderr,
        )
        p99 = search_p99_ms(args.items)
        print(f"exports hour_export_s={elapsed:.2f} search_p99_ms={p99:.1f} incidents={args.items}")
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

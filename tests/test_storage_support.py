"""Shared helpers of the storage tests (imported by tests/test_storage_*.py; holds no tests itself).

Segments are real MPEG-TS files made with PyAV (a few tiny H.264 frames), so that the probe and seal
functions the tests hand to recovery read real media, as the recorder's ``probe_segment``/``seal_partial`` do.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from backend.db.models import Base, Camera, RecordingSession
from backend.storage.fsutil import fsync_dir
from media.recorder_files import ClosedSegment
from media.recorder_probe import probe_segment

CAM_A = "0b8f3c2e-0000-4000-8000-00000000000a"
CAM_B = "0b8f3c2e-0000-4000-8000-00000000000b"
T0_US = 1_790_000_000_000_000  # 2026-09-21, UTC µs (ManualClock's default wall time)
FPS = 10
THUMB_US = 200_000  # make_segment's thumbnail: a key frame this long after the segment's start


def thumb_path(closed: ClosedSegment) -> Path:
    """Where make_segment(..., thumbnail=True) put the segment's thumbnail."""
    return closed.path.with_name(f"{closed.start_us + THUMB_US}.jpg")


def make_db(tmp_path: Path, cameras: tuple[str, ...] = (CAM_A, CAM_B)) -> sessionmaker[Session]:
    """A temporary SQLite database (foreign keys on) with the backend's tables and ``cameras`` rows."""
    engine = create_engine(f"sqlite:///{tmp_path / 'backend.db'}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s, s.begin():
        for i, camera_id in enumerate(cameras):
            s.add(
                Camera(
                    id=camera_id,
                    name=f"Camera {i}",
                    rtsp_url=f"rtsp://127.0.0.1:8554/cam{i}",
                    storage_mode="LOCAL",
                    created_us=T0_US,
                    updated_us=T0_US,
                )
            )
    return factory


def add_session(factory: sessionmaker[Session], session_id: str, camera_id: str, start_us: int, end_us: int) -> None:
    with factory() as s, s.begin():
        s.add(
            RecordingSession(
                id=session_id,
                camera_id=camera_id,
                storage_mode="LOCAL",
                state="recording",
                duration_s=(end_us - start_us) // 1_000_000,
                started_us=start_us,
                scheduled_end_us=end_us,
                created_us=start_us,
                updated_us=start_us,
            )
        )


def write_ts(path: Path, frames: int = 10, shade: int = 0, size: int = 64) -> None:
    """Encode ``frames`` frames of ``size``² H.264 at FPS into an MPEG-TS file at ``path`` (key frame first)."""
    with av.open(str(path), "w", format="mpegts") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        stream.codec_context.time_base = Fraction(1, FPS)
        for i in range(frames):
            pixels = np.full((size, size, 3), (shade * 37 + i * 11) % 256, np.uint8)
            pixels[: size // 2, : size // 2] = (i * 50) % 256
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, FPS)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _durable(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    fsync_dir(path.parent)


def day_dir(spool_root: Path, camera_id: str, time_us: int) -> Path:
    """The recorder's directory for a time (media/recorder_files.py): ``<spool>/<camera>/<YYYYMMDD>``."""
    return spool_root / camera_id / datetime.fromtimestamp(time_us // 1_000_000, tz=UTC).strftime("%Y%m%d")


def spool_rel(camera_id: str, time_us: int, suffix: str = ".ts") -> str:
    """The spool-relative path of the recorder's file for ``time_us`` (``<camera>/<YYYYMMDD>/<time_us><suffix>``)."""
    return day_dir(Path(), camera_id, time_us).joinpath(f"{time_us}{suffix}").as_posix()


def make_segment(
    spool_root: Path, camera_id: str, start_us: int, *, frames: int = 10, thumbnail: bool = False
) -> ClosedSegment:
    """A durable segment ``<spool>/<camera>/<YYYYMMDD>/<start_us>.ts`` as the recorder leaves it, and with
    ``thumbnail`` a ``<time_us>.jpg`` of a key frame 200 ms into it (the recorder's thumbnail naming)."""
    directory = day_dir(spool_root, camera_id, start_us)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{start_us}.ts"
    write_ts(path, frames, shade=start_us // 1_000_000 % 7)
    _durable(path)
    if thumbnail:
        jpg = directory / f"{start_us + THUMB_US}.jpg"
        image = av.VideoFrame.from_ndarray(np.full((32, 32, 3), 128, np.uint8), format="rgb24").to_image()
        image.save(jpg, format="JPEG")
        _durable(jpg)
    closed = probe_segment(path)
    assert closed is not None
    return closed


async def wait_until(predicate: Callable[[], object], timeout_s: float = 10.0, what: str = "condition") -> None:
    """Poll ``predicate`` (sync) every 20 ms of real time until true; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)

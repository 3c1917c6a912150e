"""The spool's free-space policy (on the real disk) and its path rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from backend.storage.errors import SpoolFullError
from backend.storage.spool import DiskUsage, Spool, thumbnail_time_us

GIB = 2**30
ARABIC = re.compile(r"[\u0600-\u06FF]")


def test_free_space_on_the_real_disk(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool", min_free_bytes=1, min_free_ratio=0.0)
    spool.create()
    free = spool.free_bytes()
    assert abs(free - shutil.disk_usage(tmp_path).free) < 64 * 2**20
    assert spool.ensure_space() > 0
    # A threshold above what the disk has free: recording is refused with a bilingual error.
    too_much = free + 1024 * GIB
    with pytest.raises(SpoolFullError) as err:
        spool.ensure_space(min_free_bytes=too_much)
    error = err.value
    assert error.code == "spool_full" and error.status == 507
    assert error.details["requiredBytes"] == too_much and error.details["freeBytes"] > 0
    assert "nearly full" in error.message and str(spool.root) in error.message
    assert ARABIC.search(error.message_ar) and str(spool.root) in error.message_ar
    with pytest.raises(SpoolFullError):
        Spool(spool.root, min_free_bytes=too_much).ensure_space()


def test_thresholds_bytes_or_ratio() -> None:
    disk = DiskUsage(total=100 * GIB, used=97 * GIB, free=3 * GIB)
    spool = Spool(Path("/nonexistent/spool"), min_free_bytes=2 * GIB, min_free_ratio=0.05, disk_usage=lambda _: disk)
    assert spool.required_free_bytes() == 5 * GIB  # 5 % of 100 GiB is stricter than 2 GiB
    with pytest.raises(SpoolFullError) as err:
        spool.ensure_space()
    assert "3.0 GiB free" in err.value.message and "5.0 GiB must stay free" in err.value.message
    assert Spool(spool.root, min_free_ratio=0.0, disk_usage=lambda _: disk).ensure_space() == 3 * GIB
    small = DiskUsage(total=20 * GIB, used=int(18.5 * GIB), free=int(1.5 * GIB))
    with pytest.raises(SpoolFullError):  # 5 % is 1 GiB, but 2 GiB must stay free
        Spool(spool.root, disk_usage=lambda _: small).ensure_space()
    with pytest.raises(ValueError):
        Spool(spool.root, min_free_ratio=1.5)


def test_paths(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.create()
    assert spool.quarantine_dir.is_dir()
    segment = spool.root / "cam" / "20260921" / "1790000000000000.ts"
    segment.parent.mkdir(parents=True)
    segment.write_bytes(b"x")
    (spool.quarantine_dir / "old.ts").write_bytes(b"y")
    rel = "cam/20260921/1790000000000000.ts"
    assert spool.relative(segment) == rel and spool.path(rel) == segment
    assert list(spool.iter_files()) == [segment]  # quarantine is not part of the working set
    for bad in ("../etc/passwd", "/abs/x.ts", ""):
        with pytest.raises(ValueError):
            spool.path(bad)
    with pytest.raises(ValueError):
        spool.relative(tmp_path / "elsewhere.ts")


def test_thumbnails_of_a_segment(tmp_path: Path) -> None:
    """The recorder names thumbnails after their key frame's time; a segment owns those within its span."""
    spool = Spool(tmp_path / "spool")
    day = spool.root / "cam" / "20260921"
    day.mkdir(parents=True)
    start, end = 1_790_000_000_000_000, 1_790_000_060_000_000  # 60 s
    (day / f"{start}.ts").write_bytes(b"x")
    assert spool.thumbnails_for(f"cam/20260921/{start}.ts", start, end) == []
    for t in (start - 1, start, start + 30_000_000, end):
        (day / f"{t}.jpg").write_bytes(b"\xff\xd8")
    (day / f"{start + 5}.jpg.partial").write_bytes(b"\xff")
    assert spool.thumbnails_for(f"cam/20260921/{start}.ts", start, end) == [
        f"cam/20260921/{start}.jpg",
        f"cam/20260921/{start + 30_000_000}.jpg",
    ]
    assert thumbnail_time_us("123.jpg") == 123 and thumbnail_time_us("x.jpg") is None
    assert thumbnail_time_us("123.ts") is None
    # A segment crossing midnight UTC: its thumbnail after midnight lives in the next day's directory.
    midnight = 1_790_035_200_000_000  # 2026-09-22 00:00:00 UTC
    late = spool.root / "cam" / "20260921" / f"{midnight - 30_000_000}.ts"
    late.write_bytes(b"x")
    next_day = spool.root / "cam" / "20260922"
    next_day.mkdir()
    (next_day / f"{midnight + 10_000_000}.jpg").write_bytes(b"\xff\xd8")
    assert spool.thumbnails_for(spool.relative(late), midnight - 30_000_000, midnight + 30_000_000) == [
        f"cam/20260922/{midnight + 10_000_000}.jpg"
    ]

"""The local spool: the directory the recorder writes segments into before the uploader moves them away.

Paths stored in the database (``segments.local_path``, ``garbage.local_path``) are relative to the spool
root with ``/`` separators, so the spool can move (or be a Windows path) without rewriting rows. Files that
start-up recovery cannot index are moved to ``<root>/quarantine/`` (kept for an administrator).

Free space: the recording layer calls :meth:`Spool.ensure_space` before it starts a local recording and
refuses with ``SpoolFullError`` when less than the configured minimum would stay free, so the recorder
never fills the disk while the object store is unreachable.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from backend.storage.errors import SpoolFullError
from backend.storage.fsutil import fsync_dir

QUARANTINE_DIR = "quarantine"
THUMBNAIL_SUFFIXES = (".jpg", ".jpeg")  # thumbnails: <time_us>.jpg beside the segments
_DAY = re.compile(r"^\d{8}$")


def thumbnail_time_us(name: str) -> int | None:
    """The key frame time (UTC µs) of a thumbnail file name ``<time_us>.jpg``; ``None`` if not one."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in THUMBNAIL_SUFFIXES or not stem.isdigit():
        return None
    return int(stem)


GIB = 2**30


@dataclass(frozen=True, slots=True)
class DiskUsage:
    """Bytes on the spool's filesystem."""

    total: int
    used: int
    free: int


DiskUsageFn = Callable[[Path], DiskUsage]


def _disk_usage(path: Path) -> DiskUsage:
    usage = shutil.disk_usage(path)
    return DiskUsage(usage.total, usage.used, usage.free)


class Spool:
    """The spool directory ``root`` and its free-space policy.

    The disk counts as nearly full when fewer than ``min_free_bytes`` bytes or less than ``min_free_ratio``
    of the filesystem's size is free (either threshold alone suffices; 0 disables it). Defaults: 2 GiB
    and 5 %. ``disk_usage`` is injectable for tests of the thresholds themselves.
    """

    def __init__(
        self,
        root: Path,
        *,
        min_free_bytes: int = 2 * GIB,
        min_free_ratio: float = 0.05,
        disk_usage: DiskUsageFn = _disk_usage,
    ) -> None:
        if min_free_bytes < 0 or not 0.0 <= min_free_ratio < 1.0:
            raise ValueError("min_free_bytes must be >= 0 and min_free_ratio in [0, 1)")
        self.root = Path(root)
        self.min_free_bytes = min_free_bytes
        self.min_free_ratio = min_free_ratio
        self._disk_usage = disk_usage

    @property
    def quarantine_dir(self) -> Path:
        return self.root / QUARANTINE_DIR

    def create(self) -> None:
        """Create the spool and quarantine directories (durably) if missing."""
        for directory in (self.root, self.quarantine_dir):
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                fsync_dir(directory.parent)

    # -- paths -----------------------------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        """``path`` (inside the spool) as the ``/``-separated relative path stored in rows.

        Raises ``ValueError`` for a path outside the spool.
        """
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()

    def path(self, relative: str) -> Path:
        """The absolute path of a row's ``local_path``. Raises ``ValueError`` for ``..`` or absolute paths."""
        rel = PurePosixPath(relative)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ValueError(f"not a spool-relative path: {relative!r}")
        return self.root.joinpath(*rel.parts)

    def thumbnails_for(self, segment_path: str, start_us: int, end_us: int) -> list[str]:
        """The spool-relative paths of the thumbnails the recorder wrote for a segment, oldest first.

        The recorder names a thumbnail after the time of its key frame: ``<time_us>.jpg`` in the directory of
        that time's UTC day (``<spool>/<camera>/<YYYYMMDD>/``, media/recorder_files.py). A thumbnail belongs
        to the segment of the same camera with ``start_us <= time_us < end_us``; the segment's directory and,
        for a segment that crosses midnight, the next day's directory are searched. Usually empty: one
        thumbnail is made every few minutes, not one per segment.
        """
        segment = self.path(segment_path)
        directories = [segment.parent]
        last_day = datetime.fromtimestamp((end_us - 1) // 1_000_000, tz=UTC).strftime("%Y%m%d")
        if _DAY.match(segment.parent.name) and last_day != segment.parent.name:
            directories.append(segment.parent.parent / last_day)
        found: list[tuple[int, str]] = []
        for directory in directories:
            if not directory.is_dir():
                continue
            for candidate in directory.iterdir():
                time_us = thumbnail_time_us(candidate.name)
                if time_us is not None and start_us <= time_us < end_us and candidate.is_file():
                    found.append((time_us, self.relative(candidate)))
        return [rel for _, rel in sorted(found)]

    def iter_files(self) -> Iterator[Path]:
        """Every regular file of the spool outside the quarantine directory, sorted (for stable recovery)."""
        if not self.root.is_dir():
            return
        quarantine = self.quarantine_dir
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and quarantine not in path.parents:
                yield path

    # -- free space ------------------------------------------------------------------------------------------

    def usage(self) -> DiskUsage:
        """Bytes total / used / free on the spool's filesystem."""
        return self._disk_usage(self.root if self.root.exists() else self.root.parent)

    def free_bytes(self) -> int:
        """Bytes free on the spool's filesystem (for the unprivileged user)."""
        return self.usage().free

    def required_free_bytes(self, usage: DiskUsage | None = None) -> int:
        """The number of bytes that must stay free under the thresholds, for the current filesystem size."""
        usage = usage or self.usage()
        return max(self.min_free_bytes, int(usage.total * self.min_free_ratio))

    def ensure_space(self, min_free_bytes: int | None = None) -> int:
        """Return the free bytes, or raise ``SpoolFullError`` (bilingual) when the disk is nearly full.

        ``min_free_bytes`` overrides the byte threshold for this call (the ratio still applies).
        """
        usage = self.usage()
        required = max(
            self.min_free_bytes if min_free_bytes is None else min_free_bytes,
            int(usage.total * self.min_free_ratio),
        )
        if usage.free < required:
            raise SpoolFullError(str(self.root), usage.free, required)
        return usage.free

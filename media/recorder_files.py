"""Segment files on disk: the closed-segment record, naming in the spool, durable rename, hashing while writing.

Layout: ``<spool>/<camera_key>/<YYYYMMDD>/<start_us>.ts`` where ``YYYYMMDD`` is the UTC day of ``start_us``
(integer µs UTC of the segment's first frame). A segment being written is ``<start_us>.ts.partial``; it gets
its final name only after its data is flushed and fsync'ed, and the directory is fsync'ed after the rename
(the sequence that makes "the row says closed" imply "the file is complete" after a power cut). When a name is
taken (two segments starting in the same microsecond after a clock jump), ``<start_us>-<n>.ts`` is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
CONTAINER_EXTENSIONS = {"mpegts": ".ts"}
_CAMERA_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
_STEM = re.compile(r"^(\d{1,19})(?:-(\d{1,6}))?$")


@dataclass(frozen=True, slots=True)
class ClosedSegment:
    """A complete, durable segment file (its final name, data fsync'ed) as the recorder reports it.

    ``path``: absolute final path. ``start_us``/``end_us``: wall-clock UTC µs of the first frame and of the
    end of the last frame (``start_us`` + the span of the file's timestamps + one frame duration, the median
    frame spacing; the file stores 90 kHz ticks, so this is exactly what ``probe_segment`` reads back).
    ``media_duration_us``: that span plus one frame duration (µs). ``frames``/
    ``key_frames``: access units / IDRs in the file. ``size_bytes`` and ``sha256`` (lower-case hex) describe the
    file's bytes exactly. ``container``: "mpegts"; ``codec``: "h264"; ``width``/``height`` in pixels (0 when
    unknown).
    """

    path: Path
    camera_key: str
    start_us: int
    end_us: int
    media_duration_us: int
    frames: int
    key_frames: int
    size_bytes: int
    sha256: str
    container: str
    codec: str
    width: int
    height: int


def check_camera_key(camera_key: str) -> str:
    """Return ``camera_key`` if it is a safe single path component (letters, digits, ``._-``); else ValueError."""
    if not _CAMERA_KEY.match(camera_key) or camera_key in (".", ".."):
        raise ValueError(f"camera key {camera_key!r} is not a safe directory name (use letters, digits, . _ -)")
    return camera_key


def utc_day(time_us: int) -> str:
    """``YYYYMMDD`` of a UTC µs time."""
    return dt.datetime.fromtimestamp(time_us / 1_000_000, dt.UTC).strftime("%Y%m%d")


def segment_dir(spool: Path, camera_key: str, time_us: int) -> Path:
    """``<spool>/<camera_key>/<YYYYMMDD>`` for a segment (or thumbnail) starting at ``time_us``."""
    return Path(spool) / check_camera_key(camera_key) / utc_day(time_us)


def free_segment_path(spool: Path, camera_key: str, start_us: int, container: str = "mpegts") -> Path:
    """The final path for a new segment: ``<start_us>.ts``, or ``<start_us>-<n>.ts`` when that (or its partial)
    exists already."""
    return free_name(segment_dir(spool, camera_key, start_us) / f"{start_us}{CONTAINER_EXTENSIONS[container]}")


def free_name(final_path: Path) -> Path:
    """``final_path`` if neither it nor its ``.partial`` exists, else the first free ``<start_us>-<n><ext>``
    beside it (``final_path`` must be a segment name)."""
    parsed = parse_segment_name(final_path)
    if parsed is None:
        raise ValueError(f"{final_path} is not a segment name")
    _, start_us, container = parsed
    ext = CONTAINER_EXTENSIONS[container]
    path, n = final_path, 0
    while path.exists() or partial_path(path).exists():
        n += 1
        path = final_path.with_name(f"{start_us}-{n}{ext}")
    return path


def partial_path(final_path: Path) -> Path:
    """Where a segment is written until it is complete: ``<final name>.partial``."""
    return final_path.with_name(final_path.name + PARTIAL_SUFFIX)


def final_path_of(path: Path) -> Path:
    """The final name of a segment path (strips ``.partial``)."""
    return path.with_name(path.name[: -len(PARTIAL_SUFFIX)]) if path.name.endswith(PARTIAL_SUFFIX) else path


def parse_segment_name(path: Path) -> tuple[str, int, str] | None:
    """``(camera_key, start_us, container)`` from a segment path (final or partial), or None if not one of ours."""
    final = final_path_of(Path(path))
    container = next((c for c, ext in CONTAINER_EXTENSIONS.items() if final.name.endswith(ext)), None)
    if container is None:
        return None
    match = _STEM.match(final.name[: -len(CONTAINER_EXTENSIONS[container])])
    if match is None:
        return None
    camera_key = final.parent.parent.name
    if not _CAMERA_KEY.match(camera_key):
        return None
    return camera_key, int(match.group(1)), container


def fsync_dir(directory: Path) -> None:
    """fsync a directory so that entries created or renamed in it survive a power cut."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs_durably(directory: Path) -> None:
    """Create ``directory`` and missing parents, fsync'ing each parent that got a new entry."""
    directory = Path(directory)
    if directory.is_dir():
        return
    make_dirs_durably(directory.parent)
    try:
        directory.mkdir()
    except FileExistsError:
        return
    fsync_dir(directory.parent)


def file_sha256(path: Path, chunk: int = 1 << 20) -> tuple[int, str]:
    """``(size_bytes, sha256 hex)`` of a file, read in ``chunk``-byte blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as f:
        while block := f.read(chunk):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


class HashingFile:
    """A write-only, non-seekable file for PyAV's muxer that hashes (SHA-256) every byte it writes.

    Created exclusively (fails if the path exists). Having no ``seek``, it tells the muxer the output is a
    stream, so the bytes hashed are exactly the bytes in the file. ``write`` only collects the muxer's
    output in memory; :meth:`flush` writes it to the file in one system call and hashes exactly the bytes
    the file took (the writer flushes after every batch of frames). ``finish(fsync)`` flushes, makes the
    file durable and closes it; there is no ``close`` method on purpose, so that closing the container does
    not close it first. Raises OSError from :meth:`flush`/:meth:`finish` (what was not written is dropped).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        self._hash = hashlib.sha256()
        self._pending: list[bytes] = []
        self.size = 0  # bytes in the file (flushed)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Write what the muxer produced since the last flush to the file (page cache), hashing it."""
        pending, self._pending = self._pending, []
        if not pending or self._fd < 0:
            return
        view = memoryview(pending[0] if len(pending) == 1 else b"".join(pending))
        while view:
            done = os.write(self._fd, view)
            self._hash.update(view[:done])
            self.size += done
            view = view[done:]

    def hexdigest(self) -> str:
        return self._hash.hexdigest()

    def finish(self, fsync: bool = True) -> None:
        """Flush, fsync (when asked) and close the descriptor. Safe to call twice."""
        if self._fd < 0:
            return
        try:
            self.flush()
            if fsync:
                os.fsync(self._fd)
        finally:
            fd, self._fd = self._fd, -1
            os.close(fd)

"""Durable file operations (after moonfire-nvr: write, fsync the file, rename, fsync the directory).

On Windows directories cannot be opened for fsync; there :func:`fsync_dir` does nothing (NTFS journals
renames itself).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20  # bytes read at a time when hashing or copying


def fsync_dir(path: Path) -> None:
    """Make the directory entries of ``path`` (created, renamed or removed files) durable."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> tuple[int, str]:
    """``(size in bytes, SHA-256 hex)`` of the file at ``path``."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def unlink_durably(path: Path) -> bool:
    """Remove ``path`` and fsync its directory; ``False`` if it did not exist."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True


def move_durably(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst`` (same filesystem; parents of ``dst`` created) and fsync both directories."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


class HashingReader:
    """A read-only file wrapper that hashes (SHA-256) and counts the bytes read through it.

    Used to check that what an upload sent is what the segment row says, without reading the file twice.
    SHA-256 only: it is the checksum the rows keep and the filesystem store's etag; S3 computes its own
    ETag (``backend.storage.base.StoredObject``), so no MD5 is spent here.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if data:
            self.sha256.update(data)
            self.size += len(data)
        return data

"""Serving a segment's bytes with HTTP Range support (RFC 9110 §14): the spool file, or the object store.

``parse_range(header, size)`` understands one range ``bytes=a-b``, ``bytes=a-`` or ``bytes=-n``: it returns the
inclusive byte span to send with 206, ``None`` to send the whole file with 200 (no header, or a header this
server ignores as RFC 9110 allows: several ranges, another unit, bad syntax) and raises ``Unsatisfiable``
(416 with ``Content-Range: bytes */size``) when the range starts at or past the end.

Readers yield the span in chunks from a worker thread: ``FileReader`` over an open file (opened before the
answer starts, so an uploader deleting the spool copy afterwards does not cut the stream on POSIX) and
``StoreReader`` over ``ObjectStore.open_range`` (S3: one ranged GET per chunk).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio.to_thread

from backend.storage.base import ObjectStore

CHUNK = 256 * 1024
STORE_CHUNK = 1024 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    """The requested range lies outside the file (answer 416)."""


@dataclass(frozen=True, slots=True)
class ByteSpan:
    """Inclusive byte positions ``first``..``last`` of a file of ``size`` bytes."""

    first: int
    last: int
    size: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.size}"


def parse_range(header: str | None, size: int) -> ByteSpan | None:
    """The span a ``Range`` header asks for (see the module docstring). Raises Unsatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None  # several ranges, another unit or malformed: ignored, the whole file is sent
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # suffix: the last n bytes
        n = int(last_text)
        if n == 0 or size == 0:
            raise Unsatisfiable()
        return ByteSpan(max(0, size - n), size - 1, size)
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None  # invalid range-spec: ignore the header
    if first >= size:
        raise Unsatisfiable()
    return ByteSpan(first, min(last, size - 1), size)


class FileReader:
    """Reads a span of an already opened file in chunks (closes it at the end or when abandoned)."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    @classmethod
    async def open(cls, path: Path) -> FileReader:
        """Open ``path`` for reading in a worker thread; raises FileNotFoundError / OSError."""
        handle = await anyio.to_thread.run_sync(open, path, "rb")
        return cls(handle)

    def size(self) -> int:
        return os.fstat(self._handle.fileno()).st_size

    async def chunks(self, first: int, length: int) -> AsyncIterator[bytes]:
        try:
            await anyio.to_thread.run_sync(self._handle.seek, first)
            remaining = length
            while remaining > 0:
                data = await anyio.to_thread.run_sync(self._handle.read, min(CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            self.close()

    def close(self) -> None:
        self._handle.close()


class StoreReader:
    """Reads a span of ``bucket/key`` from the object store in chunks (one ranged read each)."""

    def __init__(self, store: ObjectStore, bucket: str, key: str, size: int) -> None:
        self._store, self._bucket, self._key, self._size = store, bucket, key, size

    def size(self) -> int:
        """The object's size as the segment row records it (verified at upload)."""
        return self._size

    async def chunks(self, first: int, length: int) -> AsyncIterator[bytes]:
        position, end = first, first + length
        while position < end:
            n = min(STORE_CHUNK, end - position)
            data = await anyio.to_thread.run_sync(self._store.open_range, self._bucket, self._key, position, n)
            if not data:
                break
            position += len(data)
            yield data

    def close(self) -> None:
        return None

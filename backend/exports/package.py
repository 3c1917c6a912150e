"""Writing an export package: one stored (not deflated) ZIP, its files first and ``manifest.json`` last.

The layout and the manifest are described in ``backend.exports.manifest``. The ZIP is written by ``zipfile``
as a stream (local headers with data descriptors, ZIP64 sizes), through :class:`_HashingSink`, which hashes the
archive (SHA-256) as it goes, so the package's digest costs no extra pass.

A camera's MP4 is written *in place*: :meth:`PackageWriter.begin_member` opens the member and returns a
seekable file object over the member's region of the archive (:class:`MemberFile`); the MP4 muxer writes
there directly (it seeks back once to patch the ``mdat`` size and appends the ``moov``, which is why the
bytes cannot simply stream through ``zipfile``). :meth:`PackageWriter.end_member` then reads the region back
once and hands it to ``zipfile`` in *replay* mode: ``zipfile`` computes the member's CRC-32 and writes the
data descriptor, the sink hashes the bytes into the package digest without writing them again, and the
member's own SHA-256 (for the manifest) is computed in a worker thread at the same time. So one hour of
video is written once and read once, instead of written twice (file, then ZIP) and read twice.

Durability: the archive's data is flushed to disk (``fsync``) in the background while it is read back, and
again when the archive is complete; the finished file may be hard-linked into the filesystem store.
Blocking throughout: call from a worker thread. ``should_stop()`` True raises ``InterruptedError``.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from backend.api.schemas_exports import MANIFEST_NAME

READ_CHUNK = 4 << 20  # read-back: large enough that the hashes run without the GIL most of the time
COPY_CHUNK = 1 << 20
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed member times: the manifest carries the real creation time


class _HashingSink:
    """A write-only, non-seekable file object over the archive that hashes and counts what goes through it.

    Non-seekable, so ``zipfile`` streams with data descriptors and never seeks back. In ``replaying`` mode
    the bytes are already in the file (written in place by the muxer): they are hashed and counted, and the
    file position is moved past them instead of writing them again. Once ``discarding`` (an aborted package)
    nothing more is written or hashed."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0
        self.replaying = False
        self.discarding = False

    def write(self, data: bytes) -> int:
        if self.discarding:
            return len(data)
        if not self.replaying:
            self._raw.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        if not (self.replaying or self.discarding):
            self._raw.flush()


class MemberFile:
    """A seekable, write-only window on the archive starting at ``base`` (byte 0 of the member's data): what
    the MP4 muxer writes into. ``extent`` is the number of bytes written (the member's size)."""

    def __init__(self, raw: IO[bytes], base: int) -> None:
        self._raw = raw
        self.base = base
        self._pos = 0
        self.extent = 0
        raw.seek(base)

    def write(self, data: bytes) -> int:
        written = self._raw.write(data)
        n = len(data) if written is None else written
        self._pos += n
        self.extent = max(self.extent, self._pos)
        return n

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += self.extent
        if offset < 0:
            raise OSError("seek before the start of the member")
        self._raw.seek(self.base + offset)
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self._raw.flush()


@dataclass(frozen=True, slots=True)
class Package:
    """A written ZIP: path, size and SHA-256 hex, the manifest's bytes and SHA-256 hex, and each member's
    SHA-256 hex."""

    path: Path
    size_bytes: int
    sha256: str
    manifest: bytes
    manifest_sha256: str
    members: dict[str, str]


class PackageWriter:
    """Writes the package at ``path`` (see the module docstring). Use :meth:`begin_member` /
    :meth:`end_member` for a file written in place, :meth:`add_file` for a file that already exists, then
    :meth:`finish`; :meth:`abort` on failure (the caller removes ``path``)."""

    def __init__(self, path: Path, *, should_stop: Callable[[], bool] = lambda: False) -> None:
        self.path = path
        self._should_stop = should_stop
        self._raw: IO[bytes] = path.open("w+b", buffering=0)
        self._sink = _HashingSink(self._raw)
        self._archive = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True)  # type: ignore[call-overload]
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="export-package")
        self._flushing: Future[Any] | None = None
        self._member: IO[bytes] | None = None
        self._window: MemberFile | None = None
        self._name = ""
        self.members: dict[str, str] = {}

    def _open(self, name: str) -> IO[bytes]:
        if self._member is not None:
            raise RuntimeError(f"member {self._name} is still open")
        if name in self.members or name == MANIFEST_NAME:
            raise ValueError(f"{name} is already in the package")
        info = zipfile.ZipInfo(name, date_time=_EPOCH)
        info.compress_type = zipfile.ZIP_STORED
        self._name = name
        self._member = self._archive.open(info, "w", force_zip64=True)
        return self._member

    def begin_member(self, name: str) -> MemberFile:
        """Open member ``name`` and return the window to write its bytes into (seekable; position 0 is the
        member's first byte). Call :meth:`end_member` once the bytes are complete."""
        self._open(name)
        self._window = MemberFile(self._raw, self._sink.size)
        return self._window

    def end_member(self) -> tuple[str, int]:
        """Close the member opened by :meth:`begin_member`: read its bytes back once for the CRC-32, the
        package digest and the member's SHA-256. Returns (SHA-256 hex, size in bytes)."""
        if self._member is None or self._window is None:
            raise RuntimeError("no member is being written in place")
        window, member, size = self._window, self._member, self._window.extent
        self._flushing = self._pool.submit(os.fsync, self._raw.fileno())  # overlaps the read-back
        digest = hashlib.sha256()
        self._sink.replaying = True
        try:
            with self.path.open("rb") as src:
                src.seek(window.base)
                left = size
                while left > 0:
                    if self._should_stop():
                        raise InterruptedError("stopped")
                    chunk = src.read(min(READ_CHUNK, left))
                    if not chunk:
                        raise OSError(f"{self._name} is shorter than written")
                    hashing = self._pool.submit(digest.update, chunk)
                    member.write(chunk)  # zipfile: CRC-32; the sink: package digest, no write
                    hashing.result()
                    left -= len(chunk)
        finally:
            self._sink.replaying = False
        self._raw.seek(self._sink.size)
        member.close()  # the data descriptor, written for real
        self._member = self._window = None
        self.members[self._name] = digest.hexdigest()
        return self.members[self._name], size

    def add_file(self, name: str, source: Path) -> tuple[str, int]:
        """Copy the existing file ``source`` in as member ``name``. Returns (SHA-256 hex, size in bytes)."""
        member = self._open(name)
        digest, size = hashlib.sha256(), 0
        with source.open("rb") as src:
            while chunk := src.read(COPY_CHUNK):
                if self._should_stop():
                    raise InterruptedError("stopped")
                digest.update(chunk)
                member.write(chunk)
                size += len(chunk)
        member.close()
        self._member = None
        self.members[name] = digest.hexdigest()
        return self.members[name], size

    def finish(self, manifest: Callable[[dict[str, str]], bytes]) -> Package:
        """Write ``manifest.json`` (the bytes ``manifest(digests)`` makes from the members' SHA-256, name ->
        hex) and the central directory, make the file durable, and return the package."""
        if self._member is not None:
            raise RuntimeError(f"member {self._name} is still open")
        content = manifest(dict(self.members))
        self._archive.writestr(zipfile.ZipInfo(MANIFEST_NAME, date_time=_EPOCH), content, zipfile.ZIP_STORED)
        self._archive.close()
        if self._flushing is not None:
            self._flushing.result()
        os.fsync(self._raw.fileno())
        self._close_file()
        return Package(
            self.path,
            self._sink.size,
            self._sink.digest.hexdigest(),
            content,
            hashlib.sha256(content).hexdigest(),
            dict(self.members),
        )

    def abort(self) -> None:
        """Stop writing (idempotent); the caller removes ``path``."""
        self._sink.discarding = True
        try:
            if self._member is not None:
                self._member.close()
            self._archive.close()
        except (ValueError, OSError, RuntimeError):
            pass
        self._member = self._window = None
        self._close_file()

    def _close_file(self) -> None:
        self._pool.shutdown(wait=True)
        if not self._raw.closed:
            self._raw.close()


def write_package(
    path: Path,
    members: list[tuple[str, Path]],
    manifest: Callable[[dict[str, str]], bytes],
    *,
    should_stop: Callable[[], bool] = lambda: False,
) -> Package:
    """The package at ``path`` from existing files: each ``(name, file)`` of ``members``, then the manifest
    (see :meth:`PackageWriter.finish`). Blocking; the caller removes ``path`` on failure."""
    writer = PackageWriter(path, should_stop=should_stop)
    try:
        for name, source in members:
            writer.add_file(name, source)
        return writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise

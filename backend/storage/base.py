"""The object store interface shared by the filesystem store (embedded default) and the S3 store.

All methods are synchronous and may block on disk or network I/O: asyncio callers wrap them in
``asyncio.to_thread``. Implementations are safe to call from several threads at once.

Errors (``backend.storage.errors``): ``StoreUnavailableError`` (unreachable / server error: retry later),
``StoreAuthError`` (credentials refused), ``ObjectNotFoundError``, ``ChecksumMismatchError`` (the bytes
read from the source file do not hash to the SHA-256 the caller gave), ``InvalidObjectKeyError``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from pathlib import Path

from backend.storage.errors import InvalidObjectKeyError, LegalHoldUnsupportedError


@dataclass(frozen=True, slots=True)
class StoredObject:
    """One object as the store reports it.

    ``size`` in bytes. ``etag`` is an opaque version tag of the content as the store defines it; callers
    keep it and compare it for equality, never recompute it:

    - S3: the ETag the server returns (by S3's convention the MD5 hex of a single-part upload, or
      ``<md5>-<parts>`` for a multipart one);
    - filesystem: the content's SHA-256 hex (the digest the store verified while storing the bytes: the
      same value as ``sha256``, so the verification read hashes the bytes once, not twice). An object
      without its metadata sidecar gets ``<size hex>-<mtime ns hex>`` instead.

    ``sha256`` is the hex digest the uploader gave at ``put_file`` time, kept as object metadata
    (``x-amz-meta-sha256`` on S3), ``None`` if the object was written by someone else without it;
    ``last_modified_us`` is UTC µs (``None`` if unknown).
    """

    bucket: str
    key: str
    size: int
    etag: str
    sha256: str | None
    last_modified_us: int | None = None


@dataclass(frozen=True, slots=True)
class BucketSpec:
    """A bucket and its lifecycle rule: objects expire ``expiry_days`` days after they were written
    (``None``: kept until deleted)."""

    name: str
    expiry_days: int | None

    def __post_init__(self) -> None:
        if self.expiry_days is not None and self.expiry_days <= 0:
            raise ValueError(f"expiry_days must be positive or None, got {self.expiry_days}")


@dataclass(frozen=True, slots=True)
class BucketLayout:
    """The four buckets of DESIGN.md §6 with their default lifecycle rules (days): recordings 90,
    exports 7, thumbnails 30, clips none. Names and days are configurable (settings)."""

    recordings: BucketSpec = field(default_factory=lambda: BucketSpec("recordings", 90))
    exports: BucketSpec = field(default_factory=lambda: BucketSpec("exports", 7))
    thumbnails: BucketSpec = field(default_factory=lambda: BucketSpec("thumbnails", 30))
    clips: BucketSpec = field(default_factory=lambda: BucketSpec("clips", None))

    def all(self) -> tuple[BucketSpec, ...]:
        """The four specs, recordings first."""
        return (self.recordings, self.exports, self.thumbnails, self.clips)

    def spec(self, bucket: str) -> BucketSpec | None:
        """The spec of the bucket named ``bucket`` (``None`` if it is not one of ours)."""
        return next((spec for spec in self.all() if spec.name == bucket), None)


def check_key(key: str) -> str:
    """Return ``key`` if both stores accept it: ``/``-separated, relative, no empty, ``.``/``..`` or hidden
    (dot-leading) components, no backslashes. Raises ``InvalidObjectKeyError`` otherwise.

    Hidden components are refused because the filesystem store keeps its metadata and temporary files as
    dot-files beside the objects.
    """
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise InvalidObjectKeyError(key)
    if any(not part or part.startswith(".") for part in key.split("/")):
        raise InvalidObjectKeyError(key)
    return key


class ObjectStore(abc.ABC):
    """Buckets of objects addressed by ``(bucket, key)``; see the module docstring for threading and errors."""

    layout: BucketLayout

    @abc.abstractmethod
    def ensure_buckets(self) -> None:
        """Create the layout's buckets if missing and install their lifecycle rules (idempotent).

        Rules are ours by id: a bucket whose spec has ``expiry_days=None`` gets our rule removed, other
        rules an administrator added are kept. The recordings bucket never gets an expiry rule (one found is
        removed): recordings are expired by the backend's retention job (``backend.storage.retention``),
        which skips the segments clips hold; a store-side rule cannot see clips.
        """

    @abc.abstractmethod
    def put_file(self, bucket: str, key: str, path: Path, *, content_type: str, sha256: str) -> StoredObject:
        """Store the file at ``path`` as ``bucket/key`` (overwriting: a repeated put is idempotent).

        ``sha256`` is the hex digest the caller expects; the bytes read are hashed on the way and a mismatch
        raises ``ChecksumMismatchError`` (nothing is left stored under ``key`` then). Returns what was
        stored; callers still verify with :meth:`stat`.
        """

    @abc.abstractmethod
    def stat(self, bucket: str, key: str) -> StoredObject | None:
        """The object's size, etag and sha256 metadata, or ``None`` if it does not exist."""

    @abc.abstractmethod
    def open_range(self, bucket: str, key: str, start: int, length: int) -> bytes:
        """Bytes ``[start, start + length)`` of the object, clipped at its end (``b""`` when ``start`` is
        at or past the end). ``start >= 0``, ``length > 0``. Raises ``ObjectNotFoundError``."""

    @abc.abstractmethod
    def presigned_get_url(self, bucket: str, key: str, expires_s: int) -> str | None:
        """A URL anyone may GET for ``expires_s`` seconds, or ``None`` if the store cannot sign URLs (the
        filesystem store: the backend serves those objects itself)."""

    @abc.abstractmethod
    def delete(self, bucket: str, key: str) -> None:
        """Delete the object; deleting a missing object is not an error (idempotent, like S3)."""

    def legal_holds_enabled(self, bucket: str) -> bool:
        """Whether objects of ``bucket`` can carry an S3 legal hold (the bucket has object lock). The default
        (and the filesystem store): ``False``. May block on the network; raises ``StorageError``."""
        return False

    def set_legal_hold(self, bucket: str, key: str, on: bool) -> None:
        """Set (``on``) or lift the legal hold of every version of ``bucket/key``. Raises
        ``LegalHoldUnsupportedError`` when the bucket has no object lock (the default), ``ObjectNotFoundError``,
        ``StorageError``."""
        raise LegalHoldUnsupportedError(bucket)

    @abc.abstractmethod
    def health(self) -> tuple[bool, str]:
        """``(ok, detail)``: whether the store is usable now, with a one-line English detail (no secrets)."""

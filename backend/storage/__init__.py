"""Storage: object stores (filesystem, S3 via ``minio``), the local spool, the segment index, the uploader
and start-up recovery (DESIGN.md §6). Everything here is Qt-free and synchronous except the uploader."""

from backend.storage.base import BucketLayout, BucketSpec, ObjectStore, StoredObject
from backend.storage.errors import (
    ChecksumMismatchError,
    InvalidObjectKeyError,
    ObjectNotFoundError,
    SegmentConflictError,
    SpoolFullError,
    StorageError,
    StoreAuthError,
    StoreUnavailableError,
)
from backend.storage.filesystem import FilesystemStore
from backend.storage.s3 import S3Store
from backend.storage.spool import Spool

__all__ = [
    "BucketLayout",
    "BucketSpec",
    "ChecksumMismatchError",
    "FilesystemStore",
    "InvalidObjectKeyError",
    "ObjectNotFoundError",
    "ObjectStore",
    "S3Store",
    "SegmentConflictError",
    "Spool",
    "SpoolFullError",
    "StorageError",
    "StoreAuthError",
    "StoreUnavailableError",
    "StoredObject",
]

"""Where a segment's bytes are: the spool (while ``local``/``uploading``) or the object store (``uploaded``).

For the GUI (``playback/source``): an uploaded segment on S3 gets a presigned GET URL (PyAV reads it directly,
no token), everything else the backend's own byte-range route ``/api/v1/storage/segments/{id}/media`` (the
GUI sends its API token). For the backend itself (snapshots, that route): a file path (spool, or the filesystem
store's ``<root>/<bucket>/<key>`` layout) or, on S3, a presigned URL / ranged reads.
"""

from __future__ import annotations

import logging
from pathlib import Path

from backend.storage.base import ObjectStore, check_key
from backend.storage.errors import StorageError
from backend.storage.filesystem import FilesystemStore
from backend.storage.segment_index import SegmentRecord

from .errors import SegmentUnavailableError, StorageUnavailableError
from .media import FileReader, StoreReader

log = logging.getLogger(__name__)

MEDIA_ROUTE = "/api/v1/storage/segments/{segment_id}/media"
CONTENT_TYPES = {"mpegts": "video/mp2t", "mp4": "video/mp4"}


def content_type(container: str) -> str:
    return CONTENT_TYPES.get(container, "application/octet-stream")


class SegmentLocator:
    """Resolves segments to readable locations. ``store`` None: no object store in this backend (uploaded
    segments then cannot be read). ``presign`` False: never hand out presigned URLs."""

    def __init__(
        self, spool_root: Path, store: ObjectStore | None, *, presign: bool = True, presign_expiry_s: int = 3600
    ) -> None:
        self.spool_root = spool_root
        self.store = store
        self.presign = presign
        self.presign_expiry_s = presign_expiry_s

    @property
    def bucket(self) -> str | None:
        return self.store.layout.recordings.name if self.store is not None else None

    def spool_path(self, record: SegmentRecord) -> Path | None:
        """The spool file of a segment not yet uploaded (it may have vanished since)."""
        if record.storage_state == "uploaded" or not record.local_path:
            return None
        return self.spool_root / record.local_path

    def object_path(self, record: SegmentRecord) -> Path | None:
        """The file of an uploaded segment in the filesystem store; None on other stores."""
        if record.storage_state != "uploaded" or not record.object_key or not isinstance(self.store, FilesystemStore):
            return None
        assert self.bucket is not None
        return self.store.root.joinpath(self.bucket, *check_key(record.object_key).split("/"))

    def presigned_url(self, record: SegmentRecord) -> str | None:
        """A presigned GET URL of an uploaded segment (S3 only, when presigning is enabled)."""
        if not self.presign or record.storage_state != "uploaded" or not record.object_key or self.store is None:
            return None
        assert self.bucket is not None
        try:
            return self.store.presigned_get_url(self.bucket, record.object_key, self.presign_expiry_s)
        except StorageError as exc:
            log.warning("cannot presign segment %d: %s", record.id, exc.message)
            return None

    def gui_url(self, record: SegmentRecord, base_url: str) -> tuple[str, bool]:
        """``(url, requires_auth)`` for the GUI: a presigned URL, else the backend's media route."""
        presigned = self.presigned_url(record)
        if presigned is not None:
            return presigned, False
        return base_url.rstrip("/") + MEDIA_ROUTE.format(segment_id=record.id), True

    def decode_location(self, record: SegmentRecord) -> str:
        """A path or URL PyAV can open for this segment (blocking: checks files). Raises
        SegmentUnavailableError, StorageUnavailableError."""
        for path in (self.spool_path(record), self.object_path(record)):
            if path is not None and path.is_file():
                return str(path)
        if record.storage_state == "uploaded":
            if self.store is None:
                raise StorageUnavailableError("no object store is configured in this backend")
            assert self.bucket is not None and record.object_key is not None
            try:
                url = self.store.presigned_get_url(self.bucket, record.object_key, 600)
            except StorageError as exc:
                raise StorageUnavailableError(exc.message) from exc
            if url:
                return url
            raise StorageUnavailableError("the object store cannot hand out a URL for the segment")
        raise SegmentUnavailableError(record.id, "spool file missing")

    async def reader(self, record: SegmentRecord) -> FileReader | StoreReader:
        """A reader of the segment's bytes. Raises FileNotFoundError when the spool copy vanished (the caller
        re-reads the row: it was probably just uploaded), SegmentUnavailableError, StorageUnavailableError."""
        spool = self.spool_path(record)
        if spool is not None:
            return await FileReader.open(spool)
        if record.storage_state != "uploaded" or not record.object_key:
            raise SegmentUnavailableError(record.id, "no spool file and not uploaded")
        if self.store is None:
            raise StorageUnavailableError("no object store is configured in this backend")
        path = self.object_path(record)
        if path is not None:
            try:
                return await FileReader.open(path)
            except FileNotFoundError:
                raise SegmentUnavailableError(record.id, "object missing from the store") from None
        assert self.bucket is not None
        return StoreReader(self.store, self.bucket, record.object_key, record.size_bytes)

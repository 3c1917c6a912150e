"""Plain records of the storage tables and what the recorder hands over, shared by the storage modules.

``SegmentRecord`` / ``GarbageRecord`` are copies of one ``segments`` / ``garbage`` row (see
``backend.db.models``), detached from any session; ``ClosedSegmentLike`` is the recorder's description of a
durable segment file. Re-exported by ``backend.storage.segment_index``, where callers import them from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Protocol


class ClosedSegmentLike(Protocol):
    """What the recorder hands over once a segment file is durable (``media.segment_writer.ClosedSegment``).

    Times are UTC µs (wall) and µs (media duration); ``size_bytes`` and ``sha256`` (hex) describe the file
    at ``path`` exactly.
    """

    @property
    def path(self) -> Path | str: ...
    @property
    def camera_key(self) -> str: ...
    @property
    def start_us(self) -> int: ...
    @property
    def end_us(self) -> int: ...
    @property
    def media_duration_us(self) -> int: ...
    @property
    def frames(self) -> int: ...
    @property
    def key_frames(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def container(self) -> str: ...
    @property
    def codec(self) -> str: ...
    @property
    def width(self) -> int | None: ...
    @property
    def height(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """A plain copy of one ``segments`` row (see ``backend.db.models.Segment`` for the columns' meaning)."""

    id: int
    camera_id: str
    session_id: str | None
    start_us: int
    end_us: int
    media_duration_us: int
    frames: int
    key_frames: int
    size_bytes: int
    sha256: str
    container: str
    codec: str
    width: int | None
    height: int | None
    storage_state: str
    local_path: str | None
    object_key: str | None
    etag: str | None
    thumbnail_key: str | None
    upload_attempts: int
    last_upload_error: str | None
    created_us: int
    uploaded_us: int | None

    @classmethod
    def of(cls, row: Any) -> SegmentRecord:
        """From a ``Segment`` ORM object or a Core row with the ``segments`` columns."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def as_dict(self) -> dict[str, Any]:
        """The row as a JSON-ready dict (snake_case column names)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class GarbageRecord:
    """A plain copy of one ``garbage`` row."""

    id: int
    kind: str
    camera_id: str | None
    local_path: str | None
    object_key: str | None  # "<bucket>/<key>"
    size_bytes: int | None
    reason: str
    created_us: int

    @classmethod
    def of(cls, row: Any) -> GarbageRecord:
        """From a ``Garbage`` ORM object or a Core row with the ``garbage`` columns."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

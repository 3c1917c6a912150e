"""Object keys and content types of what the uploader stores.

Segment: ``<camera_id>/<YYYY>/<MM>/<DD>/<start_us>.<ext>`` in the recordings bucket, the date being the UTC
day of ``start_us``; its thumbnail: the same key with the thumbnail's extension in the thumbnails bucket.
Keys sort by time within a camera and day, and a re-upload of the same segment writes the same key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import PurePosixPath

CONTENT_TYPES = {
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
    ".mkv": "video/x-matroska",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def segment_key(camera_id: str, start_us: int, extension: str) -> str:
    """``<camera_id>/<YYYY>/<MM>/<DD>/<start_us><extension>``; ``extension`` with its dot (``".ts"``)."""
    day = datetime.fromtimestamp(start_us // 1_000_000, tz=UTC)
    return f"{camera_id}/{day:%Y}/{day:%m}/{day:%d}/{start_us}{extension.lower()}"


def content_type(path: str) -> str:
    """The MIME type for a file name's extension (``application/octet-stream`` if unknown)."""
    return CONTENT_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")

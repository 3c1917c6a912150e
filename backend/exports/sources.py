"""Where an export reads footage: the backend's own segments, or XProtect's ImageServer.

- ``segment_location``: a path (spool file, or the filesystem store's object file) or a presigned URL (S3) that
  PyAV opens for a segment; a segment whose file or object is gone raises ``SourceVanishedError`` (the job then
  fails: an export never silently leaves out footage it planned to include).
- ``copy_from_imageserver``: recorded H.264 of an XProtect camera over ``[lo_us, hi_us)`` through the
  ImageServer protocol (MILESTONE_PROTOCOL.md §3: ``connect`` with the vms_token and GenericByteData, ``goto``
  the time, ``goto`` the answer's ``sync_ms`` key frame when it landed mid-GOP, then ``next`` until past
  ``hi_us`` or the end of the recordings, where ``Next`` equals ``Current``); each access unit goes to the
  writer with its ``picture_ms`` (ms UTC) as its time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from backend.milestone_link import MilestoneLink, MilestoneUnavailableError
from backend.playback.local_index import CameraInfo
from backend.storage.base import ObjectStore, check_key
from backend.storage.errors import StorageError
from backend.storage.filesystem import FilesystemStore
from backend.storage.segment_index import SegmentRecord
from media.reconnect import image_server_ssl_context
from milestone.errors import MilestoneError
from milestone.imageserver import ImageServerConnection

from .errors import SourceUnavailableError, SourceVanishedError
from .mp4 import ExactMp4Writer

BATCH = 32  # ImageServer frames handed to the writer's thread at once


def segment_location(record: SegmentRecord, spool_root: Path, store: ObjectStore | None, presign_s: int = 900) -> str:
    """A path or URL of the segment's bytes (blocking: checks the file / object). Raises SourceVanishedError
    (gone), SourceUnavailableError (the store cannot be reached)."""
    if record.storage_state != "uploaded":
        path = spool_root / (record.local_path or "")
        if record.local_path and path.is_file():
            return str(path)
        raise SourceVanishedError(record.camera_id, f"segment {record.id}: spool file missing")
    if store is None or not record.object_key:
        raise SourceUnavailableError(record.camera_id, "no object store is configured in this backend")
    bucket = store.layout.recordings.name
    if isinstance(store, FilesystemStore):
        path = store.root.joinpath(bucket, *check_key(record.object_key).split("/"))
        if path.is_file():
            return str(path)
        raise SourceVanishedError(record.camera_id, f"segment {record.id}: object missing from the store")
    try:
        if store.stat(bucket, record.object_key) is None:
            raise SourceVanishedError(record.camera_id, f"segment {record.id}: object missing from the store")
        url = store.presigned_get_url(bucket, record.object_key, presign_s)
    except StorageError as exc:
        raise SourceUnavailableError(record.camera_id, exc.message) from exc
    if url is None:
        raise SourceUnavailableError(record.camera_id, "the object store cannot hand out a URL for the segment")
    return url


async def copy_from_imageserver(
    writer: ExactMp4Writer,
    link: MilestoneLink,
    camera: CameraInfo,
    lo_us: int,
    hi_us: int,
    *,
    timeout_s: float,
    on_frame: Callable[[int], None] = lambda t: None,
) -> int:
    """Feed XProtect's recording of ``camera`` over ``[lo_us, hi_us)`` to ``writer`` (pre-roll from the key
    frame at or before ``lo_us`` included). Returns the frames read. ``on_frame(time_us)`` reports progress.
    Raises SourceUnavailableError (XProtect not connected, refused, unreachable, not H.264), ``Stopped``."""
    try:
        session = link.session()
        xcamera = (await link.inventory()).camera(camera.milestone_device_id or camera.id)
        conn = await ImageServerConnection.open_camera(
            xcamera,
            session.current_vms_token(),
            stream_id=None,
            jpeg=False,
            ssl_context=image_server_ssl_context(session, xcamera),
            timeout=timeout_s,
        )
    except MilestoneUnavailableError as exc:
        raise SourceUnavailableError(camera.id, f"XProtect {exc.state}") from exc
    except KeyError as exc:
        raise SourceUnavailableError(camera.id, "the camera is not in XProtect's inventory") from exc
    except MilestoneError as exc:
        link.report_failure(exc)
        raise SourceUnavailableError(camera.id, f"ImageServer: {type(exc).__name__}") from exc
    frames = 0
    try:
        frame = await conn.goto(lo_us // 1000)
        if not frame.empty and not frame.key_frame and frame.sync_ms:
            frame = await conn.goto(frame.sync_ms)
        batch: list[tuple[int, bool, bytes]] = []
        while not frame.empty:
            if frame.codec.name != "H264":
                raise SourceUnavailableError(camera.id, f"XProtect sends {frame.codec.name}, not H.264")
            time_us = frame.picture_ms * 1000
            if time_us >= hi_us:
                break
            batch.append((time_us, frame.key_frame, frame.payload))
            frames += 1
            if len(batch) >= BATCH:
                await asyncio.to_thread(_feed, writer, batch)
                on_frame(time_us)
                batch = []
            if frame.next_ms == frame.current_ms or frame.next_ms == 0:
                break  # the end of XProtect's recordings
            frame = await conn.next()
        if batch:
            await asyncio.to_thread(_feed, writer, batch)
    except MilestoneError as exc:
        link.report_failure(exc)
        raise SourceUnavailableError(camera.id, f"ImageServer: {type(exc).__name__}: {str(exc)[:120]}") from exc
    finally:
        await conn.aclose()
    return frames


def _feed(writer: ExactMp4Writer, batch: list[tuple[int, bool, bytes]]) -> None:
    for time_us, key, data in batch:
        if not writer.add_packet(time_us, key, data):
            return

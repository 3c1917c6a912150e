"""Reading recordings: the playback source list, snapshots and a segment's bytes.

- ``source(camera, range)``: the camera's playable local segments overlapping the range (oldest first, each
  with a URL PyAV can open, see ``sources.SegmentLocator``), where XProtect has footage, and which source to
  play (``preferred``: the one with footage at ``at_us`` when only one has, else the one covering more).
- ``snapshot(camera, time)``: the local segment holding the time decoded at that time (``snapshot.py``), else
  XProtect ``JPEGGetAt`` (MILESTONE_PROTOCOL.md §4); NothingRecordedError when neither has a picture.
- ``segment_picture(id, time)``: the decoded picture of one segment at a time (detection thumbnails).
- ``open_segment(id)``: the segment row and a reader of its bytes for the byte-range route; a spool copy that
  vanished under the reader (the uploader just finished) is retried from the object store.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.api.schemas_playback import LocalSegmentRef, MilestoneSourceRef, PlaybackSourceResult, TimeRange
from backend.db.reads import ReadDatabase
from backend.storage.segment_index import SegmentRecord

from . import local_index as idx
from .errors import (
    MilestoneUnreachableError,
    NothingRecordedError,
    PlaybackError,
    SegmentNotFoundError,
    SegmentUnavailableError,
    SnapshotFailedError,
)
from .media import FileReader, StoreReader
from .merge import clip, total, union
from .milestone_source import MilestoneSource, MilestoneUnavailable
from .ranges import QueryRange, from_us, iso_z
from .snapshot import Picture, Snapshot, SnapshotError, picture_from_segment, snapshot_from_segment
from .sources import SegmentLocator

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _SourceLocal:
    camera: idx.CameraInfo
    refs: list[LocalSegmentRef]
    truncated: bool


class PlaybackAccess:
    """See the module docstring. ``max_segments`` bounds one source answer; ``snapshot_concurrency`` how many
    snapshots decode at once (CPU)."""

    def __init__(
        self,
        db: ReadDatabase,
        milestone: MilestoneSource,
        locator: SegmentLocator,
        *,
        suspects: idx.SuspectCameras | None = None,
        max_segments: int = 2000,
        snapshot_concurrency: int = 2,
        join_us: int = 1_000_000,
    ) -> None:
        self._db = db
        self._suspects = suspects
        self._milestone = milestone
        self.locator = locator
        self._max_segments = max_segments
        self._decoding = asyncio.Semaphore(snapshot_concurrency)
        self._join_us = join_us

    # ------------------------------------------------------------------------------------------ source

    async def source(
        self, camera_id: str, rng: QueryRange, base_url: str, at_us: int | None = None
    ) -> PlaybackSourceResult:
        """Where to read ``rng`` of ``camera_id``; ``at_us`` (µs UTC) the moment the player opens at: when only
        one source has footage there, it is preferred (a moment only the backend recorded is not shown from
        XProtect's last picture before its gap). Raises CameraNotFoundError."""
        local = await self._db.run(self._source_local, camera_id, rng, base_url)
        camera = local.camera
        milestone_ref = None
        milestone_cover = 0
        ranges: list[tuple[int, int]] = []
        if self._milestone.applicable(camera):
            try:
                footage = await self._milestone.footage(camera, rng.start_us, rng.end_us, motion=False)
                ranges = clip(footage.recordings, rng.start_us, rng.end_us)
            except MilestoneUnavailable as exc:
                log.warning("playback source of camera %s: XProtect unavailable (%s)", camera.id, exc.reason)
            milestone_cover = total(ranges)
            milestone_ref = MilestoneSourceRef(
                camera_id=camera.milestone_device_id or camera.id,
                recording_server_id=camera.recording_server_id,
                ranges=[TimeRange(start=from_us(s), end=from_us(e)) for s, e in ranges],
            )
        local_ranges = union(clip(((r.start_us, r.end_us) for r in local.refs), rng.start_us, rng.end_us))
        local_cover = total(local_ranges)
        preferred = preferred_source(local_cover, milestone_cover, local_ranges, ranges, at_us)
        return PlaybackSourceResult(
            camera_id=camera.id,
            query_range=TimeRange(start=from_us(rng.start_us), end=from_us(rng.end_us)),
            local=local.refs,
            milestone=milestone_ref,
            preferred=preferred,  # type: ignore[arg-type]
            truncated=local.truncated,
        )

    def _source_local(self, session: Session, camera_id: str, rng: QueryRange, base_url: str) -> _SourceLocal:
        camera = idx.camera_info(session, camera_id)
        lost = idx.unplayable(session, camera_id, rng.start_us, rng.end_us, self.locator.spool_root, self._suspects)
        rows = idx.segments_in(
            session, camera_id, rng.start_us, rng.end_us, limit=self._max_segments + 1, exclude=[r.id for r in lost]
        )
        refs = []
        for record in rows[: self._max_segments]:
            url, requires_auth = self.locator.gui_url(record, base_url)
            refs.append(
                LocalSegmentRef(
                    segment_id=str(record.id),
                    start_time=from_us(record.start_us),
                    end_time=from_us(record.end_us),
                    start_us=record.start_us,
                    end_us=record.end_us,
                    url=url,
                    requires_auth=requires_auth,
                    size_bytes=record.size_bytes,
                    container=record.container,
                    codec=record.codec,
                )
            )
        return _SourceLocal(camera, refs, len(rows) > self._max_segments)

    # ------------------------------------------------------------------------------------------ snapshot

    async def snapshot(self, camera_id: str, time_us: int) -> Snapshot:
        """The picture at or just before ``time_us``. Raises CameraNotFoundError, NothingRecordedError,
        MilestoneUnreachableError (no local picture and XProtect not reachable), SnapshotFailedError."""
        camera, record = await self._db.run(self._snapshot_local, camera_id, time_us)
        failure: str | None = None
        if record is not None:
            try:
                async with self._decoding:
                    return await asyncio.to_thread(self._decode, record, time_us)
            except SegmentUnavailableError:
                pass  # lost before upload (an upload_failed gap): XProtect may still have the time
            except (SnapshotError, PlaybackError) as exc:
                failure = str(exc) if isinstance(exc, SnapshotError) else exc.message
                log.warning("snapshot of camera %s from segment %d failed: %s", camera_id, record.id, failure)
        milestone_state = "not_applicable"
        if self._milestone.applicable(camera):
            try:
                found = await self._milestone.jpeg_at(camera, time_us)
            except MilestoneUnavailable as exc:
                if failure is None:
                    raise MilestoneUnreachableError(exc.reason) from exc
                milestone_state = "unavailable"
            else:
                if found is not None:
                    picture_us, jpeg = found
                    return Snapshot(picture_us, jpeg, 0, 0)
                milestone_state = "ok"
        if failure is not None:
            raise SnapshotFailedError(failure, {"cameraId": camera_id, "milestone": milestone_state})
        raise NothingRecordedError(camera_id, iso_z(time_us), milestone_state)

    def _snapshot_local(
        self, session: Session, camera_id: str, time_us: int
    ) -> tuple[idx.CameraInfo, SegmentRecord | None]:
        camera = idx.camera_info(session, camera_id)
        return camera, idx.segment_at(session, camera_id, time_us, tolerance_us=self._join_us)

    def _decode(self, record: SegmentRecord, time_us: int) -> Snapshot:
        location = self.locator.decode_location(record)
        return snapshot_from_segment(location, record.start_us, min(time_us, record.end_us - 1))

    async def segment_picture(self, segment_id: int, time_us: int) -> Picture:
        """The picture of segment ``segment_id`` at or before ``time_us`` (UTC µs), decoded from the spool file
        or the object store (with the snapshots' concurrency limit). A spool copy deleted by the uploader
        between look-up and decoding is retried from the store. Raises SegmentNotFoundError,
        SegmentUnavailableError, StorageUnavailableError, SnapshotError."""
        record = await self._segment(segment_id)
        try:
            return await self._picture(record, time_us)
        except SnapshotError:
            if record.storage_state == "uploaded":
                raise
        return await self._picture(await self._segment(segment_id), time_us)  # uploaded meanwhile?

    async def _segment(self, segment_id: int) -> SegmentRecord:
        record = await self._db.run(idx.get_segment, segment_id)
        if record is None:
            raise SegmentNotFoundError(str(segment_id))
        return record

    async def _picture(self, record: SegmentRecord, time_us: int) -> Picture:
        location = await asyncio.to_thread(self.locator.decode_location, record)
        async with self._decoding:
            time_us = min(time_us, record.end_us - 1)
            return await asyncio.to_thread(picture_from_segment, location, record.start_us, time_us)

    # ------------------------------------------------------------------------------------------ media

    async def open_segment(self, segment_id: str) -> tuple[SegmentRecord, FileReader | StoreReader]:
        """The segment and a reader of its bytes. Raises SegmentNotFoundError, SegmentUnavailableError,
        StorageUnavailableError."""
        if not segment_id.isdigit() or len(segment_id) > 18:
            raise SegmentNotFoundError(segment_id)
        for _attempt in range(2):
            record = await self._db.run(idx.get_segment, int(segment_id))
            if record is None:
                raise SegmentNotFoundError(segment_id)
            try:
                return record, await self.locator.reader(record)
            except FileNotFoundError:
                continue  # uploaded (and its spool copy deleted) meanwhile: read the row again
        raise SegmentUnavailableError(int(segment_id), "spool file missing")


def _covers(ranges: list[tuple[int, int]], at_us: int) -> bool:
    return any(start <= at_us < end for start, end in ranges)


def preferred_source(
    local_cover: int,
    milestone_cover: int,
    local_ranges: list[tuple[int, int]],
    milestone_ranges: list[tuple[int, int]],
    at_us: int | None,
) -> str:
    """``local`` | ``milestone`` | ``none``: the source with footage at ``at_us`` when only one has, else the one
    covering more of the range (local on a tie; µs)."""
    if local_cover == 0 and milestone_cover == 0:
        return "none"
    if at_us is not None:
        local_has, milestone_has = _covers(local_ranges, at_us), _covers(milestone_ranges, at_us)
        if local_has != milestone_has:
            return "local" if local_has else "milestone"
    return "local" if local_cover >= milestone_cover else "milestone"

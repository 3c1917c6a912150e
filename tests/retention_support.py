"""Helpers of the clips and retention tests (no tests here): an environment with a real SQLite database, spool,
object store, segment index, clip service and retention job on one ManualClock, and segments uploaded the way
the uploader does it (put, stat, commit, spool files unlinked through garbage rows)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.db.models import Garbage, Segment
from backend.storage.base import ObjectStore
from backend.storage.clips import ClipService
from backend.storage.deletion import finish_deletions
from backend.storage.keys import segment_key
from backend.storage.legal_holds import LegalHolds
from backend.storage.retention import RetentionJob
from backend.storage.retention_settings import RetentionSettings
from backend.storage.segment_index import SegmentIndex
from backend.storage.spool import Spool
from milestone.clock import ManualClock
from tests.test_storage_support import T0_US, THUMB_US, make_db, make_segment

S_US = 1_000_000
DAY_S = 86_400


@dataclass
class Env:
    factory: sessionmaker[Session]
    spool: Spool
    store: ObjectStore
    clock: ManualClock
    index: SegmentIndex
    holds: LegalHolds
    clips: ClipService
    retention: RetentionJob

    def add(self, camera_id: str, start_s: int, *, upload: bool = True, thumbnail: bool = False) -> int:
        """A one-second segment at ``T0 + start_s`` s, uploaded (with its thumbnail) unless ``upload`` is false."""
        closed = make_segment(self.spool.root, camera_id, T0_US + start_s * S_US, thumbnail=thumbnail)
        segment_id = self.index.add_closed_segment(closed, camera_id)
        if upload:
            self.upload(segment_id)
        return segment_id

    def upload(self, segment_id: int) -> None:
        """What the uploader does for one segment (``Uploader._upload_sync``), including the on_stored hook."""
        record = self.index.claim(segment_id)
        assert record is not None and record.local_path is not None
        layout = self.store.layout
        key = segment_key(record.camera_id, record.start_us, ".ts")
        path = self.spool.path(record.local_path)
        stored = self.store.put_file(layout.recordings.name, key, path, content_type="video/mp2t", sha256=record.sha256)
        files = [record.local_path]
        thumb_key = None
        for thumb in self.spool.thumbnails_for(record.local_path, record.start_us, record.end_us):
            data = self.spool.path(thumb).read_bytes()
            thumb_key = segment_key(record.camera_id, record.start_us + THUMB_US, ".jpg")
            digest = hashlib.sha256(data).hexdigest()
            self.store.put_file(
                layout.thumbnails.name, thumb_key, self.spool.path(thumb), content_type="image/jpeg", sha256=digest
            )
            files.append(thumb)
        uploaded, _ = self.index.mark_uploaded(
            segment_id,
            object_key=key,
            etag=stored.etag,
            thumbnail_key=thumb_key,
            uploaded_us=int(self.clock.time() * S_US),
            delete_local=files,
        )
        finish_deletions(self.index, self.store)
        self.holds.hold_uploaded(uploaded)

    def segment_ids(self) -> set[int]:
        with self.factory() as s:
            return set(s.scalars(select(Segment.id)))

    def garbage(self) -> list[Garbage]:
        with self.factory() as s:
            return list(s.scalars(select(Garbage)))

    def present(self, bucket: str, keys: set[str]) -> set[str]:
        """Those of ``keys`` the store has in ``bucket``."""
        return {k for k in keys if self.store.stat(bucket, k) is not None}

    def objects(self, bucket: str) -> set[str]:
        """Keys of ``bucket`` the segments table names, that the store still has."""
        with self.factory() as s:
            keys = s.scalars(select(Segment.object_key if bucket == "recordings" else Segment.thumbnail_key))
            return {k for k in keys if k and self.store.stat(bucket, k) is not None}


def make_env(tmp_path: Path, store: ObjectStore, *, days: int = 1) -> Env:
    factory = make_db(tmp_path)
    spool = Spool(tmp_path / "spool", min_free_bytes=0, min_free_ratio=0.0)
    spool.create()
    clock = ManualClock(wall=T0_US / 1e6)
    index = SegmentIndex(factory, spool, clock)
    store.ensure_buckets()
    holds = LegalHolds(factory, store, clock)
    clips = ClipService(factory, clock, holds=holds)
    settings = RetentionSettings(batch_size=2)  # several batches per pass
    retention = RetentionJob(index, factory, store, clock, days=days, settings=settings, holds=holds, lock=clips.lock)
    return Env(factory, spool, store, clock, index, holds, clips, retention)

"""Deleting segments without losing track of files (after moonfire-nvr's ``db/writer.rs``).

Order: (1) in one transaction the segment row becomes ``garbage`` delete rows naming its local file(s) and
objects; (2) the local files are unlinked and their directory fsynced, the objects deleted from the store;
(3) each garbage row whose deletions all succeeded is deleted. A crash anywhere leaves garbage rows that
:func:`finish_deletions` (run by start-up recovery and by the retention job) completes. Nothing is deleted
that no row names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from backend.storage.base import BucketLayout, ObjectStore
from backend.storage.errors import StorageError
from backend.storage.fsutil import unlink_durably
from backend.storage.segment_index import GarbageRecord, SegmentIndex

log = logging.getLogger(__name__)


def split_object_key(value: str) -> tuple[str, str]:
    """``"<bucket>/<key>"`` (as garbage rows store it) → ``(bucket, key)``."""
    bucket, sep, key = value.partition("/")
    if not sep or not bucket or not key:
        raise ValueError(f"not a <bucket>/<key> reference: {value!r}")
    return bucket, key


@dataclass(slots=True)
class DeletionResult:
    """What a pass over garbage delete rows did: rows completed, and rows left (store down or no store)."""

    finished: list[GarbageRecord] = field(default_factory=list)
    pending: list[GarbageRecord] = field(default_factory=list)


def _carry_out(index: SegmentIndex, garbage: list[GarbageRecord], store: ObjectStore | None) -> DeletionResult:
    result = DeletionResult()
    for row in garbage:
        done = True
        if row.local_path:
            try:
                unlink_durably(index.spool.path(row.local_path))
            except OSError as exc:
                log.warning("cannot delete spool file %s: %s", row.local_path, exc)
                done = False
        if row.object_key:
            if store is None:
                done = False
            else:
                try:
                    store.delete(*split_object_key(row.object_key))
                except StorageError as exc:
                    log.warning("cannot delete object %s now: %s", row.object_key, exc.message)
                    done = False
        if done:
            index.delete_garbage([row.id])
            result.finished.append(row)
        else:
            result.pending.append(row)
    return result


def finish_deletions(index: SegmentIndex, store: ObjectStore | None = None) -> DeletionResult:
    """Complete every pending garbage delete row (local unlink + fsync; object deletes need ``store``)."""
    return _carry_out(index, index.garbage("delete"), store)


def delete_segment(
    index: SegmentIndex,
    segment_id: int,
    *,
    reason: str,
    store: ObjectStore | None = None,
    layout: BucketLayout | None = None,
) -> DeletionResult | None:
    """Retention-safe delete of one segment: its spool file and thumbnail, its object and thumbnail object.

    Returns what was done (``pending`` rows stay for a later :func:`finish_deletions`, e.g. when the store is
    down); ``None`` if the segment does not exist or is being uploaded right now. ``reason`` (e.g.
    ``"retention 90 d"``) is kept in the garbage rows.
    """
    record = index.get(segment_id)
    if record is None:
        return None
    layout = layout or (store.layout if store is not None else BucketLayout())
    object_keys = []
    if record.object_key:
        object_keys.append(f"{layout.recordings.name}/{record.object_key}")
    if record.thumbnail_key:
        object_keys.append(f"{layout.thumbnails.name}/{record.thumbnail_key}")
    thumbnails = (
        index.spool.thumbnails_for(record.local_path, record.start_us, record.end_us) if record.local_path else []
    )
    garbage = index.move_to_garbage(segment_id, reason, extra_local=thumbnails, object_keys=object_keys)
    if garbage is None:
        return None
    return _carry_out(index, garbage, store)

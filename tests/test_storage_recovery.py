"""Start-up recovery and the retention-safe delete path, on a real spool, SQLite database and filesystem store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.db.models import Garbage, Segment
from backend.storage.deletion import delete_segment, finish_deletions
from backend.storage.filesystem import FilesystemStore
from backend.storage.recovery import recover_spool
from backend.storage.segment_index import SegmentIndex
from backend.storage.spool import Spool
from media.recorder_probe import probe_segment, seal_partial
from milestone.clock import ManualClock
from tests.test_storage_support import (
    CAM_A,
    CAM_B,
    T0_US,
    THUMB_US,
    add_session,
    make_db,
    make_segment,
    spool_rel,
    thumb_path,
)

SEG_US = 1_000_000
UNKNOWN_CAMERA = "0b8f3c2e-0000-4000-8000-0000000000ff"


@pytest.fixture
def env(tmp_path):
    factory = make_db(tmp_path)
    spool = Spool(tmp_path / "spool", min_free_bytes=0, min_free_ratio=0.0)
    spool.create()
    clock = ManualClock(wall=T0_US / 1e6 + 120)
    return factory, spool, SegmentIndex(factory, spool, clock)


@pytest.fixture
def probes():
    """(probe, seal_partial): the recorder's own (media/recorder_probe.py), as the backend's recovery uses them."""
    return probe_segment, seal_partial


def _recover(index: SegmentIndex, store=None, probes=(probe_segment, seal_partial)):
    probe, seal = probes
    return recover_spool(index, probe=probe, seal_partial=seal, store=store)


def _all(factory, model) -> list:
    with factory() as s:
        return list(s.scalars(select(model).order_by(model.id)))


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_recovery_indexes_seals_and_quarantines(env, probes) -> None:
    factory, spool, index = env
    add_session(factory, "sess-a", CAM_A, T0_US - SEG_US, T0_US + 60 * SEG_US)
    # 1. A segment indexed normally (must be left alone).
    known = make_segment(spool.root, CAM_A, T0_US)
    known_id = index.add_closed_segment(known, CAM_A, "sess-a")
    # 2. Complete files whose rows were never written (crash between rename and insert); one has a thumbnail.
    orphan_a = make_segment(spool.root, CAM_A, T0_US + SEG_US, thumbnail=True)
    make_segment(spool.root, CAM_B, T0_US)
    # 3. A segment cut short by a crash, still named .partial: its whole packets are sealed into a segment.
    whole = make_segment(spool.root, CAM_A, T0_US + 2 * SEG_US, frames=20)
    data = whole.path.read_bytes()
    whole.path.unlink()
    partial = spool.path(spool_rel(CAM_A, T0_US + 2 * SEG_US, ".ts.partial"))
    partial.write_bytes(data[: len(data) * 2 // 3 + 77])
    # 4. Broken things: garbage named like a segment, an unreadable partial, a stray file, a lone thumbnail,
    #    and a readable segment of a camera this backend does not know.
    broken = spool.path(spool_rel(CAM_B, T0_US + SEG_US))
    broken.write_bytes(os.urandom(3000))
    bad_partial = spool.path(spool_rel(CAM_B, T0_US + 2 * SEG_US, ".ts.partial"))
    bad_partial.write_bytes(b"\x47" + b"\x00" * 50)
    (spool.root / "notes.txt").write_text("left by someone")
    spool.path(spool_rel(CAM_B, T0_US + 9 * SEG_US, ".jpg")).write_bytes(b"\xff\xd8 lone thumbnail")
    unfinished = spool.path(spool_rel(CAM_A, T0_US + SEG_US + 500_000, ".jpg.partial"))
    unfinished.write_bytes(b"\xff\xd8 half a thumbnail")
    stranger = make_segment(spool.root, UNKNOWN_CAMERA, T0_US)
    sizes_before = {p: p.stat().st_size for p in (broken, bad_partial, stranger.path)}

    report = _recover(index, probes=probes)

    rows = {(r.camera_id, r.start_us): r for r in _all(factory, Segment)}
    assert set(rows) == {(CAM_A, T0_US), (CAM_A, T0_US + SEG_US), (CAM_B, T0_US), (CAM_A, T0_US + 2 * SEG_US)}
    assert rows[(CAM_A, T0_US)].id == known_id and known_id not in report.indexed
    recovered = rows[(CAM_A, T0_US + SEG_US)]
    assert sorted(report.indexed) == sorted([recovered.id, rows[(CAM_B, T0_US)].id])
    assert (recovered.size_bytes, recovered.sha256, recovered.frames) == (
        orphan_a.size_bytes,
        orphan_a.sha256,
        orphan_a.frames,
    )
    assert recovered.local_path == spool_rel(CAM_A, T0_US + SEG_US) and recovered.storage_state == "local"
    assert recovered.session_id == "sess-a" and rows[(CAM_B, T0_US)].session_id is None
    sealed = rows[(CAM_A, T0_US + 2 * SEG_US)]
    assert report.sealed == [sealed.id] and 0 < sealed.frames < 20 and sealed.key_frames == 1
    assert sealed.local_path == spool_rel(CAM_A, T0_US + 2 * SEG_US) and not partial.exists()

    quarantined = {q.original: q for q in report.quarantined}
    assert set(quarantined) == {
        spool_rel(CAM_B, T0_US + SEG_US),
        spool_rel(CAM_B, T0_US + 2 * SEG_US, ".ts.partial"),
        "notes.txt",
        spool_rel(CAM_B, T0_US + 9 * SEG_US, ".jpg"),
        spool_rel(CAM_A, T0_US + SEG_US + 500_000, ".jpg.partial"),
        spool_rel(UNKNOWN_CAMERA, T0_US),
    }
    assert "not a readable segment" in quarantined[spool_rel(CAM_B, T0_US + SEG_US)].reason
    assert "unknown camera" in quarantined[spool_rel(UNKNOWN_CAMERA, T0_US)].reason
    assert "thumbnail without a segment" in quarantined[spool_rel(CAM_B, T0_US + 9 * SEG_US, ".jpg")].reason
    garbage = {g.id: g for g in _all(factory, Garbage)}
    assert "unfinished thumbnail" in quarantined[spool_rel(CAM_A, T0_US + SEG_US + 500_000, ".jpg.partial")].reason
    assert {g.kind for g in garbage.values()} == {"quarantine"} and len(garbage) == 6
    for q in report.quarantined:  # every moved file has its row, and its bytes are intact
        assert garbage[q.garbage_id].local_path == q.quarantined == f"quarantine/{q.original}"
        assert q.original in garbage[q.garbage_id].reason
        assert spool.path(q.quarantined).is_file() and not spool.path(q.original).exists()
    for path, size in sizes_before.items():
        assert (spool.quarantine_dir / path.relative_to(spool.root)).stat().st_size == size
    # Nothing was deleted: the spool holds the indexed segments, the thumbnail beside its segment, the quarantine.
    assert _files(spool.root) == {
        spool_rel(CAM_A, T0_US),
        spool_rel(CAM_A, T0_US + SEG_US),
        spool_rel(CAM_A, T0_US + SEG_US + THUMB_US, ".jpg"),
        spool_rel(CAM_A, T0_US + 2 * SEG_US),
        spool_rel(CAM_B, T0_US),
    } | {q.quarantined for q in report.quarantined}

    # A second run finds everything accounted for.
    again = _recover(index, probes=probes)
    assert (again.indexed, again.sealed, again.quarantined, again.missing) == ([], [], [], [])


def test_missing_file_is_reported_not_dropped(env) -> None:
    _, spool, index = env
    closed = make_segment(spool.root, CAM_A, T0_US)
    segment_id = index.add_closed_segment(closed, CAM_A)
    other = make_segment(spool.root, CAM_A, T0_US + SEG_US)
    other_id = index.add_closed_segment(other, CAM_A)
    assert index.claim(other_id) is not None  # a crash mid-upload
    closed.path.unlink()  # someone removed the file by hand

    report = _recover(index)

    assert report.missing == [segment_id] and report.reset_uploading == 1
    row = index.get(segment_id)
    assert row is not None and row.storage_state == "local"
    assert "missing at start-up recovery" in (row.last_upload_error or "")
    assert index.get(other_id).storage_state == "local"  # type: ignore[union-attr]


def test_retention_delete_and_unfinished_deletions(env, tmp_path) -> None:
    factory, spool, index = env
    store = FilesystemStore(tmp_path / "objects")
    store.ensure_buckets()
    local = make_segment(spool.root, CAM_A, T0_US, thumbnail=True)
    local_id = index.add_closed_segment(local, CAM_A)
    uploaded = make_segment(spool.root, CAM_A, T0_US + SEG_US)
    uploaded_id = index.add_closed_segment(uploaded, CAM_A)
    key = f"{CAM_A}/2026/09/21/{T0_US + SEG_US}.ts"
    store.put_file("recordings", key, uploaded.path, content_type="video/mp2t", sha256=uploaded.sha256)
    index.claim(uploaded_id)
    rel = spool_rel(CAM_A, T0_US + SEG_US)
    _, garbage_ids = index.mark_uploaded(
        uploaded_id, object_key=key, etag="e", thumbnail_key=None, uploaded_us=T0_US, delete_local=[rel]
    )
    assert len(garbage_ids) == 1 and finish_deletions(index, store).finished[0].local_path == rel  # as the uploader
    assert not uploaded.path.exists()

    # A local segment: row -> garbage, unlink (+ its thumbnail), fsync, garbage row deleted.
    result = delete_segment(index, local_id, reason="retention 90 d", store=store)
    assert result is not None and len(result.finished) == 2 and result.pending == []
    assert index.get(local_id) is None and not local.path.exists() and not thumb_path(local).exists()

    # An uploaded segment while the store is not at hand: the object deletion stays pending in garbage.
    result = delete_segment(index, uploaded_id, reason="retention 90 d", store=None)
    assert result is not None and result.finished == [] and len(result.pending) == 1
    assert index.get(uploaded_id) is None and store.stat("recordings", key) is not None
    pending = _all(factory, Garbage)
    assert [(g.kind, g.object_key) for g in pending] == [("delete", f"recordings/{key}")]
    assert "retention 90 d" in pending[0].reason

    # A crash after the garbage row, before the unlink: recovery finishes the deletion it names.
    crashed = make_segment(spool.root, CAM_B, T0_US)
    index.add_garbage("delete", "uploaded segment 99", local_path=spool_rel(CAM_B, T0_US), camera_id=CAM_B)
    report = _recover(index, store=store)
    assert len(report.deletions.finished) == 2 and report.deletions.pending == []
    assert not crashed.path.exists() and store.stat("recordings", key) is None
    assert _all(factory, Garbage) == [] and report.indexed == [] and report.quarantined == []
    assert finish_deletions(index, store).finished == []
    # Deleting an unknown segment, or one being uploaded, does nothing.
    assert delete_segment(index, 12345, reason="x", store=store) is None
    busy = make_segment(spool.root, CAM_B, T0_US + SEG_US)
    busy_id = index.add_closed_segment(busy, CAM_B)
    index.claim(busy_id)
    assert delete_segment(index, busy_id, reason="x", store=store) is None and busy.path.exists()


def test_claim_pending_and_garbage_rows_finished_by_the_next_upload(env) -> None:
    factory, spool, index = env
    segments = [make_segment(spool.root, CAM_A, T0_US + i * SEG_US) for i in (2, 0, 1)]
    ids = {c.start_us: index.add_closed_segment(c, CAM_A) for c in segments}
    first = index.claim_pending(2, exclude=[ids[T0_US]])  # oldest first, skipping the excluded one
    assert [r.start_us for r in first] == [T0_US + SEG_US, T0_US + 2 * SEG_US]
    assert all(r.storage_state == "uploading" and r.upload_attempts == 1 for r in first)
    assert index.claim_pending(5) == [index.get(ids[T0_US])]  # the one left; nothing else is local
    assert index.claim_pending(5) == [] and index.claim(ids[T0_US]) is None

    # Upload 1 commits its garbage row; upload 2 deletes that row (its file gone) in its own transaction.
    rel1, rel2 = spool_rel(CAM_A, T0_US + SEG_US), spool_rel(CAM_A, T0_US + 2 * SEG_US)
    done1, garbage1 = index.mark_uploaded(
        first[0].id, object_key="k1", etag="e1", thumbnail_key=None, uploaded_us=T0_US, delete_local=[rel1]
    )
    assert done1.storage_state == "uploaded" and done1.local_path is None and len(garbage1) == 1
    spool.path(rel1).unlink()
    _, garbage2 = index.mark_uploaded(
        first[1].id,
        object_key="k2",
        etag="e2",
        thumbnail_key=None,
        uploaded_us=T0_US,
        delete_local=[rel2],
        finished_garbage=garbage1,
    )
    assert [g.local_path for g in _all(factory, Garbage)] == [rel2] and len(garbage2) == 1
    # A row no longer uploading: nothing changes, the finished ids are not consumed.
    with pytest.raises(LookupError):
        index.mark_uploaded(
            first[1].id,
            object_key="k",
            etag="e",
            thumbnail_key=None,
            uploaded_us=T0_US,
            delete_local=[rel2],
            finished_garbage=garbage2,
        )
    assert [g.id for g in _all(factory, Garbage)] == garbage2
    # A crash now (file still there, its garbage row committed): recovery finishes it, nothing quarantined.
    report = _recover(index)
    assert [g.local_path for g in report.deletions.finished] == [rel2] and report.quarantined == []
    assert not spool.path(rel2).exists() and _all(factory, Garbage) == []

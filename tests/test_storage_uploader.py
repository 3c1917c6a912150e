"""The uploader against real stores (filesystem and SeaweedFS S3) and a real SQLite database."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, text

import backend.storage.uploader as uploader_module
from backend.db.models import Garbage, Segment
from backend.storage.base import ObjectStore
from backend.storage.filesystem import FilesystemStore
from backend.storage.segment_index import SegmentIndex
from backend.storage.spool import Spool
from backend.storage.uploader import Uploader, UploadPolicy
from milestone.clock import ManualClock
from tests.s3_server import WeedS3Server
from tests.test_storage_support import (
    CAM_A,
    CAM_B,
    T0_US,
    THUMB_US,
    add_session,
    make_db,
    make_segment,
    thumb_path,
    wait_until,
)

SEG_US = 1_000_000  # the test segments are 1 s long


@pytest.fixture
def env(tmp_path):
    """(session factory, spool, index, clock): a fresh database and spool per test."""
    factory = make_db(tmp_path)
    spool = Spool(tmp_path / "spool", min_free_bytes=0, min_free_ratio=0.0)
    spool.create()
    clock = ManualClock(wall=T0_US / 1e6 + 3600)  # an hour after the first segment
    return factory, spool, SegmentIndex(factory, spool, clock), clock


def _rows(factory) -> list[Segment]:
    with factory() as s:
        return list(s.scalars(select(Segment).order_by(Segment.start_us)))


async def test_segments_go_local_to_uploaded(env, store: ObjectStore) -> None:
    factory, spool, index, clock = env
    add_session(factory, "sess-1", CAM_A, T0_US - SEG_US, T0_US + 60 * SEG_US)
    closed = [make_segment(spool.root, CAM_A, T0_US + i * SEG_US, thumbnail=(i == 0)) for i in range(3)] + [
        make_segment(spool.root, CAM_B, T0_US)
    ]
    originals = {c.path: c.path.read_bytes() for c in closed}
    ids = [index.add_closed_segment(c, c.camera_key, "sess-1" if c.camera_key == CAM_A else None) for c in closed]
    assert len(set(ids)) == 4 and index.add_closed_segment(closed[0], CAM_A) == ids[0]  # idempotent
    published: list[dict] = []
    uploader = Uploader(index, store, clock=clock, policy=UploadPolicy(concurrency=2), on_uploaded=published.append)
    gauges = await uploader.gauges()
    assert (gauges.queue_length, gauges.bytes_pending) == (4, sum(c.size_bytes for c in closed))
    await uploader.start()
    try:
        uploader.notify()
        assert await uploader.wait_idle(20)
    finally:
        await uploader.stop()

    rows = _rows(factory)
    assert [r.storage_state for r in rows] == ["uploaded"] * 4
    by_start = {(r.camera_id, r.start_us): r for r in rows}
    for c in closed:
        row = by_start[(c.camera_key, c.start_us)]
        assert row.object_key == f"{c.camera_key}/2026/09/21/{c.start_us}.ts"
        assert row.local_path is None and row.upload_attempts == 1 and row.last_upload_error is None
        assert row.uploaded_us == int(clock.time() * 1e6)
        stat = store.stat("recordings", row.object_key)
        assert stat is not None and (stat.size, stat.sha256, stat.etag) == (c.size_bytes, c.sha256, row.etag)
        assert store.open_range("recordings", row.object_key, 0, c.size_bytes + 1) == originals[c.path]
        assert not c.path.exists()  # deleted after the commit
    first = by_start[(CAM_A, T0_US)]
    assert first.thumbnail_key == f"{CAM_A}/2026/09/21/{T0_US + THUMB_US}.jpg"
    thumb = store.stat("thumbnails", first.thumbnail_key)
    assert thumb is not None and thumb.size > 100
    assert store.open_range("thumbnails", first.thumbnail_key, 0, 2) == b"\xff\xd8"  # a JPEG
    assert by_start[(CAM_A, T0_US + SEG_US)].thumbnail_key is None
    assert not any(p.is_file() for p in spool.root.rglob("*"))  # thumbnail gone from the spool too
    with factory() as s:
        assert s.scalars(select(Garbage)).all() == []

    assert sorted(p["id"] for p in published) == sorted(ids)
    assert {p["storage_state"] for p in published} == {"uploaded"}
    assert all(p["session_id"] == "sess-1" for p in published if p["camera_id"] == CAM_A)
    gauges = await uploader.gauges()
    assert (gauges.queue_length, gauges.bytes_pending, gauges.uploaded_total) == (0, 0, 4)
    assert gauges.bytes_uploaded_total == sum(c.size_bytes for c in closed)
    # Lag = upload time - segment end: the clock stands one hour after T0.
    assert gauges.upload_lag_p95_s == pytest.approx(3600 - 1, abs=0.01)


async def test_uploaded_content_is_the_segment(env, s3_server: WeedS3Server) -> None:
    factory, spool, index, clock = env
    store = s3_server.store()
    store.ensure_buckets()
    closed = make_segment(spool.root, CAM_A, T0_US + 7 * SEG_US, frames=30)
    original = closed.path.read_bytes()
    index.add_closed_segment(closed, CAM_A)
    uploader = Uploader(index, store, clock=clock)
    await uploader.start()
    try:
        assert await uploader.wait_idle(20)
    finally:
        await uploader.stop()
    key = _rows(factory)[0].object_key
    assert key is not None
    fetched = store.open_range("recordings", key, 0, len(original) + 10)
    assert hashlib.sha256(fetched).hexdigest() == closed.sha256 and fetched == original


async def test_local_file_deleted_only_after_commit(env, store: ObjectStore, monkeypatch) -> None:
    factory, spool, index, clock = env
    closed = make_segment(spool.root, CAM_A, T0_US, thumbnail=True)
    segment_id = index.add_closed_segment(closed, CAM_A)
    seen_states: list[str] = []
    real_unlink = uploader_module.unlink_durably

    def checking_unlink(path: Path) -> bool:
        with factory() as s:  # a fresh connection sees only committed data
            seen_states.append(s.get(Segment, segment_id).storage_state)
        return real_unlink(path)

    monkeypatch.setattr(uploader_module, "unlink_durably", checking_unlink)
    # First the database refuses the 'uploaded' commit: the file must stay and the row go back to local.
    with factory() as s, s.begin():
        s.execute(
            text(
                "CREATE TRIGGER refuse_uploaded BEFORE UPDATE OF storage_state ON segments "
                "WHEN NEW.storage_state = 'uploaded' BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END"
            )
        )
    uploader = Uploader(index, store, clock=clock, policy=UploadPolicy(initial_backoff_s=5))
    await uploader.start()
    try:
        await wait_until(lambda: uploader.failed_total >= 1, what="the refused commit")
        row = index.get(segment_id)
        assert row is not None and row.storage_state == "local" and row.upload_attempts == 1
        assert "disk I/O error (test)" in (row.last_upload_error or "")
        assert closed.path.exists() and thumb_path(closed).exists() and seen_states == []
        with factory() as s, s.begin():
            s.execute(text("DROP TRIGGER refuse_uploaded"))
        clock.advance(5)  # the segment's back-off
        uploader.notify()
        assert await uploader.wait_idle(20)
    finally:
        await uploader.stop()
    assert seen_states == ["uploaded", "uploaded"]  # segment and thumbnail, each after the commit
    assert not closed.path.exists() and not thumb_path(closed).exists()
    assert index.get(segment_id).upload_attempts == 2  # type: ignore[union-attr]


async def test_corrupt_segment_kept_others_uploaded(env, tmp_path) -> None:
    _, spool, index, clock = env
    store = FilesystemStore(tmp_path / "objects")
    store.ensure_buckets()
    bad = make_segment(spool.root, CAM_A, T0_US)
    good = make_segment(spool.root, CAM_A, T0_US + SEG_US)
    bad_id, good_id = index.add_closed_segment(bad, CAM_A), index.add_closed_segment(good, CAM_A)
    with open(bad.path, "r+b") as f:  # bit rot after the recorder indexed it
        f.seek(500)
        f.write(b"\x00\x01\x02")
    uploader = Uploader(index, store, clock=clock, policy=UploadPolicy(concurrency=1, initial_backoff_s=1))
    await uploader.start()
    try:
        await wait_until(lambda: uploader.uploaded_total == 1 and uploader.failed_total >= 1, what="one each")
        await wait_until(lambda: not uploader.in_flight, what="idle")
        failed_before = uploader.failed_total
        uploader.notify()  # the segment's back-off has not passed on the injected clock: no new attempt
        await asyncio.sleep(0.3)
        assert uploader.failed_total == failed_before
    finally:
        await uploader.stop()
    bad_row, good_row = index.get(bad_id), index.get(good_id)
    assert bad_row is not None and good_row is not None
    assert bad_row.storage_state == "local" and bad.path.exists()
    assert "Verification of" in (bad_row.last_upload_error or "") and "expected" in (bad_row.last_upload_error or "")
    assert store.stat("recordings", f"{CAM_A}/2026/09/21/{T0_US}.ts") is None
    assert good_row.storage_state == "uploaded" and not good.path.exists()


async def test_crash_mid_upload_reuploads_at_start(env, store: ObjectStore) -> None:
    _, spool, index, clock = env
    closed = make_segment(spool.root, CAM_A, T0_US)
    segment_id = index.add_closed_segment(closed, CAM_A)
    # The previous backend claimed the segment, even stored the object, then died before the commit.
    assert index.claim(segment_id) is not None
    key = f"{CAM_A}/2026/09/21/{T0_US}.ts"
    store.put_file("recordings", key, closed.path, content_type="video/mp2t", sha256=closed.sha256)
    assert index.get(segment_id).storage_state == "uploading"  # type: ignore[union-attr]

    uploader = Uploader(index, store, clock=clock)
    await uploader.start()
    try:
        assert await uploader.wait_idle(20)
    finally:
        await uploader.stop()
    row = index.get(segment_id)
    assert row is not None and row.storage_state == "uploaded" and row.object_key == key
    assert row.upload_attempts == 2 and not closed.path.exists()
    stat = store.stat("recordings", key)
    assert stat is not None and (stat.size, stat.sha256) == (closed.size_bytes, closed.sha256)


async def test_s3_down_then_back_nothing_lost(env, tmp_path) -> None:
    factory, spool, index, clock = env
    server = WeedS3Server(tmp_path / "s3-outage")
    server.start()
    try:
        store = server.store()
        store.ensure_buckets()
        policy = UploadPolicy(concurrency=2, initial_backoff_s=1, max_backoff_s=60, poll_interval_s=0.05)
        uploader = Uploader(index, store, clock=clock, policy=policy)
        await uploader.start()
        first = make_segment(spool.root, CAM_A, T0_US)
        index.add_closed_segment(first, CAM_A)
        uploader.notify()
        assert await uploader.wait_idle(20)

        server.stop()  # S3 down while the recorder keeps producing segments
        closed = [make_segment(spool.root, cam, T0_US + i * SEG_US) for i in range(1, 6) for cam in (CAM_A, CAM_B)]
        for c in closed:
            await uploader.add_closed_segment(c, c.camera_key)  # the recorder's hook: index, then upload
        await wait_until(lambda: uploader.failed_total >= 1, what="a failed attempt")
        await wait_until(lambda: not uploader.in_flight, what="attempts to end")
        failed = uploader.failed_total
        gauges = await uploader.gauges()
        assert gauges.queue_length == 10 and gauges.bytes_pending == sum(c.size_bytes for c in closed)
        backoffs = [gauges.store_backoff_remaining_s]
        await asyncio.sleep(0.3)
        assert uploader.failed_total == failed  # store-wide back-off on the injected clock: nobody retries
        for _ in range(3):
            clock.advance(60)
            uploader.notify()
            await wait_until(lambda f=failed: uploader.failed_total > f, what="a retry")
            await wait_until(lambda: not uploader.in_flight, what="attempts to end")
            failed = uploader.failed_total
            backoffs.append((await uploader.gauges()).store_backoff_remaining_s)
        assert backoffs[0] >= 1.0 and backoffs == sorted(backoffs) and backoffs[-1] <= 60  # 1 s doubling to 60 s
        assert backoffs[-1] > backoffs[0]
        rows = _rows(factory)
        assert sum(r.storage_state == "uploaded" for r in rows) == 1
        assert all(c.path.exists() for c in closed)  # the spool keeps everything
        attempted = [r for r in rows if r.storage_state == "local" and r.upload_attempts > 0]
        assert attempted and all("not available" in (r.last_upload_error or "") for r in attempted)
        assert sum(r.upload_attempts for r in rows) == 1 + failed

        server.start()  # back on the same port and data
        clock.advance(60)
        uploader.notify()
        assert await uploader.wait_idle(30)
        await uploader.stop()
        rows = _rows(factory)
        assert len(rows) == 11 and all(r.storage_state == "uploaded" for r in rows)
        assert not any(c.path.exists() for c in closed)
        for c in closed:
            stat = store.stat("recordings", f"{c.camera_key}/2026/09/21/{c.start_us}.ts")
            assert stat is not None and (stat.size, stat.sha256) == (c.size_bytes, c.sha256)
    finally:
        server.close()

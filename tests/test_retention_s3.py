"""Clips and retention on a real S3 server (SeaweedFS ``weed mini``, tests/s3_server.py).

SeaweedFS supports S3 object lock: a bucket made with object lock (versioning on), legal holds per version,
and a refused delete of a held version (AccessDenied), which ``S3Store`` reports as ``ObjectHeldError``. So
with ``object_lock=True`` the held segment objects carry a real legal hold, checked here against the server;
without it the same retention behaviour holds through the database alone. Also: the recordings bucket gets no
expiry rule and loses one it had; exports and thumbnails keep theirs.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from minio.commonconfig import ENABLED, Filter
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule

from backend.storage.base import BucketLayout, BucketSpec
from backend.storage.errors import LegalHoldUnsupportedError, ObjectHeldError
from backend.storage.s3 import RULE_ID, S3Store
from tests.retention_support import DAY_S, S_US, Env, make_env
from tests.s3_server import WeedS3Server
from tests.test_storage_support import CAM_A, CAM_B, T0_US


def _layout(prefix: str) -> BucketLayout:
    """Fresh bucket names per test (one server per module)."""
    return BucketLayout(
        BucketSpec(f"{prefix}-rec", 90),
        BucketSpec(f"{prefix}-exp", 7),
        BucketSpec(f"{prefix}-thumb", 30),
        BucketSpec(f"{prefix}-clips", None),
    )


def _env(tmp_path: Path, server: WeedS3Server, prefix: str, *, lock: bool) -> Env:
    return make_env(tmp_path, server.store(layout=_layout(prefix), object_lock=lock), days=1)


def _versions(store: S3Store, bucket: str, key: str) -> list:
    return [o for o in store._client.list_objects(bucket, prefix=key, include_version=True) if o.object_name == key]


def test_legal_holds_keep_a_clips_objects_until_the_clip_is_deleted(s3_server: WeedS3Server, tmp_path: Path) -> None:
    env = _env(tmp_path, s3_server, "locked", lock=True)
    store = env.store
    assert isinstance(store, S3Store)
    rec = store.layout.recordings.name
    assert store.legal_holds_enabled(rec) and not store.legal_holds_enabled(store.layout.exports.name)
    early = env.add(CAM_A, 0)
    env.clock.advance(100)
    clip = env.clips.create([CAM_A], T0_US, T0_US + 600 * S_US, title="Collision", created_by="sam")
    assert env.clips.hold_kind == "legal_hold"
    later = env.add(CAM_A, 120)  # uploaded after the clip was made, inside its range: held at upload
    free = env.add(CAM_A, 700)
    other = env.add(CAM_B, 0)
    keys = {sid: env.index.get(sid).object_key for sid in (early, later, free, other)}  # type: ignore[union-attr]
    assert {k for k in keys.values() if store.legal_hold(rec, k)} == {keys[early], keys[later]}  # type: ignore[arg-type]
    assert env.holds.held_keys() == {keys[early], keys[later]}

    # The store itself refuses to delete a held object (every version stays).
    with pytest.raises(ObjectHeldError) as held:
        store.delete(rec, keys[early])  # type: ignore[arg-type]
    assert held.value.status == 409 and held.value.message_ar
    assert store.stat(rec, keys[early]) is not None  # type: ignore[arg-type]

    env.clock.advance(2 * DAY_S)
    report = env.retention.run_once()
    assert report.deleted == 2 and report.kept_by_clips == 2 and report.garbage_pending == 0, report
    assert env.segment_ids() == {early, later}
    # Deleted for real: no version and no delete marker left (a versioned bucket would otherwise keep the bytes).
    assert _versions(store, rec, keys[free]) == [] and _versions(store, rec, keys[other]) == []  # type: ignore[arg-type]

    env.clips.delete(clip.id)  # lifts the holds at once
    assert env.holds.held_keys() == set() and not store.legal_hold(rec, keys[early])  # type: ignore[arg-type]
    report = env.retention.run_once()
    assert report.deleted == 2 and env.segment_ids() == set() and env.garbage() == []
    assert all(_versions(store, rec, k) == [] for k in keys.values())  # type: ignore[arg-type]


def test_a_hold_left_by_a_store_outage_is_lifted_by_the_next_pass(s3_server: WeedS3Server, tmp_path: Path) -> None:
    env = _env(tmp_path, s3_server, "outage", lock=True)
    seg = env.add(CAM_A, 0)
    clip = env.clips.create([CAM_A], T0_US, T0_US + S_US, title="x", created_by="sam")
    key = env.index.get(seg).object_key  # type: ignore[union-attr]
    holds, env.clips.holds = env.clips.holds, None  # the clip is deleted while its holds cannot be lifted
    env.clips.delete(clip.id)
    env.clips.holds = holds
    assert env.store.legal_hold(env.store.layout.recordings.name, key)  # type: ignore[attr-defined,arg-type]
    env.clock.advance(2 * DAY_S)
    report = env.retention.run_once()  # reconciles first: hold lifted, then the segment is deleted
    assert report.holds_lifted == 1 and report.deleted == 1 and env.segment_ids() == set() and env.garbage() == []


def test_without_object_lock_the_database_keeps_clips(s3_server: WeedS3Server, tmp_path: Path) -> None:
    env = _env(tmp_path, s3_server, "plain", lock=False)
    rec = env.store.layout.recordings.name
    kept, gone = env.add(CAM_A, 0), env.add(CAM_A, 60, thumbnail=True)
    key = env.index.get(gone).object_key  # type: ignore[union-attr]
    thumb = env.index.get(gone).thumbnail_key  # type: ignore[union-attr]
    env.clips.create([CAM_A], T0_US, T0_US + S_US, title="x", created_by="sam")
    assert env.clips.hold_kind == "database" and env.holds.held_keys() == set()
    with pytest.raises(LegalHoldUnsupportedError):
        env.store.set_legal_hold(rec, key, True)  # type: ignore[arg-type]
    env.clock.advance(2 * DAY_S)
    assert env.retention.run_once().deleted == 1 and env.segment_ids() == {kept}
    assert env.store.stat(rec, key) is None and env.store.stat(env.store.layout.thumbnails.name, thumb) is None  # type: ignore[arg-type]


def test_recordings_bucket_has_no_expiry_rule_and_loses_an_old_one(s3_server: WeedS3Server) -> None:
    layout = _layout("rules")
    store = s3_server.store(layout=layout)
    store.ensure_buckets()
    rule = Rule(ENABLED, rule_filter=Filter(prefix=""), rule_id=RULE_ID, expiration=Expiration(days=90))
    store._client.set_bucket_lifecycle(layout.recordings.name, LifecycleConfig([rule]))  # as an older version did
    assert store.lifecycle_days(layout.recordings.name) == 90
    store.ensure_buckets()
    assert store.lifecycle_days(layout.recordings.name) is None
    assert store.lifecycle_days(layout.exports.name) == 7 and store.lifecycle_days(layout.thumbnails.name) == 30
    # Asking for object lock on an existing bucket without it: warned, no holds (a bucket's lock is set at birth).
    late = s3_server.store(layout=layout, object_lock=True)
    late.ensure_buckets()
    assert not late.legal_holds_enabled(layout.recordings.name)
    late._client.put_object(layout.recordings.name, "a/b.ts", io.BytesIO(b"abc"), 3)
    late.delete(layout.recordings.name, "a/b.ts")
    assert late.stat(layout.recordings.name, "a/b.ts") is None

"""The retention job on the filesystem store: old segments go (rows, spool files, objects, thumbnails, through
garbage rows), segments overlapping a clip of their camera stay until the clip is deleted, a clip made over a
range still being recorded keeps segments recorded after it, 0 days keeps everything, pending garbage is
completed. Real SQLite database, spool, PyAV-made segments and FilesystemStore; ages on a ManualClock."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.errors import BadRangeError, CameraNotFoundError
from backend.storage.clips import ClipFilter
from backend.storage.filesystem import FilesystemStore
from tests.retention_support import DAY_S, S_US, Env, make_env
from tests.test_storage_support import CAM_A, CAM_B, T0_US


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path, FilesystemStore(tmp_path / "objects"), days=1)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")}


def test_retention_deletes_old_segments_but_not_a_clips(env: Env, tmp_path: Path) -> None:
    a0 = env.add(CAM_A, 0, thumbnail=True)
    a60 = env.add(CAM_A, 60)
    a120 = env.add(CAM_A, 120, thumbnail=True)
    a180 = env.add(CAM_A, 180)
    a240_local = env.add(CAM_A, 240, upload=False, thumbnail=True)  # never uploaded: its spool files go
    b60 = env.add(CAM_B, 60)
    clip = env.clips.create(
        [CAM_A], T0_US + 60_500_000, T0_US + 120_500_000, title="Theft at gate 3", created_by="sam"
    )  # overlaps a60 (ends 61 s) and a120 (starts 120 s); not b60 (other camera)
    assert (clip.segments, env.clips.hold_kind) == (2, "database")
    assert [s.id for s in env.clips.segments_of(clip.id)] == [a60, a120]
    objects_before = env.objects("recordings")
    thumbs_before = env.objects("thumbnails")
    assert len(objects_before) == 5 and len(thumbs_before) == 2

    env.clock.advance(DAY_S - 10)  # not old enough yet: the newest segment ends 241 s after T0
    report = env.retention.run_once()
    assert report.deleted == 0 and report.kept_by_clips == 0

    env.clock.advance(300)
    report = env.retention.run_once()
    assert report.deleted == 4 and report.kept_by_clips == 2 and report.errors == []
    assert env.segment_ids() == {a60, a120}
    assert env.garbage() == []  # every deletion went through garbage rows and finished
    kept = {
        k
        for k in objects_before
        if k.startswith(CAM_A) and (f"/{T0_US + 60 * S_US}." in k or f"/{T0_US + 120 * S_US}." in k)
    }
    assert env.present("recordings", objects_before) == kept  # the store itself, not the rows
    assert env.present("thumbnails", thumbs_before) == {f"{CAM_A}/2026/09/21/{T0_US + 120 * S_US + 200_000}.jpg"}
    assert _files(env.spool.root) == set()  # a240's spool file and thumbnail too
    assert {a0, a180, a240_local, b60}.isdisjoint(env.segment_ids())
    assert report.deleted_bytes > 0

    # A second pass changes nothing; deleting the clip makes its segments subject to retention again.
    assert env.retention.run_once().deleted == 0
    assert env.clips.delete(clip.id) is not None and env.clips.get(clip.id) is None
    report = env.retention.run_once()
    assert report.deleted == 2 and report.kept_by_clips == 0
    assert env.segment_ids() == set()
    assert env.present("recordings", objects_before) == set() and env.present("thumbnails", thumbs_before) == set()
    assert _files(tmp_path / "objects" / "recordings") == set()


def test_two_clips_hold_a_segment_until_both_are_gone(env: Env) -> None:
    seg = env.add(CAM_A, 0)
    first = env.clips.create([CAM_A, CAM_B, CAM_A], T0_US, T0_US + S_US, title="one", created_by="sam")
    second = env.clips.create([CAM_A], T0_US + 500_000, T0_US + 2 * S_US, title="two", created_by="ada")
    assert first.camera_ids == sorted([CAM_A, CAM_B])  # duplicates dropped
    env.clock.advance(3 * DAY_S)
    env.clips.delete(first.id)
    assert env.retention.run_once().deleted == 0 and env.segment_ids() == {seg}
    env.clips.delete(second.id)
    assert env.retention.run_once().deleted == 1 and env.segment_ids() == set()


def test_clip_over_a_range_still_being_recorded_keeps_later_segments(env: Env) -> None:
    env.clock.advance(310)
    clip = env.clips.create([CAM_A], T0_US + 300 * S_US, T0_US + 3600 * S_US, title="ongoing", created_by="sam")
    assert clip.segments == 0
    later = [env.add(CAM_A, 300 + 60 * i) for i in range(3)]  # recorded and uploaded after the clip was made
    outside = env.add(CAM_A, 3600)
    assert env.clips.get(clip.id).segments == 3  # type: ignore[union-attr]
    env.clock.advance(5 * DAY_S)
    report = env.retention.run_once()
    assert report.deleted == 1 and report.kept_by_clips == 3
    assert env.segment_ids() == set(later) and outside not in env.segment_ids()


def test_zero_days_keeps_forever_and_pending_garbage_is_completed(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "objects")
    env = make_env(tmp_path, store, days=0)
    seg = env.add(CAM_A, 0)
    stray = tmp_path / "stray.bin"
    stray.write_bytes(b"x" * 10)
    import hashlib

    store.put_file(
        "recordings", "cam/left.ts", stray, content_type="video/mp2t", sha256=hashlib.sha256(b"x" * 10).hexdigest()
    )
    env.index.add_garbage("delete", "segment 99: retention 1 d", object_key="recordings/cam/left.ts")  # a crash left it
    env.clock.advance(3650 * DAY_S)
    report = env.retention.run_once()
    assert report.cutoff_us is None and report.deleted == 0 and report.garbage_finished == 1
    assert env.segment_ids() == {seg} and store.stat("recordings", "cam/left.ts") is None and env.garbage() == []


def test_clip_service_bad_input_and_listing(env: Env) -> None:
    with pytest.raises(BadRangeError) as bad:
        env.clips.create([CAM_A], T0_US, T0_US, title="x", created_by="sam")
    assert bad.value.status == 422 and bad.value.code == "bad_range" and bad.value.message_ar
    with pytest.raises(CameraNotFoundError):
        env.clips.create([CAM_A, "no-such-camera"], T0_US, T0_US + 1, title="x", created_by="sam")
    made = [
        env.clips.create(
            [cam], T0_US + i * S_US, T0_US + (i + 1) * S_US, title=f"c{i}", created_by="sam", incident_id=i % 2
        )
        for i, cam in enumerate([CAM_A, CAM_B, CAM_A, CAM_B, CAM_A])
    ]  # the same clock reading: creation times still strictly increase
    page = env.clips.list(ClipFilter(limit=2))
    assert [c.id for c in page.clips] == [made[4].id, made[3].id] and page.next_before_created_us is not None
    rest = env.clips.list(ClipFilter(limit=10, before_created_us=page.next_before_created_us))
    assert [c.id for c in rest.clips] == [made[2].id, made[1].id, made[0].id] and rest.next_before_created_us is None
    assert [c.id for c in env.clips.list(ClipFilter(camera_id=CAM_B)).clips] == [made[3].id, made[1].id]
    assert [c.id for c in env.clips.list(ClipFilter(incident_id=1)).clips] == [made[3].id, made[1].id]
    window = ClipFilter(start_us=T0_US + 2 * S_US, end_us=T0_US + 3 * S_US)
    assert [c.id for c in env.clips.list(window).clips] == [made[2].id]

"""The object store contract, run against the filesystem store and a real S3 server (SeaweedFS ``weed mini``)."""

from __future__ import annotations

import hashlib
import re
import socket
from pathlib import Path

import httpx
import pytest

from backend.storage.base import BucketLayout, BucketSpec, ObjectStore
from backend.storage.errors import (
    ChecksumMismatchError,
    InvalidObjectKeyError,
    ObjectNotFoundError,
    StoreAuthError,
    StoreUnavailableError,
)
from backend.storage.filesystem import FilesystemStore
from backend.storage.s3 import S3Store
from milestone.clock import ManualClock
from tests.s3_server import WeedS3Server

ARABIC = re.compile(r"[\u0600-\u06FF]")


def _file(tmp_path: Path, data: bytes, name: str = "src.bin") -> tuple[Path, str]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def test_put_stat_range_delete(store: ObjectStore, tmp_path: Path) -> None:
    data = bytes(range(256)) * 400  # 102400 bytes
    path, digest = _file(tmp_path, data)
    key = "cam-1/2026/09/21/1790000000000000.ts"
    put = store.put_file("recordings", key, path, content_type="video/mp2t", sha256=digest)
    assert (put.bucket, put.key, put.size, put.sha256) == ("recordings", key, len(data), digest)
    if isinstance(store, FilesystemStore):
        assert put.etag == digest  # the filesystem store's etag is the content's SHA-256 (base.StoredObject)
    else:
        assert put.etag == hashlib.md5(data).hexdigest()  # S3 single-part upload: the ETag is the MD5

    stat = store.stat("recordings", key)
    assert stat is not None
    assert (stat.size, stat.sha256, stat.etag) == (len(data), digest, put.etag)
    assert stat.last_modified_us is not None and stat.last_modified_us > 1_700_000_000_000_000

    assert store.open_range("recordings", key, 0, 10) == data[:10]
    assert store.open_range("recordings", key, 1000, 5000) == data[1000:6000]
    assert store.open_range("recordings", key, len(data) - 3, 100) == data[-3:]  # clipped at the end
    assert store.open_range("recordings", key, len(data), 10) == b""

    # A repeated put of the same file is idempotent (a re-upload after a crash writes the same key).
    again = store.put_file("recordings", key, path, content_type="video/mp2t", sha256=digest)
    again_stat = store.stat("recordings", key)
    assert again.etag == put.etag and again_stat is not None
    assert (again_stat.size, again_stat.sha256) == (len(data), digest)

    store.delete("recordings", key)
    assert store.stat("recordings", key) is None
    store.delete("recordings", key)  # idempotent
    with pytest.raises(ObjectNotFoundError) as err:
        store.open_range("recordings", key, 0, 10)
    assert err.value.status == 404 and ARABIC.search(err.value.message_ar)


def test_presigned_url(store: ObjectStore, tmp_path: Path) -> None:
    data = b"exported clip bytes " * 50
    path, digest = _file(tmp_path, data, "clip.mp4")
    store.put_file("exports", "export-1/clip.mp4", path, content_type="video/mp4", sha256=digest)
    url = store.presigned_get_url("exports", "export-1/clip.mp4", 300)
    if isinstance(store, FilesystemStore):
        assert url is None  # the backend serves filesystem objects itself
        return
    assert url is not None and "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    response = httpx.get(url)
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"] == "video/mp4"
    tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=999")
    assert httpx.get(tampered).status_code == 403


def test_checksum_mismatch_stores_nothing(store: ObjectStore, tmp_path: Path) -> None:
    path, _ = _file(tmp_path, b"segment bytes" * 100)
    with pytest.raises(ChecksumMismatchError):
        store.put_file("recordings", "cam/x/1.ts", path, content_type="video/mp2t", sha256="0" * 64)
    assert store.stat("recordings", "cam/x/1.ts") is None


def test_bad_keys_and_missing_objects(store: ObjectStore, tmp_path: Path) -> None:
    path, digest = _file(tmp_path, b"x" * 10)
    for key in ("", "/abs", "a/../b", "a//b", ".hidden/x", "a/.meta"):
        with pytest.raises(InvalidObjectKeyError):
            store.put_file("recordings", key, path, content_type="video/mp2t", sha256=digest)
    assert store.stat("thumbnails", "nothing/here.jpg") is None
    with pytest.raises(ObjectNotFoundError):
        store.put_file("no-such-bucket", "a.ts", path, content_type="video/mp2t", sha256=digest)


def test_health(store: ObjectStore) -> None:
    ok, detail = store.health()
    assert ok, detail
    assert ("S3 store http://" in detail) if isinstance(store, S3Store) else ("GiB free" in detail)


def test_s3_lifecycle_rules(s3_server: WeedS3Server) -> None:
    store = s3_server.store()
    store.ensure_buckets()
    # No rule on recordings: the retention job expires them, sparing clips (tests/test_retention_s3.py).
    assert {spec.name: store.lifecycle_days(spec.name) for spec in store.layout.all()} == {
        "recordings": None,
        "exports": 7,
        "thumbnails": 30,
        "clips": None,
    }
    # Configurable: new days replace our rule, and a rule set to "none" is removed.
    changed = s3_server.store(
        layout=BucketLayout(exports=BucketSpec("exports", 14), thumbnails=BucketSpec("thumbnails", None))
    )
    changed.ensure_buckets()
    assert changed.lifecycle_days("exports") == 14
    assert changed.lifecycle_days("thumbnails") is None
    assert changed.lifecycle_days("recordings") is None
    store.ensure_buckets()  # back to the defaults, idempotent
    store.ensure_buckets()
    assert store.lifecycle_days("exports") == 7 and store.lifecycle_days("thumbnails") == 30


def test_s3_wrong_credentials(s3_server: WeedS3Server, tmp_path: Path) -> None:
    wrong_secret = "not-the-secret-" + "z" * 20
    for access_key in (s3_server.access_key, "nosuchkey"):
        store = S3Store(s3_server.endpoint, access_key, wrong_secret, secure=False)
        with pytest.raises(StoreAuthError) as err:
            store.ensure_buckets()
        error = err.value
        assert error.code == "object_store_auth_failed" and error.status == 502
        assert "refused the backend's credentials" in error.message and "secret key" in error.message
        assert ARABIC.search(error.message_ar)
        assert wrong_secret not in error.message + error.message_ar + str(error.details) + repr(store)
        path, digest = _file(tmp_path, b"data" * 10)
        with pytest.raises(StoreAuthError):
            store.put_file("recordings", "a/b.ts", path, content_type="video/mp2t", sha256=digest)
        ok, detail = store.health()
        assert not ok and "credentials" in detail


def test_s3_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    store = S3Store(f"http://127.0.0.1:{port}", "key", "secret-secret")
    with pytest.raises(StoreUnavailableError) as err:
        store.stat("recordings", "a/b.ts")
    assert "connection refused" in err.value.message and err.value.status == 503
    assert ARABIC.search(err.value.message_ar)
    assert store.health()[0] is False


def test_filesystem_expire_by_rule_only(tmp_path: Path) -> None:
    clock = ManualClock()
    store = FilesystemStore(tmp_path / "objects", clock=clock)
    store.ensure_buckets()
    path, digest = _file(tmp_path, b"old" * 100)
    for bucket in ("recordings", "exports", "thumbnails", "clips"):
        store.put_file(bucket, "cam/old.bin", path, content_type="application/octet-stream", sha256=digest)
    clock.advance(8 * 86_400)  # 8 days later
    store.put_file("exports", "cam/new.bin", path, content_type="application/octet-stream", sha256=digest)
    expired = store.expire()
    assert [(o.bucket, o.key) for o in expired] == [("exports", "cam/old.bin")]  # 7-day rule only
    clock.advance(23 * 86_400)  # 31 days after the first puts
    assert {(o.bucket, o.key) for o in store.expire()} == {("thumbnails", "cam/old.bin"), ("exports", "cam/new.bin")}
    clock.advance(60 * 86_400)  # 91 days: recordings are the retention job's (it spares clips), never expire()'s
    assert store.expire() == []
    assert store.stat("recordings", "cam/old.bin") is not None and store.stat("clips", "cam/old.bin") is not None
    clock.advance(3650 * 86_400)
    assert store.expire() == []


def test_filesystem_put_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "objects")
    store.ensure_buckets()
    path, digest = _file(tmp_path, b"abc" * 1000)
    store.put_file("recordings", "cam/2026/09/21/1.ts", path, content_type="video/mp2t", sha256=digest)
    with pytest.raises(ChecksumMismatchError):
        store.put_file("recordings", "cam/2026/09/21/2.ts", path, content_type="video/mp2t", sha256="f" * 64)
    directory = tmp_path / "objects" / "recordings" / "cam" / "2026" / "09" / "21"
    assert sorted(p.name for p in directory.iterdir()) == [".1.ts.meta.json", "1.ts"]
    # An object replaced behind the store's back loses its stale metadata instead of lying about it.
    (directory / "1.ts").write_bytes(b"other")
    stat = store.stat("recordings", "cam/2026/09/21/1.ts")
    assert stat is not None and stat.size == 5 and stat.sha256 is None
    store.delete("recordings", "cam/2026/09/21/1.ts")
    assert not (tmp_path / "objects" / "recordings" / "cam").exists()  # empty date directories pruned

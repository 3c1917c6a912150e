"""The S3-compatible object store (MinIO in production, SeaweedFS in tests) through the ``minio`` client.

The SHA-256 the recorder computed travels as user metadata ``x-amz-meta-sha256`` and comes back on ``stat``;
the bytes sent are hashed on the way and compared with it, and after the PUT a ``stat`` checks that the server
holds that size and metadata before ``put_file`` returns. Lifecycle rules are S3
bucket lifecycle configurations with one rule of ours (id ``control-room-expiry``, whole bucket). Errors of
the client are mapped to ``backend.storage.errors``; messages name the endpoint, never the secret key.

The recordings bucket has NO expiry rule, and one found there (ours, from an older version) is removed: an S3
lifecycle rule deletes by object age alone and cannot see evidence locks, so it would delete the segments a
clip keeps. Recordings are expired by the backend's retention job instead (``backend.storage.retention``,
``storage.lifecycle_days.recordings`` days), which skips every segment overlapping a clip of its camera.
Exports and thumbnails keep their rules.

Object lock (``object_lock=True``, setting ``storage.s3_object_lock``): the recordings bucket is created with
S3 object lock (which turns versioning on), and clips' segment objects carry a legal hold
(``set_legal_hold``), so that not even a client deleting by hand can remove them. On a bucket with object lock
(whoever created it) ``delete`` removes every version of the key, not just a delete marker, so storage is
really freed; a held version makes it raise ``ObjectHeldError``. Holds are set and lifted per version id (a
call without one would hit the newest version, which may be a delete marker).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import ENABLED, Filter
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule

from backend.storage.base import BucketLayout, BucketSpec, ObjectStore, StoredObject, check_key
from backend.storage.errors import (
    ChecksumMismatchError,
    LegalHoldUnsupportedError,
    ObjectHeldError,
    ObjectNotFoundError,
    StorageError,
    StoreAuthError,
    StoreUnavailableError,
)
from backend.storage.fsutil import HashingReader

log = logging.getLogger(__name__)

RULE_ID = "control-room-expiry"
SHA256_META = "sha256"  # sent as x-amz-meta-sha256
AUTH_CODES = frozenset(
    {"AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "AllAccessDisabled"}
)
NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchBucket", "ResourceNotFound", "NoSuchObject"})
T = TypeVar("T")


class S3Store(ObjectStore):
    """Object store on an S3 endpoint.

    ``endpoint`` is ``host:port`` (or a URL ``http(s)://host:port``, whose scheme then sets ``secure``);
    ``region`` is sent with every request so that presigning needs no round trip. ``connect_timeout_s`` and
    ``read_timeout_s`` bound each HTTP request (seconds); the client retries a failed request at most
    ``retries`` times before the error reaches the caller (the uploader has its own back-off).
    ``part_size`` (bytes, >= 5 MiB) is the multipart threshold and part size: files up to it go in one PUT.
    ``object_lock``: create the recordings bucket with S3 object lock (see the module docstring).
    """

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        *,
        secure: bool = True,
        region: str = "us-east-1",
        layout: BucketLayout | None = None,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 60.0,
        retries: int = 1,
        part_size: int = 16 * 2**20,
        cert_check: bool = True,
        object_lock: bool = False,
    ) -> None:
        if "://" in endpoint:
            parts = urlsplit(endpoint)
            secure = parts.scheme == "https"
            endpoint = parts.netloc
        self.endpoint = endpoint
        self.layout = layout or BucketLayout()
        self._where = f"{'https' if secure else 'http'}://{endpoint}"
        self._part_size = part_size
        self.object_lock = object_lock
        self._locked: dict[str, bool] = {}  # bucket -> has object lock (asked once per bucket)
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout_s, read=read_timeout_s),
            maxsize=16,
            cert_reqs="CERT_REQUIRED" if cert_check else "CERT_NONE",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            retries=urllib3.Retry(total=retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self._client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region, http_client=http
        )

    def __repr__(self) -> str:  # never shows the keys
        return f"S3Store({self._where!r})"

    # -- error mapping ---------------------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T], bucket: str = "", key: str = "") -> T:
        try:
            return fn()
        except S3Error as exc:
            raise self._map_s3_error(exc, bucket, key) from exc
        except (ServerError, InvalidResponseError) as exc:
            raise StoreUnavailableError(self._where, type(exc).__name__) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnavailableError(self._where, _short_reason(exc)) from exc
        except MinioException as exc:
            raise StoreUnavailableError(self._where, str(exc)[:200]) from exc

    def _map_s3_error(self, exc: S3Error, bucket: str, key: str) -> StorageError:
        code = exc.code or "Unknown"
        if code in AUTH_CODES:
            return StoreAuthError(self._where, code)
        if code in NOT_FOUND_CODES:
            return ObjectNotFoundError(exc.bucket_name or bucket, exc.object_name or key)
        status = getattr(exc.response, "status", 0) or 0
        if status >= 500 or code in ("SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"):
            return StoreUnavailableError(self._where, code)
        return StorageError(
            f"The object store at {self._where} refused the request: {code}",
            f"رفض مخزن الكائنات في {self._where} الطلب: {code}",
            {"store": self._where, "s3Code": code},
        )

    # -- interface -------------------------------------------------------------------------------------------

    def ensure_buckets(self) -> None:
        recordings = self.layout.recordings.name
        for spec in self.layout.all():
            lock = self.object_lock and spec.name == recordings
            if not self._bucket_exists(spec.name):
                try:
                    self._call(partial(self._client.make_bucket, spec.name, object_lock=lock), spec.name)
                except StorageError:
                    # Another backend may have created it meanwhile; anything else is raised.
                    if not self._bucket_exists(spec.name):
                        raise
            self._locked.pop(spec.name, None)
            if lock and not self.legal_holds_enabled(spec.name):
                log.warning(
                    "bucket %s has no S3 object lock (it can only be chosen when a bucket is created): clips are "
                    "kept by the retention job alone, without legal holds",
                    spec.name,
                )
            # Recordings: no store-side expiry; the retention job expires them, sparing clips (module docstring).
            self._install_rule(BucketSpec(spec.name, None) if spec.name == recordings else spec)

    def _bucket_exists(self, name: str) -> bool:
        return self._call(partial(self._client.bucket_exists, name), name)

    def _install_rule(self, spec: BucketSpec) -> None:
        current = self._call(lambda: self._client.get_bucket_lifecycle(spec.name), spec.name)
        rules = list(current.rules) if current else []
        ours = [rule for rule in rules if rule.rule_id == RULE_ID]
        others = [rule for rule in rules if rule.rule_id != RULE_ID]
        days = ours[0].expiration.days if len(ours) == 1 and ours[0].expiration is not None else None
        if len(ours) <= 1 and days == spec.expiry_days:
            return
        if spec.expiry_days is not None:
            expiry = Expiration(days=spec.expiry_days)
            others.append(Rule(ENABLED, rule_filter=Filter(prefix=""), rule_id=RULE_ID, expiration=expiry))
        if others:
            self._call(lambda: self._client.set_bucket_lifecycle(spec.name, LifecycleConfig(others)), spec.name)
        else:
            self._call(lambda: self._client.delete_bucket_lifecycle(spec.name), spec.name)

    def lifecycle_days(self, bucket: str) -> int | None:
        """The expiry (days) of our lifecycle rule on ``bucket`` as the server reports it (``None``: no rule)."""
        config = self._call(lambda: self._client.get_bucket_lifecycle(bucket), bucket)
        for rule in config.rules if config else []:
            if rule.rule_id == RULE_ID and rule.expiration is not None:
                return rule.expiration.days
        return None

    def put_file(self, bucket: str, key: str, path: Path, *, content_type: str, sha256: str) -> StoredObject:
        check_key(key)
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            f.seek(0)
            reader = HashingReader(f)
            result = self._call(
                lambda: self._client.put_object(
                    bucket,
                    key,
                    reader,  # type: ignore[arg-type]  # has read(); minio needs nothing else
                    size,
                    content_type=content_type,
                    metadata={SHA256_META: sha256.lower()},
                    part_size=max(self._part_size, 5 * 2**20),
                    num_parallel_uploads=1,
                ),
                bucket,
                key,
            )
        actual = reader.sha256.hexdigest()
        if actual != sha256.lower() or reader.size != size:
            with contextlib.suppress(StorageError):
                self.delete(bucket, key)
            raise ChecksumMismatchError(str(path), sha256, actual)
        # Verify by stat: what the server now holds under the key has our size and SHA-256 metadata.
        stored = self.stat(bucket, key)
        expected = f"size={size} sha256={actual}"
        found = f"size={stored.size} sha256={stored.sha256}" if stored else "no object"
        if found != expected:
            raise ChecksumMismatchError(f"{bucket}/{key}", expected, found)
        assert stored is not None
        etag = (result.etag or "").strip('"') or stored.etag
        return StoredObject(bucket, key, size, etag, actual, stored.last_modified_us)

    def stat(self, bucket: str, key: str) -> StoredObject | None:
        check_key(key)
        try:
            obj = self._call(lambda: self._client.stat_object(bucket, key), bucket, key)
        except ObjectNotFoundError:
            return None
        metadata = obj.metadata or {}
        sha = metadata.get(f"x-amz-meta-{SHA256_META}")
        modified = obj.last_modified
        return StoredObject(
            bucket,
            key,
            int(obj.size or 0),
            (obj.etag or "").strip('"'),
            sha.lower() if sha else None,
            int(modified.timestamp() * 1_000_000) if modified else None,
        )

    def open_range(self, bucket: str, key: str, start: int, length: int) -> bytes:
        check_key(key)
        if start < 0 or length <= 0:
            raise ValueError(f"bad range start={start} length={length}")
        try:
            with self._response(bucket, key, start, length) as response:
                return response.read()
        except StorageError as exc:
            if isinstance(exc.__cause__, S3Error) and exc.__cause__.code == "InvalidRange":
                return b""
            raise

    @contextlib.contextmanager
    def _response(self, bucket: str, key: str, start: int, length: int) -> Iterator[urllib3.BaseHTTPResponse]:
        response = self._call(lambda: self._client.get_object(bucket, key, offset=start, length=length), bucket, key)
        try:
            yield response
        finally:
            response.close()
            response.release_conn()

    def presigned_get_url(self, bucket: str, key: str, expires_s: int) -> str | None:
        check_key(key)
        return self._call(
            lambda: self._client.presigned_get_object(bucket, key, expires=timedelta(seconds=expires_s)), bucket, key
        )

    def delete(self, bucket: str, key: str) -> None:
        check_key(key)
        if self.legal_holds_enabled(bucket):
            for version in self._versions(bucket, key, delete_markers=True):
                self._remove_version(bucket, key, version)
            return
        try:
            self._call(lambda: self._client.remove_object(bucket, key), bucket, key)
        except ObjectNotFoundError:
            return

    # -- object lock -----------------------------------------------------------------------------------------

    def legal_holds_enabled(self, bucket: str) -> bool:
        known = self._locked.get(bucket)
        if known is not None:
            return known
        try:
            config = self._call(lambda: self._client.get_object_lock_config(bucket), bucket)
            locked = config is not None
        except StorageError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, S3Error) and "ObjectLockConfiguration" in (cause.code or "")):
                raise
            locked = False
        self._locked[bucket] = locked
        return locked

    def set_legal_hold(self, bucket: str, key: str, on: bool) -> None:
        check_key(key)
        if not self.legal_holds_enabled(bucket):
            raise LegalHoldUnsupportedError(bucket)
        versions = self._versions(bucket, key, delete_markers=False)
        if not versions:
            raise ObjectNotFoundError(bucket, key)
        change = self._client.enable_object_legal_hold if on else self._client.disable_object_legal_hold
        for version in versions:
            self._call(partial(change, bucket, key, version_id=version), bucket, key)

    def legal_hold(self, bucket: str, key: str) -> bool:
        """Whether any version of ``bucket/key`` carries a legal hold (``False`` without object lock)."""
        check_key(key)
        if not self.legal_holds_enabled(bucket):
            return False
        return any(
            self._call(partial(self._hold_of, bucket, key, v), bucket, key)
            for v in self._versions(bucket, key, delete_markers=False)
        )

    def _hold_of(self, bucket: str, key: str, version: str) -> bool:
        """A version's legal hold status; a version that never had one answers ``NoSuchObjectLegalHold``
        (SeaweedFS) or ``NoSuchObjectLockConfiguration`` (AWS): not held."""
        try:
            return self._client.is_object_legal_hold_enabled(bucket, key, version_id=version)
        except S3Error as exc:
            if exc.code in ("NoSuchObjectLegalHold", "NoSuchObjectLockConfiguration"):
                return False
            raise

    def _versions(self, bucket: str, key: str, *, delete_markers: bool) -> list[str]:
        """Version ids of exactly ``key`` (not keys it prefixes), delete markers included when asked."""

        def listing() -> list[str]:
            found = self._client.list_objects(bucket, prefix=key, include_version=True)
            return [
                o.version_id
                for o in found
                if o.object_name == key and o.version_id and (delete_markers or not o.is_delete_marker)
            ]

        return self._call(listing, bucket, key)

    def _remove_version(self, bucket: str, key: str, version: str) -> None:
        def remove() -> None:
            try:
                self._client.remove_object(bucket, key, version_id=version)
            except S3Error as exc:
                if exc.code == "AccessDenied" and self._held(bucket, key, version):
                    raise ObjectHeldError(bucket, key) from exc
                if exc.code not in NOT_FOUND_CODES:
                    raise

        self._call(remove, bucket, key)

    def _held(self, bucket: str, key: str, version: str) -> bool:
        try:
            return self._hold_of(bucket, key, version)
        except (S3Error, MinioException, urllib3.exceptions.HTTPError, OSError):
            return False

    def health(self) -> tuple[bool, str]:
        name = self.layout.recordings.name
        try:
            exists = self._bucket_exists(name)
        except StorageError as exc:
            return False, exc.message
        if not exists:
            return False, f"S3 store {self._where}: bucket {name} does not exist"
        return True, f"S3 store {self._where}"


def _short_reason(exc: BaseException) -> str:
    """A one-line reason for a network failure (urllib3 wraps the cause in MaxRetryError)."""
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if isinstance(reason, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return "timed out"
    return text.split(": ", 1)[-1][:200]

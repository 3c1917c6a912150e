"""The embedded object store: buckets are directories under one root, objects are files.

Layout: ``<root>/<bucket>/<key>`` with the object's metadata beside it in ``.<name>.meta.json``
(``{"size", "sha256", "etag", "content_type", "last_modified_us"}``, the etag being the content's SHA-256,
see ``backend.storage.base.StoredObject``; a sidecar rather than an xattr so that
it works on every filesystem, NTFS included). A put writes ``.<name>.tmp-<random>``, fsyncs it, writes and
renames the metadata, renames the data into place and fsyncs the directory, so a reader sees the old object
or the new one, never a torn one. :meth:`FilesystemStore.link_file` stores a file that will never change
again (a closed spool segment) as a hard link instead of a copy when it is on the same filesystem. Lifecycle
rules are applied by :meth:`FilesystemStore.expire`; it deletes only objects older than their bucket's rule,
and never touches the recordings bucket: recordings are expired by the retention job
(``backend.storage.retention``), which spares the segments clips hold (as on S3, see ``backend.storage.s3``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backend.storage.base import BucketLayout, ObjectStore, StoredObject, check_key
from backend.storage.errors import ChecksumMismatchError, ObjectNotFoundError, StoreUnavailableError
from backend.storage.fsutil import CHUNK, HashingReader, fsync_dir
from milestone.clock import Clock, SystemClock

US_PER_DAY = 86_400 * 1_000_000


def _meta_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.meta.json")


class FilesystemStore(ObjectStore):
    """Object store on a local (or mounted) directory ``root``; see the module docstring.

    ``clock`` gives the wall time recorded as ``last_modified_us`` and used by :meth:`expire`.
    """

    def __init__(self, root: Path, *, layout: BucketLayout | None = None, clock: Clock | None = None) -> None:
        self.root = Path(root)
        self.layout = layout or BucketLayout()
        self._clock = clock or SystemClock()

    # -- paths -----------------------------------------------------------------------------------------------

    def _bucket_dir(self, bucket: str) -> Path:
        check_key(bucket)
        if "/" in bucket:
            raise ValueError(f"bucket names have no '/': {bucket!r}")
        return self.root / bucket

    def _object_path(self, bucket: str, key: str) -> Path:
        return self._bucket_dir(bucket).joinpath(*check_key(key).split("/"))

    def _make_dirs(self, directory: Path) -> None:
        """Create ``directory`` and missing parents, fsyncing each parent that got a new entry."""
        missing: list[Path] = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
            fsync_dir(new.parent)

    # -- interface -------------------------------------------------------------------------------------------

    def ensure_buckets(self) -> None:
        try:
            self._make_dirs(self.root)
            for spec in self.layout.all():
                self._make_dirs(self._bucket_dir(spec.name))
        except OSError as exc:
            raise StoreUnavailableError(str(self.root), exc.strerror or str(exc)) from exc

    def put_file(self, bucket: str, key: str, path: Path, *, content_type: str, sha256: str) -> StoredObject:
        def copy(tmp: Path) -> tuple[str, int]:
            with open(path, "rb") as src, open(tmp, "wb") as out:
                reader = HashingReader(src)
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            return reader.sha256.hexdigest(), reader.size

        stored = self._store(bucket, key, path, copy, content_type=content_type, sha256=sha256)
        assert stored is not None
        return stored

    def link_file(
        self, bucket: str, key: str, path: Path, *, content_type: str, sha256: str, verified: bool = False
    ) -> StoredObject | None:
        """Like :meth:`put_file`, but the object becomes a hard link to ``path`` instead of a copy: no data
        written, no data fsync (``path`` must already be durable). Returns ``None`` when ``path`` cannot be
        linked (another filesystem, links not supported): use :meth:`put_file` then.

        Only for files that are never modified in place afterwards (a closed spool segment: the recorder
        never reopens it; the uploader only unlinks it), since the object shares their bytes. The linked
        bytes are still read once and checked against ``sha256`` (ChecksumMismatchError, nothing left under
        ``key``) in one read, exactly as a copy would be, unless ``verified``: the caller computed ``sha256``
        from these very bytes after writing them (read back from the file), so a third read proves nothing.
        """

        def link(tmp: Path) -> tuple[str, int] | None:
            try:
                os.link(path, tmp)
            except FileNotFoundError:
                if not Path(path).exists():
                    raise
                return None
            except OSError:  # EXDEV, EPERM, EMLINK, ENOTSUP...: copy instead
                return None
            if verified:
                return sha256.lower(), os.stat(tmp).st_size
            with open(tmp, "rb") as src:
                reader = HashingReader(src)
                while reader.read(CHUNK):
                    pass
            return reader.sha256.hexdigest(), reader.size

        return self._store(bucket, key, path, link, content_type=content_type, sha256=sha256)

    def _store(
        self,
        bucket: str,
        key: str,
        path: Path,
        fill: Callable[[Path], tuple[str, int] | None],
        *,
        content_type: str,
        sha256: str,
    ) -> StoredObject | None:
        """``fill(tmp)`` puts the data at ``tmp`` durably and returns its (SHA-256 hex, size) (None: could
        not); then the SHA-256 check, the metadata sidecar and the renames into place."""
        dest = self._object_path(bucket, key)
        if not self._bucket_dir(bucket).is_dir():
            raise ObjectNotFoundError(bucket, key)
        tmp = dest.with_name(f".{dest.name}.tmp-{secrets.token_hex(6)}")
        meta_tmp = dest.with_name(f".{dest.name}.meta.tmp-{secrets.token_hex(6)}")
        try:
            self._make_dirs(dest.parent)
            filled = fill(tmp)
            if filled is None:
                return None
            actual, size = filled
            if actual != sha256.lower():
                raise ChecksumMismatchError(str(path), sha256, actual)
            # The etag is the verified SHA-256 (base.StoredObject): no second digest over the bytes.
            stored = StoredObject(bucket, key, size, actual, actual, int(self._clock.time() * 1_000_000))
            meta = {
                "size": stored.size,
                "sha256": stored.sha256,
                "etag": stored.etag,
                "content_type": content_type,
                "last_modified_us": stored.last_modified_us,
            }
            with open(meta_tmp, "w", encoding="utf-8") as out:
                json.dump(meta, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(meta_tmp, _meta_path(dest))
            os.replace(tmp, dest)
            fsync_dir(dest.parent)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError) and str(exc.filename) == str(path):
                raise
            raise StoreUnavailableError(str(self.root), exc.strerror or str(exc)) from exc
        finally:
            for leftover in (tmp, meta_tmp):
                leftover.unlink(missing_ok=True)
        return stored

    def _read_meta(self, path: Path) -> dict[str, Any]:
        try:
            with open(_meta_path(path), encoding="utf-8") as f:
                meta = json.load(f)
            return meta if isinstance(meta, dict) else {}
        except (OSError, ValueError):
            return {}

    def stat(self, bucket: str, key: str) -> StoredObject | None:
        path = self._object_path(bucket, key)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreUnavailableError(str(self.root), exc.strerror or str(exc)) from exc
        meta = self._read_meta(path)
        if meta.get("size") != st.st_size:  # no sidecar, or one that belongs to another version of the file
            meta = {}
        return StoredObject(
            bucket,
            key,
            st.st_size,
            meta.get("etag") or f"{st.st_size:x}-{st.st_mtime_ns:x}",
            meta.get("sha256"),
            meta.get("last_modified_us") or st.st_mtime_ns // 1000,
        )

    def open_range(self, bucket: str, key: str, start: int, length: int) -> bytes:
        if start < 0 or length <= 0:
            raise ValueError(f"bad range start={start} length={length}")
        path = self._object_path(bucket, key)
        try:
            with open(path, "rb") as f:
                f.seek(start)
                return f.read(length)
        except FileNotFoundError as exc:
            raise ObjectNotFoundError(bucket, key) from exc
        except OSError as exc:
            raise StoreUnavailableError(str(self.root), exc.strerror or str(exc)) from exc

    def presigned_get_url(self, bucket: str, key: str, expires_s: int) -> str | None:
        return None

    def delete(self, bucket: str, key: str) -> None:
        path = self._object_path(bucket, key)
        try:
            _meta_path(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            if path.parent.exists():
                fsync_dir(path.parent)
        except OSError as exc:
            raise StoreUnavailableError(str(self.root), exc.strerror or str(exc)) from exc
        self._prune_empty_dirs(path.parent, self._bucket_dir(bucket))

    def _prune_empty_dirs(self, directory: Path, stop: Path) -> None:
        while directory != stop and stop in directory.parents:
            try:
                directory.rmdir()
            except OSError:
                return
            fsync_dir(directory.parent)
            directory = directory.parent

    def health(self) -> tuple[bool, str]:
        missing = [spec.name for spec in self.layout.all() if not (self.root / spec.name).is_dir()]
        if not self.root.is_dir():
            return False, f"filesystem store root {self.root} does not exist"
        if not os.access(self.root, os.W_OK):
            return False, f"filesystem store root {self.root} is not writable"
        if missing:
            return False, f"filesystem store {self.root} lacks buckets {', '.join(missing)}"
        free = shutil.disk_usage(self.root).free
        return True, f"filesystem store {self.root}, {free / 2**30:.1f} GiB free"

    # -- lifecycle -------------------------------------------------------------------------------------------

    def expire(self, now_s: float | None = None) -> list[StoredObject]:
        """Apply the lifecycle rules: delete every object older than its bucket's ``expiry_days``.

        ``now_s`` is wall time in seconds (default: the store's clock). Age is counted from the object's
        ``last_modified_us``. Only objects of buckets with a rule are touched, never the recordings bucket (the
        retention job's); temporary and metadata files are left alone. Returns the objects deleted.
        """
        now_us = int((self._clock.time() if now_s is None else now_s) * 1_000_000)
        deleted: list[StoredObject] = []
        for spec in self.layout.all():
            bucket_dir = self.root / spec.name
            if spec.expiry_days is None or spec is self.layout.recordings or not bucket_dir.is_dir():
                continue
            cutoff_us = now_us - spec.expiry_days * US_PER_DAY
            for dirpath, dirnames, filenames in os.walk(bucket_dir):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for name in filenames:
                    if name.startswith("."):
                        continue
                    key = Path(dirpath, name).relative_to(bucket_dir).as_posix()
                    obj = self.stat(spec.name, key)
                    if obj is not None and obj.last_modified_us is not None and obj.last_modified_us <= cutoff_us:
                        self.delete(spec.name, key)
                        deleted.append(obj)
        return deleted

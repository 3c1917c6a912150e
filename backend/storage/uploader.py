"""The uploader: moves closed segments (and their thumbnails) from the spool to the object store.

For each segment in state ``local``, oldest first, at most ``concurrency`` at a time:

1. ``claim_pending`` (→ ``uploading``, attempts + 1; one statement for the free slots' segments);
2. ``put_file`` to ``recordings/<camera>/<YYYY>/<MM>/<DD>/<start_us>.<ext>`` (a store with ``link_file``, the
   filesystem store, takes the closed segment as a hard link when it can: no copy, the bytes still hashed and
   checked), then ``stat`` and compare size and SHA-256 with the row;
3. the same for the thumbnails the recorder wrote during the segment (``<time_us>.jpg``, usually none;
   ``thumbnail_key`` = the first) into ``thumbnails/<camera>/<YYYY>/<MM>/<DD>/<time_us>.jpg``;
4. ``mark_uploaded`` **commits** (object key, etag, upload time; garbage rows for the spool files);
5. only then the spool files are unlinked and the directory fsynced; the garbage rows naming them are deleted
   by the next upload's ``mark_uploaded`` transaction, or once no upload is in flight (one transaction for the
   end of a burst of uploads; after a crash, recovery finishes them, the files being gone already);
6. ``on_uploaded(row_dict)``.

``on_stored(record)`` (settable attribute, optional) runs in the worker thread right after step 4's commit:
the clips' legal hold hook (``LegalHolds.hold_uploaded``: a segment uploaded inside a clip's range gets its
hold at upload). Its failure is logged and never fails the upload.

On failure the row goes back to ``local`` with ``last_upload_error`` and the file stays. Back-off (injected
clock): store-wide when the store is unreachable or refuses the credentials (one delay for everything,
doubling from ``initial_backoff_s`` to ``max_backoff_s``, reset by a success), per segment for a failure of
that segment only (checksum mismatch, missing file). On start-up rows left ``uploading`` by a crash go back
to ``local``: the re-upload writes the same key (S3 puts are idempotent).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import math
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypeVar

from backend.storage.base import ObjectStore, StoredObject
from backend.storage.errors import (
    ChecksumMismatchError,
    ObjectNotFoundError,
    StorageError,
    StoreAuthError,
    StoreUnavailableError,
)
from backend.storage.fsutil import sha256_file, unlink_durably
from backend.storage.keys import content_type, segment_key
from backend.storage.segment_index import ClosedSegmentLike, SegmentIndex, SegmentRecord
from backend.storage.spool import thumbnail_time_us
from milestone.clock import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")
OnUploaded = Callable[[dict[str, Any]], Any]  # may return an awaitable
STORE_ERRORS = (StoreUnavailableError, StoreAuthError, ObjectNotFoundError)


@dataclass(frozen=True, slots=True)
class UploadPolicy:
    """Uploader tuning. Durations in seconds.

    ``poll_interval_s`` bounds how long the uploader sleeps without a :meth:`Uploader.notify` (new segments
    are found at the latest then); ``lag_samples`` is how many upload lags are kept for the p95.
    """

    concurrency: int = 2
    initial_backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    multiplier: float = 2.0
    poll_interval_s: float = 5.0
    lag_samples: int = 1000

    def backoff(self, failures: int) -> float:
        """The delay after ``failures`` (>= 1) failures in a row."""
        return min(self.max_backoff_s, self.initial_backoff_s * self.multiplier ** min(failures - 1, 64))


@dataclass(frozen=True, slots=True)
class UploaderGauges:
    """Figures for /metrics: ``queue_length`` segments and ``bytes_pending`` bytes not yet uploaded,
    ``upload_lag_p95_s`` (upload time minus segment end, seconds; ``None`` before the first upload),
    totals since start, uploads in flight, and the store back-off still to wait (s)."""

    queue_length: int
    bytes_pending: int
    upload_lag_p95_s: float | None
    uploaded_total: int
    failed_total: int
    bytes_uploaded_total: int
    in_flight: int
    store_backoff_remaining_s: float


class Uploader:
    """The asyncio upload service; see the module docstring. ``start()``/``stop()`` from the event loop."""

    def __init__(
        self,
        index: SegmentIndex,
        store: ObjectStore,
        *,
        clock: Clock,
        policy: UploadPolicy | None = None,
        on_uploaded: OnUploaded | None = None,
    ) -> None:
        self._index = index
        self._spool = index.spool
        self._store = store
        self._clock = clock
        self.policy = policy or UploadPolicy()
        self._on_uploaded = on_uploaded
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._store_failures = 0
        self._store_not_before = 0.0  # monotonic s
        self._segment_backoff: dict[int, tuple[int, float]] = {}  # id -> (failures in a row, not before)
        self._lags_s: deque[float] = deque(maxlen=self.policy.lag_samples)
        self._done_garbage: list[int] = []  # garbage rows whose deletions are complete (appended by workers)
        self._done_lock = threading.Lock()  # guards _done_garbage (workers and the loop take from it)
        self.on_stored: Callable[[SegmentRecord], object] | None = None  # see the module docstring
        self.uploaded_total = 0
        self.failed_total = 0
        self.bytes_uploaded_total = 0

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Put rows left ``uploading`` back to ``local`` and start the upload loop."""
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._executor = ThreadPoolExecutor(self.policy.concurrency + 1, thread_name_prefix="uploader")
        self._stopping = False
        reset = await self._run_sync(self._index.reset_uploading)
        if reset:
            log.info("%d segment(s) left uploading by a previous run will be uploaded again", reset)
        self._task = asyncio.create_task(self._run(), name="segment-uploader")

    async def stop(self, timeout_s: float = 30.0) -> None:
        """Stop taking segments and wait up to ``timeout_s`` for uploads in flight (a row still ``uploading``
        after that is re-uploaded at the next start)."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if self._in_flight:
            await asyncio.wait(list(self._in_flight.values()), timeout=timeout_s)
        with contextlib.suppress(Exception):
            await self._delete_done_garbage()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def add_closed_segment(self, closed: ClosedSegmentLike, camera_id: str, session_id: str | None = None) -> int:
        """Index a segment the recorder just made durable (see ``SegmentIndex.add_closed_segment``) and start
        its upload at once; returns the segment id. For the recorder's ``on_closed`` hook."""
        segment_id = await self._run_sync(self._index.add_closed_segment, closed, camera_id, session_id)
        self.notify()
        return segment_id

    def notify(self) -> None:
        """A segment was indexed (or the store came back): look for work now. Callable from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake.set()
        else:
            loop.call_soon_threadsafe(self._wake.set)

    # -- metrics ---------------------------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Uploads running now."""
        return len(self._in_flight)

    def lag_p95_s(self) -> float | None:
        """95th percentile of the kept upload lags (seconds), nearest-rank; ``None`` without samples."""
        if not self._lags_s:
            return None
        ordered = sorted(self._lags_s)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    async def gauges(self) -> UploaderGauges:
        count, pending = await self._run_sync(self._index.pending_totals)
        return UploaderGauges(
            queue_length=count,
            bytes_pending=pending,
            upload_lag_p95_s=self.lag_p95_s(),
            uploaded_total=self.uploaded_total,
            failed_total=self.failed_total,
            bytes_uploaded_total=self.bytes_uploaded_total,
            in_flight=len(self._in_flight),
            store_backoff_remaining_s=max(0.0, self._store_not_before - self._clock.monotonic()),
        )

    async def wait_idle(self, timeout_s: float) -> bool:
        """Wait (real time) until no segment is waiting or in flight; ``False`` on timeout. For tests, bench."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            count, _ = await self._run_sync(self._index.pending_totals)
            if count == 0 and not self._in_flight:
                return True
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.05)

    # -- loop ------------------------------------------------------------------------------------------------

    async def _run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn, *args)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                delay = await self._fill()
            except Exception:
                log.exception("uploader: cannot read the segment queue")
                delay = self.policy.initial_backoff_s
            if self._stopping:
                break
            if not self._in_flight and self._done_garbage:
                try:
                    await self._delete_done_garbage()
                except Exception:
                    log.exception("uploader: cannot delete finished garbage rows (recovery will)")
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation (lost stop).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, delay)):
                    await self._wake.wait()

    async def _delete_done_garbage(self) -> None:
        ids = self._take_done_garbage()
        try:
            await self._run_sync(self._index.delete_garbage, ids)  # nothing to do for an empty list
        except BaseException:
            self._give_back_garbage(ids)
            raise

    def _take_done_garbage(self) -> list[int]:
        with self._done_lock:
            ids, self._done_garbage = self._done_garbage, []
        return ids

    def _give_back_garbage(self, ids: list[int]) -> None:
        with self._done_lock:
            self._done_garbage.extend(ids)

    async def _fill(self) -> float:
        """Start uploads for free slots; return how long to sleep before looking again (s)."""
        policy = self.policy
        now = self._clock.monotonic()
        if now < self._store_not_before:
            return min(policy.poll_interval_s, self._store_not_before - now)
        free = policy.concurrency - len(self._in_flight)
        if free <= 0:
            return policy.poll_interval_s
        deferred = {sid: nb for sid, (_, nb) in self._segment_backoff.items() if nb > now}
        batch = await self._run_sync(self._index.claim_pending, free, set(self._in_flight) | set(deferred))
        if batch and self._clock.monotonic() < self._store_not_before:
            # An upload failed on the store while these were being claimed: hand them back untried, the
            # store-wide back-off holds for them too.
            await self._run_sync(self._index.unclaim, [record.id for record in batch])
            return min(policy.poll_interval_s, self._store_not_before - self._clock.monotonic())
        for record in batch:
            self._in_flight[record.id] = asyncio.create_task(self._upload(record), name=f"upload-{record.id}")
        delay = policy.poll_interval_s
        if deferred:
            delay = min(delay, min(deferred.values()) - now)
        return delay

    async def _upload(self, record: SegmentRecord) -> None:
        try:
            uploaded = await self._run_sync(self._upload_sync, record)
        except Exception as exc:
            self._failed(record.id, exc)
        else:
            self._succeeded(uploaded)
            await self._publish(uploaded)
        finally:
            self._in_flight.pop(record.id, None)
            self._wake.set()

    def _failed(self, segment_id: int, exc: Exception) -> None:
        self.failed_total += 1
        now = self._clock.monotonic()
        reason = exc.message if isinstance(exc, StorageError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, STORE_ERRORS):
            self._store_failures += 1
            delay = self.policy.backoff(self._store_failures)
            self._store_not_before = max(self._store_not_before, now + delay)
        else:
            failures = self._segment_backoff.get(segment_id, (0, 0.0))[0] + 1
            delay = self.policy.backoff(failures)
            self._segment_backoff[segment_id] = (failures, now + delay)
        log.warning("upload of segment %d failed (retry in %.1f s): %s", segment_id, delay, reason)

    def _succeeded(self, record: SegmentRecord) -> None:
        self._store_failures = 0
        self._store_not_before = 0.0
        self._segment_backoff.pop(record.id, None)
        self.uploaded_total += 1
        self.bytes_uploaded_total += record.size_bytes
        if record.uploaded_us is not None:
            self._lags_s.append((record.uploaded_us - record.end_us) / 1_000_000)

    async def _publish(self, record: SegmentRecord) -> None:
        if self._on_uploaded is None:
            return
        try:
            result = self._on_uploaded(record.as_dict())
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("on_uploaded callback failed for segment %d", record.id)

    # -- one upload (worker thread) --------------------------------------------------------------------------

    def _upload_sync(self, record: SegmentRecord) -> SegmentRecord:
        """Upload a segment ``claim_pending`` put in state ``uploading``; on failure it goes back to ``local``."""
        segment_id = record.id
        try:
            assert record.local_path is not None  # CHECK local_has_path
            result, garbage_ids, spool_files = self._put_and_commit(record, record.local_path)
        except BaseException as exc:
            reason = exc.message if isinstance(exc, StorageError) else f"{type(exc).__name__}: {exc}"
            try:
                self._index.mark_failed(segment_id, reason)
            except Exception:
                log.exception("cannot record the failed upload of segment %d (reset at next start)", segment_id)
            raise
        if self.on_stored is not None:
            try:
                self.on_stored(result)
            except Exception:
                log.exception("on_stored hook failed for segment %d", segment_id)
        # Committed: the spool copies may go now. A crash here leaves garbage rows that recovery completes.
        try:
            for rel in spool_files:
                unlink_durably(self._spool.path(rel))
            self._give_back_garbage(garbage_ids)  # deleted with the next upload, or by the loop when idle
        except OSError as exc:
            log.warning("segment %d uploaded but its spool file(s) remain for recovery: %s", segment_id, exc)
        return result

    def _put_and_commit(self, record: SegmentRecord, local_path: str) -> tuple[SegmentRecord, list[int], list[str]]:
        layout = self._store.layout
        path = self._spool.path(local_path)
        if not path.is_file():
            raise FileNotFoundError(f"spool file {local_path} is missing")
        key = segment_key(record.camera_id, record.start_us, PurePosixPath(local_path).suffix)
        mime = content_type(local_path)
        link = getattr(self._store, "link_file", None)  # closed segments never change: a link may do
        stored = link(layout.recordings.name, key, path, content_type=mime, sha256=record.sha256) if link else None
        if stored is None:
            stored = self._store.put_file(layout.recordings.name, key, path, content_type=mime, sha256=record.sha256)
        self._verify(layout.recordings.name, key, record.size_bytes, record.sha256)
        spool_files = [local_path]
        thumbnail_keys = []
        for thumbnail in self._spool.thumbnails_for(local_path, record.start_us, record.end_us):
            time_us = thumbnail_time_us(PurePosixPath(thumbnail).name)
            assert time_us is not None
            thumbnail_path = self._spool.path(thumbnail)
            size, digest = sha256_file(thumbnail_path)
            thumb_key = segment_key(record.camera_id, time_us, PurePosixPath(thumbnail).suffix)
            mime = content_type(thumbnail)
            self._store.put_file(layout.thumbnails.name, thumb_key, thumbnail_path, content_type=mime, sha256=digest)
            self._verify(layout.thumbnails.name, thumb_key, size, digest)
            spool_files.append(thumbnail)
            thumbnail_keys.append(thumb_key)
        finished = self._take_done_garbage()  # earlier uploads' garbage rows, their files gone: same transaction
        try:
            uploaded, garbage_ids = self._index.mark_uploaded(
                record.id,
                object_key=key,
                etag=stored.etag,
                thumbnail_key=thumbnail_keys[0] if thumbnail_keys else None,
                uploaded_us=int(self._clock.time() * 1_000_000),
                delete_local=spool_files,
                finished_garbage=finished,
            )
        except BaseException:
            self._give_back_garbage(finished)
            raise
        return uploaded, garbage_ids, spool_files

    def _verify(self, bucket: str, key: str, size: int, sha256: str) -> StoredObject:
        """Stat the stored object and compare its size and SHA-256 metadata with the expected ones."""
        stored = self._store.stat(bucket, key)
        expected = f"size={size} sha256={sha256.lower()}"
        if stored is None:
            raise ChecksumMismatchError(f"{bucket}/{key}", expected, "no object")
        actual = f"size={stored.size} sha256={stored.sha256}"
        if actual != expected:
            raise ChecksumMismatchError(f"{bucket}/{key}", expected, actual)
        return stored

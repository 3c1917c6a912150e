"""The storage component of the backend's lifespan: object store, spool, segment index, uploader, recovery.

Start-up order (DESIGN.md §6): build the store from the settings, create its buckets with their lifecycle
rules (a store that is down or refuses the credentials is reported in ``/health``, not fatal: segments wait
in the spool), reconcile the spool with the segments table (``recover_spool``), then start the uploader.
Puts itself on ``app.state.storage``; uploads are published as ``segment_uploaded`` events.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import sessionmaker

from backend.api.health import CheckResult
from backend.settings import BackendSettings
from media.recorder_probe import probe_segment, seal_partial

from .base import BucketLayout, BucketSpec, ObjectStore
from .errors import StorageError
from .filesystem import FilesystemStore
from .recovery import recover_spool
from .s3 import S3Store
from .segment_index import SegmentIndex
from .spool import Spool
from .uploader import Uploader, UploadPolicy

log = logging.getLogger(__name__)
MIB = 1 << 20


def bucket_layout(settings: BackendSettings) -> BucketLayout:
    """Bucket names and expiry days from the settings (0 days = kept forever)."""
    names, days = settings.storage.buckets, settings.storage.lifecycle_days

    def spec(kind: str) -> BucketSpec:
        value = getattr(days, kind)
        return BucketSpec(getattr(names, kind), value or None)

    return BucketLayout(spec("recordings"), spec("exports"), spec("thumbnails"), spec("clips"))


def build_store(settings: BackendSettings, clock) -> ObjectStore:
    """The configured object store. Raises StorageError (e.g. no S3 secret key configured)."""
    st = settings.storage
    layout = bucket_layout(settings)
    if st.kind == "s3":
        secret = settings.s3_secret_key()
        if not st.s3_endpoint or not st.s3_access_key or not secret:
            raise StorageError(
                "S3 storage needs storage.s3_endpoint, storage.s3_access_key and a secret key",
                "يتطلب تخزين S3 عنوان الخادم ومفتاح الوصول والمفتاح السري",
            )
        return S3Store(
            st.s3_endpoint,
            st.s3_access_key,
            secret,
            secure=st.s3_secure,
            region=st.s3_region or "us-east-1",
            layout=layout,
            object_lock=st.s3_object_lock,
        )
    return FilesystemStore(settings.resolve(st.root), layout=layout, clock=clock)


class StorageComponent:
    """See the module docstring. ``spool``, ``index``, ``store`` and ``uploader`` are public for the recorder."""

    name = "storage"

    def __init__(self, ctx) -> None:
        settings: BackendSettings = ctx.settings
        st = settings.storage
        self._clock = ctx.clock
        self.store = build_store(settings, ctx.clock)
        self.spool = Spool(settings.spool_path, min_free_bytes=st.spool_min_free_mb * MIB, min_free_ratio=0.0)
        self.index = SegmentIndex(sessionmaker(ctx.db.engine, expire_on_commit=False), self.spool, ctx.clock)
        bus = ctx.bus

        def uploaded(row: dict) -> None:
            bus.publish("segment_uploaded", camera_id=row.get("camera_id"), **_event_fields(row))

        self.uploader = Uploader(
            self.index,
            self.store,
            clock=ctx.clock,
            policy=UploadPolicy(concurrency=st.upload_concurrency),
            on_uploaded=uploaded,
        )
        self.store_error = ""
        ctx.health.register("object_store", self._health, critical=False)
        self._queue_length = 0
        metrics = ctx.metrics
        metrics.gauge_callback(
            "backend_upload_queue_segments", "segments waiting for upload", lambda: float(self._queue_length)
        )
        ctx.state.storage = self

    async def start(self) -> None:
        try:
            await asyncio.to_thread(self.store.ensure_buckets)
        except StorageError as exc:
            self.store_error = exc.message
            log.error("object store not ready: %s (segments stay in the spool until it is)", exc.message)
        report = await asyncio.to_thread(
            recover_spool, self.index, probe=probe_segment, seal_partial=seal_partial, store=self.store
        )
        log.info("spool recovery: %s", report)
        await self.uploader.start()

    async def stop(self) -> None:
        await self.uploader.stop()

    async def _health(self) -> CheckResult:
        ok, detail = await asyncio.to_thread(self.store.health)
        gauges = await self.uploader.gauges()
        self._queue_length = gauges.queue_length
        data = {
            "uploadQueue": gauges.queue_length,
            "bytesPending": gauges.bytes_pending,
            "uploadLagP95S": gauges.upload_lag_p95_s,
            "spoolFreeBytes": self.spool.free_bytes(),
        }
        if ok:
            return CheckResult(True, "ok", detail, data=data)
        return CheckResult(
            False,
            "unavailable",
            detail,
            "The object store cannot be reached; recordings wait in the local spool.",
            "لا يمكن الوصول إلى مخزن الكائنات؛ تنتظر التسجيلات في المخزن المؤقت المحلي.",
            data,
        )


def _event_fields(row: dict) -> dict:
    keys = ("id", "start_us", "end_us", "size_bytes", "object_key", "session_id")
    return {k: row[k] for k in keys if k in row}

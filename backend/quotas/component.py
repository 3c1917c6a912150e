"""The quota component of the backend's lifespan (``backend.app.default_components``).

Builds the store of ``settings.quotas`` (``sql``: the backend's database; ``redis``: Valkey/Redis at
``quota_redis_url()``) behind a ``QuotaService`` on ``app.state.quotas``; registers the ``quota_store`` health
check (critical: without it no stream can be reserved) and the /metrics gauges ``backend_quota_used`` and
``backend_quota_limit`` per agency (as last read: no store call at scrape time). A timer driven by the injected
clock runs ``sweep()`` every ``cleanup_interval_s``: expired reservations are deleted and each agency whose usage
changed gets a ``quota_changed`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from backend.api.health import CheckResult
from backend.quotas.base import QuotaStore
from backend.quotas.service import QuotaService, QuotaStoreUnavailableError
from backend.quotas.settings import QuotaSettings

log = logging.getLogger(__name__)

TICK_S = 0.2  # how often (real seconds) the timer looks at the injected clock


class QuotaComponent:
    """See the module docstring."""

    name = "quotas"

    def __init__(self, ctx: Any) -> None:
        settings: QuotaSettings = ctx.settings.quotas
        self._settings = settings
        self._clock = ctx.clock
        backend_settings, engine = ctx.settings, ctx.db.engine

        def open_store() -> QuotaStore:
            if settings.store == "redis":
                from backend.quotas.redis_store import RedisQuotaStore

                return RedisQuotaStore.from_url(
                    backend_settings.quota_redis_url(),
                    ctx.clock,
                    settings.limits,
                    prefix=settings.key_prefix,
                    timeout_s=settings.redis_timeout_s,
                )
            from backend.quotas.sql_store import SqlQuotaStore

            return SqlQuotaStore(engine, ctx.clock, settings.limits)

        self.service = QuotaService(
            open_store, ctx.bus.publish, store_kind=settings.store, ttl_s=settings.reservation_ttl_s
        )
        self._task: asyncio.Task[None] | None = None
        ctx.state.quotas = self.service
        ctx.health.register("quota_store", self._health)
        snapshot = self.service.snapshot
        ctx.metrics.gauge_callback(
            "backend_quota_used",
            "Live stream reservations per agency",
            lambda: {(a,): u.used for a, u in snapshot().items()},
            ["agency"],
        )
        ctx.metrics.gauge_callback(
            "backend_quota_limit",
            "Stream limit per agency",
            lambda: {(a,): u.limit for a, u in snapshot().items()},
            ["agency"],
        )

    async def _health(self) -> CheckResult:
        data = {"store": self._settings.store}
        try:
            await self.service.ping()
        except QuotaStoreUnavailableError as exc:
            return CheckResult(False, "unavailable", f"{self._settings.store} store", exc.message, exc.message_ar, data)
        return CheckResult(True, "ok", self._settings.store, data=data)

    async def start(self) -> None:
        try:
            await self.service.stats(publish=False)
        except QuotaStoreUnavailableError:
            log.warning(
                "quota store (%s) not reachable at start; streams are refused until it is", self._settings.store
            )
        self._task = asyncio.create_task(self._timer(), name="quota-cleanup")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.service.close()

    async def _timer(self) -> None:
        interval = self._settings.cleanup_interval_s
        due = self._clock.monotonic() + interval
        while True:
            await asyncio.sleep(min(TICK_S, interval))
            if self._clock.monotonic() < due:
                continue
            due = self._clock.monotonic() + interval
            try:
                deleted = await self.service.sweep()
            except QuotaStoreUnavailableError:
                continue  # logged by the service; /health reports it
            except Exception:
                log.exception("quota cleanup failed")
                continue
            if deleted:
                log.info("quotas: %d expired reservation(s) deleted", deleted)

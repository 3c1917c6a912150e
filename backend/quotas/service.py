"""The quota service the API uses: a QuotaStore called from async code, store failures as bilingual 503s, and
``quota_changed`` events whenever an agency's limit or usage changes.

Every store call runs in a worker thread. After a reservation, a release, a limit change or a sweep (expired
reservations deleted, see ``QuotaComponent``) the service reads the usage of every agency and publishes one
``quota_changed`` event ``{agency, limit, used}`` per agency whose limit or usage differs from what it last
saw - so reservations made or expired by other backends sharing the store are announced too. The last usage
seen (``snapshot()``) feeds /metrics without touching the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
import sqlalchemy.exc

from backend.errors import BilingualError
from backend.quotas.base import AgencyUsage, QuotaExceededError, QuotaStore, Reservation, ReservationKind
from backend.settings import SettingsError

log = logging.getLogger(__name__)

T = TypeVar("T")
# Exceptions meaning "the store cannot be used now" (answered 503; SettingsError: its secret file is unreadable);
# others are bugs (500).
STORE_DOWN: tuple[type[BaseException], ...] = (
    redis.RedisError,
    sqlalchemy.exc.SQLAlchemyError,
    OSError,
    SettingsError,
)


class QuotaStoreUnavailableError(BilingualError):
    """503: the quota store (database or Valkey/Redis) does not answer. ``details``: store."""

    code, status = "quota_store_unavailable", 503

    def __init__(self, store: str) -> None:
        super().__init__(
            "The stream quota service is not available; try again shortly.",
            "خدمة حصص البث غير متاحة حالياً؛ حاول مرة أخرى بعد قليل.",
            {"store": store},
        )


class ReservationNotFoundError(BilingualError):
    """404: no live reservation with this id (it expired, was released or never existed): reserve again."""

    code, status = "reservation_not_found", 404

    def __init__(self, reservation_id: str) -> None:
        super().__init__(
            "This stream reservation does not exist or has expired; reserve the stream again.",
            "حجز البث هذا غير موجود أو انتهت صلاحيته؛ احجز البث مرة أخرى.",
            {"reservation_id": reservation_id},
        )


class ReservationNotYoursError(BilingualError):
    """403: the reservation is held by someone else (only its holder or an administrator may release it or
    keep it alive)."""

    code, status = "reservation_not_yours", 403

    def __init__(self, reservation_id: str) -> None:
        super().__init__(
            "This stream reservation belongs to another user.",
            "حجز البث هذا يخص مستخدماً آخر.",
            {"reservation_id": reservation_id},
        )


class UnknownAgencyError(BilingualError):
    """422: the agency has no stream quota. ``details``: agency, known (the agencies with a limit)."""

    code, status = "unknown_agency", 422

    def __init__(self, agency: str, known: list[str]) -> None:
        super().__init__(
            f"The agency {agency} has no stream quota.",
            f"لا توجد حصة بث للجهة {agency}.",
            {"agency": agency, "known": known},
        )


class QuotaService:
    """See the module docstring.

    ``open_store()`` builds the store (called again after it failed, e.g. Valkey down at start-up);
    ``publish(type, **data)`` is the event bus's publish; ``store_kind`` names the store in errors and health
    (``sql`` or ``redis``); ``ttl_s`` is the reservation time to live in seconds used when a call gives none.
    Methods raise QuotaStoreUnavailableError (503) when the store fails.
    """

    def __init__(
        self,
        open_store: Callable[[], QuotaStore],
        publish: Callable[..., Any],
        *,
        store_kind: str,
        ttl_s: float,
    ) -> None:
        self._open_store = open_store
        self._publish = publish
        self.store_kind = store_kind
        self.ttl_s = ttl_s
        self._store: QuotaStore | None = None
        self._opening = asyncio.Lock()
        self._seen: dict[str, AgencyUsage] = {}
        self._reads = 0  # stats reads started
        self._applied = 0  # the newest read whose result is in _seen

    async def _call(self, fn: Callable[[QuotaStore], T]) -> T:
        store = self._store
        try:
            if store is None:
                async with self._opening:
                    if self._store is None:
                        self._store = await asyncio.to_thread(self._open_store)
                    store = self._store
            return await asyncio.to_thread(fn, store)
        except STORE_DOWN as exc:
            log.warning("quota store (%s) failed: %s", self.store_kind, type(exc).__name__)
            raise QuotaStoreUnavailableError(self.store_kind) from None

    def snapshot(self) -> dict[str, AgencyUsage]:
        """The usage of every agency as last read (agency -> AgencyUsage); empty before the first read."""
        return dict(self._seen)

    def _note(self, usage: list[AgencyUsage], *, publish: bool = True) -> None:
        for item in usage:
            if publish and self._seen.get(item.agency) != item:
                self._publish("quota_changed", agency=item.agency, limit=item.limit, used=item.used)
            self._seen[item.agency] = item

    async def stats(self, *, publish: bool = True) -> list[AgencyUsage]:
        """Every agency's limit and usage now (sorted by agency); changes since the last read are announced.
        A read that completes after a later-started one is returned but not announced (it is older)."""
        self._reads += 1
        read = self._reads
        usage = await self._call(lambda s: s.stats())
        if read > self._applied:
            self._applied = read
            self._note(usage, publish=publish)
        return usage

    async def _refreshed(self, agency: str) -> AgencyUsage | None:
        """Re-reads (and announces) the usage after a change; returns ``agency``'s, or the last seen one when
        the store failed meanwhile (logged), or None."""
        with contextlib.suppress(QuotaStoreUnavailableError):
            await self.stats()
        return self._seen.get(agency)

    async def known_agency(self, agency: str) -> None:
        """Raises UnknownAgencyError unless ``agency`` has a limit (re-reads the store when not seen yet)."""
        if agency not in self._seen:
            await self.stats()
        if agency not in self._seen:
            raise UnknownAgencyError(agency, sorted(self._seen))

    async def reserve(
        self, agency: str, holder: str, kind: ReservationKind, camera_id: str | None, ttl_s: float | None = None
    ) -> tuple[Reservation, AgencyUsage]:
        """Take a slot of ``agency`` for ``ttl_s`` (default ``self.ttl_s``) seconds; returns the reservation and
        the agency's usage after it. Raises UnknownAgencyError, QuotaExceededError (429: its limit and used
        are announced if new), QuotaStoreUnavailableError."""
        await self.known_agency(agency)
        ttl = self.ttl_s if ttl_s is None else ttl_s
        try:
            reservation = await self._call(lambda s: s.reserve(agency, holder, kind, camera_id, ttl))
        except QuotaExceededError as exc:
            self._note([AgencyUsage(exc.agency, exc.limit, exc.used)])
            raise
        usage = await self._refreshed(reservation.agency)
        return reservation, usage or AgencyUsage(reservation.agency, 0, 0)

    async def get(self, reservation_id: str) -> Reservation | None:
        """The live reservation, or None."""
        return await self._call(lambda s: s.get(reservation_id))

    async def release(self, reservation_id: str) -> bool:
        """Give a slot back; False when it was not live (idempotent)."""
        released = await self._call(lambda s: s.release(reservation_id))
        if released:
            with contextlib.suppress(QuotaStoreUnavailableError):
                await self.stats()
        return released

    async def heartbeat(self, reservation_id: str, ttl_s: float | None = None) -> Reservation:
        """Extend a live reservation to now + ``ttl_s`` (default ``self.ttl_s``) seconds. Raises
        ReservationNotFoundError when it expired or is unknown."""
        ttl = self.ttl_s if ttl_s is None else ttl_s
        reservation = await self._call(lambda s: s.heartbeat(reservation_id, ttl))
        if reservation is None:
            raise ReservationNotFoundError(reservation_id)
        return reservation

    async def set_limit(self, agency: str, limit: int) -> AgencyUsage:
        """Set ``agency``'s limit (>= 0; a new agency gets one); returns its usage after the change."""
        await self._call(lambda s: s.set_limit(agency, limit))
        usage = await self._refreshed(agency)
        return usage or AgencyUsage(agency, limit, 0)

    async def sweep(self) -> int:
        """Delete expired reservations and announce the usage changes; returns how many were deleted."""
        deleted = await self._call(lambda s: s.cleanup())
        await self.stats()
        return deleted

    async def ping(self) -> None:
        """Raises QuotaStoreUnavailableError when the store does not answer."""
        await self._call(lambda s: s.ping() if hasattr(s, "ping") else s.limits())

    async def close(self) -> None:
        """Close the store's connections (Valkey/Redis; the SQL store shares the backend's engine)."""
        store, self._store = self._store, None
        if store is not None and hasattr(store, "close"):
            await asyncio.to_thread(store.close)

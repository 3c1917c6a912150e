"""The quota store in the backend's database (the embedded default): tables ``agency_quota_limits`` and
``stream_reservations`` (backend/db/models.py, migration 0003), SQLAlchemy 2 Core, one transaction per
operation.

Concurrency: a reservation reads the count and inserts in one transaction that holds a lock covering the
agency, so processes sharing the database never exceed a limit. On SQLite the engine from
``backend.db.engine.create_db_engine`` begins every transaction with ``BEGIN IMMEDIATE`` (the database's write
lock, waited for up to the busy time-out); on PostgreSQL the agency's limit row is locked with
``SELECT ... FOR UPDATE`` (reservations of other agencies proceed in parallel). Pass only such an engine: a
plain SQLite engine with deferred BEGIN would fail with "database is locked" under contention.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from backend.db.models import AgencyQuotaLimit, StreamReservation
from backend.quotas.base import (
    OTHER_AGENCY,
    AgencyUsage,
    QuotaExceededError,
    Reservation,
    ReservationKind,
    check_agency,
    check_limit,
    check_request,
    configured_limits,
    now_us,
)
from milestone.clock import Clock

_L = AgencyQuotaLimit
_R = StreamReservation

# The statements of the hot paths (reserve, release, and stats, which the service runs after each change), built
# once: building a statement costs more CPU than SQLite takes to run it (bench/quotas.py: about 2.5 times the
# operations per second). Core tables, so that executing them skips the ORM's bulk-insert layer.
_LT, _RT = cast(Table, _L.__table__), cast(Table, _R.__table__)
_GROUP_LIMIT = select(_LT.c.stream_limit).where(_LT.c.agency == bindparam("agency")).with_for_update()
_DELETE_STALE = delete(_RT).where(_RT.c.agency == bindparam("agency"), _RT.c.expires_us <= bindparam("now"))
_COUNT = select(func.count()).select_from(_RT).where(_RT.c.agency == bindparam("agency"))
_INSERT = insert(_RT)
_RELEASE = delete(_RT).where(_RT.c.id == bindparam("id")).returning(_RT.c.expires_us)
_LIVE = (
    select(_RT.c.agency, func.count().label("used"))
    .where(_RT.c.expires_us > bindparam("now"))
    .group_by(_RT.c.agency)
    .subquery()
)
_STATS = (
    select(_LT.c.agency, _LT.c.stream_limit, func.coalesce(_LIVE.c.used, 0))
    .outerjoin(_LIVE, _LIVE.c.agency == _LT.c.agency)
    .order_by(_LT.c.agency)
)


class SqlQuotaStore:
    """QuotaStore on ``engine`` (tables migrated already, see backend.db.migrate).

    ``limits``: the configured limits (merged over DEFAULT_LIMITS); at construction the agencies without a
    row get one, rows that exist (an administrator's ``set_limit``) are kept. Raises ValueError on an invalid
    limit, the driver's errors when the database is unusable.
    """

    def __init__(self, engine: Engine, clock: Clock, limits: Mapping[str, int] | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._configured = configured_limits(limits)
        self.seed_limits()

    def seed_limits(self) -> None:
        """Insert a row for every configured agency that has none (concurrent starts are harmless)."""
        now = now_us(self._clock)
        with self._engine.begin() as conn:
            for agency, limit in self._configured.items():
                stmt = self._insert_limit().values(agency=agency, stream_limit=limit, updated_us=now)
                conn.execute(stmt.on_conflict_do_nothing(index_elements=["agency"]))

    def _insert_limit(self) -> Any:
        # Both dialects' INSERT support ON CONFLICT (SQLite >= 3.24); other databases are not supported.
        dialect = self._engine.dialect.name
        if dialect == "postgresql":
            return postgresql.insert(_L)
        if dialect == "sqlite":
            return sqlite.insert(_L)
        raise ValueError(f"the SQL quota store supports SQLite and PostgreSQL, not {dialect}")

    def _lock_group(self, conn: Connection, agency: str) -> tuple[str, int]:
        """The quota group of ``agency`` (itself, or OTHER without a limit row) and its limit, with the group's
        row locked until the transaction ends (PostgreSQL; SQLite holds the database lock already)."""
        for group in (agency, OTHER_AGENCY):
            limit = conn.scalar(_GROUP_LIMIT, {"agency": group})
            if limit is not None:
                return group, limit
        raise RuntimeError("the OTHER quota limit row is missing (seed_limits was not run)")

    def reserve(
        self, agency: str, holder: str, kind: ReservationKind, camera_id: str | None, ttl_s: float
    ) -> Reservation:
        """See QuotaStore.reserve: deletes the group's stale rows, counts, inserts below the limit."""
        ttl_us = check_request(kind, ttl_s)
        name = check_agency(agency)
        now = now_us(self._clock)
        reservation: Reservation | None = None
        with self._engine.begin() as conn:
            group, limit = self._lock_group(conn, name)
            conn.execute(_DELETE_STALE, {"agency": group, "now": now})
            used = conn.scalar(_COUNT, {"agency": group}) or 0
            if used < limit:
                reservation = Reservation(uuid.uuid4().hex, group, holder, kind, camera_id, now, now + ttl_us)
                conn.execute(_INSERT, _row(reservation))
        if reservation is None:
            raise QuotaExceededError(group, limit, used)
        return reservation

    def release(self, reservation_id: str) -> bool:
        """See QuotaStore.release (the row is deleted whether live or stale)."""
        now = now_us(self._clock)
        with self._engine.begin() as conn:
            expires = conn.scalar(_RELEASE, {"id": reservation_id})
        return expires is not None and expires > now

    def heartbeat(self, reservation_id: str, ttl_s: float) -> Reservation | None:
        """See QuotaStore.heartbeat (a stale row found here is deleted)."""
        ttl_us = check_request("live", ttl_s)
        now = now_us(self._clock)
        with self._engine.begin() as conn:
            row = conn.execute(select(_R.__table__).where(_R.id == reservation_id)).mappings().first()
            if row is None:
                return None
            if row["expires_us"] <= now:
                conn.execute(delete(_R).where(_R.id == reservation_id))
                return None
            expires = max(row["expires_us"], now + ttl_us)
            conn.execute(update(_R).where(_R.id == reservation_id).values(expires_us=expires))
        return Reservation(
            row["id"], row["agency"], row["holder"], row["kind"], row["camera_id"], row["created_us"], expires
        )

    def stats(self) -> list[AgencyUsage]:
        """See QuotaStore.stats."""
        now = now_us(self._clock)
        with self._engine.begin() as conn:
            rows = conn.execute(_STATS, {"now": now})
            return [AgencyUsage(agency, limit, used) for agency, limit, used in rows]

    def set_limit(self, agency: str, limit: int) -> None:
        """See QuotaStore.set_limit (an upsert). Raises ValueError on an invalid name or limit."""
        name, value = check_agency(agency), check_limit(limit)
        stmt = self._insert_limit().values(agency=name, stream_limit=value, updated_us=now_us(self._clock))
        stmt = stmt.on_conflict_do_update(
            index_elements=["agency"], set_={"stream_limit": value, "updated_us": stmt.excluded.updated_us}
        )
        with self._engine.begin() as conn:
            conn.execute(stmt)

    def limits(self) -> dict[str, int]:
        """See QuotaStore.limits."""
        with self._engine.begin() as conn:
            return {agency: limit for agency, limit in conn.execute(select(_L.agency, _L.stream_limit))}

    def cleanup(self) -> int:
        """See QuotaStore.cleanup."""
        now = now_us(self._clock)
        with self._engine.begin() as conn:
            return cast(int, conn.execute(delete(_R).where(_R.expires_us <= now)).rowcount)

    def get(self, reservation_id: str) -> Reservation | None:
        """See QuotaStore.get."""
        now = now_us(self._clock)
        with self._engine.connect() as conn:
            row = conn.execute(select(_R.__table__).where(_R.id == reservation_id, _R.expires_us > now)).first()
        return None if row is None else Reservation(*row)


def _row(reservation: Reservation) -> dict[str, Any]:
    return {
        "id": reservation.id,
        "agency": reservation.agency,
        "holder": reservation.holder,
        "kind": reservation.kind,
        "camera_id": reservation.camera_id,
        "created_us": reservation.created_us,
        "expires_us": reservation.expires_us,
    }

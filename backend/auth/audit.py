"""The audit log (issue 5 §5): who did what, when, from where, with which outcome.

``AuditLog.record(entry)`` is awaited by the API's audit middleware before the response is sent, so a call's
row is committed before its caller learns the outcome. Rows arriving while a write is in progress are committed
together by the next write (group commit: one transaction per batch, in a worker thread), so auditing costs a
busy backend one commit per batch rather than one per call. The table is append-only: nothing in the backend
updates or deletes it and database triggers refuse both (migration 0004). ``search`` serves administrators'
queries newest first, through the read-only engine. Times are integer UTC µs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from sqlalchemy import Engine, String, cast, insert, or_, select

from backend.db.models import AuditEntry

log = logging.getLogger(__name__)

_A = AuditEntry
MAX_SEARCH_LIMIT = 1000
OUTCOMES = ("success", "denied", "failed", "error")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audited call. ``actor``: user name, ``token:<label>`` or ``anonymous`` (``actor_kind`` user, token or
    anonymous); ``action``: ``METHOD /route/template``; ``target``: the route's parameters (``name=value``
    separated by spaces); ``outcome``: success (2xx/3xx), denied (401/403/429), failed (other 4xx), error (5xx);
    ``status``: the HTTP status; ``detail``: what the route added. ``id`` is set on rows read back."""

    at_us: int
    actor: str
    actor_kind: str
    action: str
    target: str
    outcome: str
    status: int
    client_address: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters of a search (None = any). ``action``/``actor`` match exactly; ``text`` is a case-insensitive
    substring of actor, action, target or detail; ``since_us``/``until_us`` bound ``at_us`` (inclusive,
    exclusive); ``before_id`` pages backwards (rows with a smaller id); ``limit`` 1..MAX_SEARCH_LIMIT."""

    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    text: str | None = None
    since_us: int | None = None
    until_us: int | None = None
    before_id: int | None = None
    limit: int = 100


def outcome_of(status: int) -> str:
    """The outcome class of an HTTP status (see AuditRecord)."""
    if status < 400:
        return "success"
    if status in (401, 403, 429):
        return "denied"
    return "failed" if status < 500 else "error"


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class AuditLog:
    """See the module docstring. ``engine`` writes, ``reader`` reads (may be the same engine);
    ``on_written(n)`` and ``on_failed(n)`` count rows for the metrics."""

    def __init__(
        self,
        engine: Engine,
        reader: Engine | None = None,
        *,
        on_written: Callable[[int], None] | None = None,
        on_failed: Callable[[int], None] | None = None,
    ) -> None:
        self._engine = engine
        self._reader = reader or engine
        self._on_written = on_written
        self._on_failed = on_failed
        self._pending: list[tuple[AuditRecord, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    def write(self, records: list[AuditRecord]) -> None:
        """Insert ``records`` in one transaction (synchronous)."""
        rows = [
            {
                "at_us": r.at_us,
                "actor": r.actor[:128],
                "actor_kind": r.actor_kind,
                "action": r.action[:160],
                "target": r.target[:255],
                "outcome": r.outcome,
                "status": r.status,
                "client_address": r.client_address[:64],
                "detail": r.detail,
            }
            for r in records
        ]
        with self._engine.begin() as conn:
            conn.execute(insert(_A), rows)

    async def record(self, entry: AuditRecord) -> None:
        """Commit ``entry`` (with whatever else is waiting); returns once it is durable. Raises the
        database's error when the write failed (the entry is then lost: the caller logs it)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((entry, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="audit-writer")
        await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await anyio.to_thread.run_sync(self.write, [entry for entry, _ in batch])
            except Exception as exc:
                log.error("audit log write of %d row(s) failed: %s", len(batch), exc)
                if self._on_failed:
                    self._on_failed(len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            if self._on_written:
                self._on_written(len(batch))
            for _, future in batch:
                if not future.done():
                    future.set_result(None)

    async def close(self) -> None:
        """Wait for pending writes."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    def search(self, query: AuditQuery) -> list[AuditRecord]:
        """Rows matching ``query``, newest first (synchronous)."""
        stmt = select(
            _A.at_us,
            _A.actor,
            _A.actor_kind,
            _A.action,
            _A.target,
            _A.outcome,
            _A.status,
            _A.client_address,
            _A.detail,
            _A.id,
        )
        if query.actor is not None:
            stmt = stmt.where(_A.actor == query.actor)
        if query.action is not None:
            stmt = stmt.where(_A.action == query.action)
        if query.outcome is not None:
            stmt = stmt.where(_A.outcome == query.outcome)
        if query.since_us is not None:
            stmt = stmt.where(_A.at_us >= query.since_us)
        if query.until_us is not None:
            stmt = stmt.where(_A.at_us < query.until_us)
        if query.before_id is not None:
            stmt = stmt.where(_A.id < query.before_id)
        if query.text:
            pattern = _like(query.text)
            columns = (_A.actor, _A.action, _A.target, cast(_A.detail, String))
            stmt = stmt.where(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
        limit = max(1, min(MAX_SEARCH_LIMIT, query.limit))
        stmt = stmt.order_by(_A.id.desc()).limit(limit)
        with self._reader.connect() as conn:
            return [AuditRecord(*row) for row in conn.execute(stmt)]

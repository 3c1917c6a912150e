"""Searching the audit log (permission ``audit.read``, admins). There is no route that changes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Query

from backend.api.auth import require_permission
from backend.api.deps import error_responses
from backend.api.errors import ApiError
from backend.api.login import Auth
from backend.api.schemas import datetime_from_us
from backend.api.schemas_auth import AuditEntryOut, AuditPage, Outcome
from backend.auth.audit import MAX_SEARCH_LIMIT, AuditQuery
from backend.auth.permissions import AUDIT_READ

router = APIRouter(
    prefix="/audit",
    tags=["audit"],
    dependencies=[Depends(require_permission(AUDIT_READ))],
    responses=error_responses(400, 401, 403, 422),
)


def _us(value: datetime | None, name: str) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ApiError(
            400,
            "time_without_timezone",
            f"{name} needs a time zone (for example 2026-11-21T10:00:00Z).",
            f"يحتاج {name} إلى منطقة زمنية (مثلاً 2026-11-21T10:00:00Z).",
            {"field": name},
        )
    return int(value.timestamp() * 1_000_000)


@router.get("", response_model=AuditPage, summary="Search the audit log, newest first")
async def search_audit(
    auth: Auth,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=160, description="METHOD /route/template")] = None,
    outcome: Outcome | None = None,
    q: Annotated[str | None, Query(max_length=200, description="text in actor, action, target or detail")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: Annotated[int | None, Query(alias="beforeId", ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_LIMIT)] = 100,
) -> AuditPage:
    query = AuditQuery(actor, action, outcome, q, _us(since, "since"), _us(until, "until"), before_id, limit)
    rows = await anyio.to_thread.run_sync(auth.audit.search, query)
    entries = [
        AuditEntryOut(
            id=r.id or 0,
            at=datetime_from_us(r.at_us),
            actor=r.actor,
            actor_kind=r.actor_kind,  # type: ignore[arg-type]
            action=r.action,
            target=r.target,
            outcome=r.outcome,  # type: ignore[arg-type]
            status=r.status,
            client_address=r.client_address,
            detail=r.detail,
        )
        for r in rows
    ]
    return AuditPage(entries=entries, next_before_id=entries[-1].id if len(entries) == limit else None)

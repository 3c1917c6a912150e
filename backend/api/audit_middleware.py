"""ASGI middleware writing one audit row per state-changing API call (issue 5 §5).

Every request under ``/api/v1`` whose method is not GET, HEAD or OPTIONS is audited: who (the principal the
route resolved, else the user name a log-in tried, else ``anonymous``), when, what (``METHOD`` + the route
template), the route's path parameters, from where (the client address), the outcome and status, and what the
route added with ``audit_note``. The row is committed (``backend.auth.audit.AuditLog``, group commit) before
the response starts, so a caller never sees the outcome of a call the log does not have; a request that fails
with an unhandled exception is audited as ``error`` (500). WebSockets and reads are not audited.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.introspect import RouteTemplates
from backend.auth.audit import AuditRecord, outcome_of

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def audit_note(request: Request, *, actor: str | None = None, **detail: Any) -> None:
    """Add ``detail`` (JSON values; never a password or token) to the request's audit row; ``actor`` names who
    acted when no principal was resolved (a log-in attempt's user name)."""
    state = request.state
    if actor is not None:
        state.audit_actor = actor
    current = getattr(state, "audit_detail", None) or {}
    state.audit_detail = {**current, **detail}


class AuditMiddleware:
    """See the module docstring. ``templates`` maps a path to its route template; ``prefix`` is the API's."""

    def __init__(self, app: ASGIApp, *, templates: RouteTemplates, prefix: str = "/api/v1") -> None:
        self.app = app
        self._templates = templates
        self._prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or not scope["path"].startswith(self._prefix):
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # the dict the routes' request.state writes into
        audited = False

        async def audited_send(message: Message) -> None:
            nonlocal audited
            if message["type"] == "http.response.start" and not audited:
                audited = True
                await self._record(scope, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except Exception:
            if not audited:
                audited = True
                await self._record(scope, 500)
            raise

    async def _record(self, scope: Scope, status: int) -> None:
        app_state = scope["app"].state
        audit = getattr(getattr(app_state, "auth", None), "audit", None)
        if audit is None:
            log.error("audit log not running: %s %s (%d) not audited", scope["method"], scope["path"], status)
            return
        state: dict[str, Any] = scope.get("state") or {}
        principal = state.get("principal")
        if principal is not None:
            actor, kind = principal.name, principal.kind
        elif state.get("audit_actor"):
            actor, kind = state["audit_actor"], "user"
        else:
            actor, kind = "anonymous", "anonymous"
        template = self._templates(scope["path"], scope["method"]) or scope["path"]
        params = scope.get("path_params") or {}
        client = scope.get("client")
        entry = AuditRecord(
            at_us=int(app_state.clock.time() * 1_000_000),
            actor=actor,
            actor_kind=kind,
            action=f"{scope['method']} {template}",
            target=" ".join(f"{k}={v}" for k, v in params.items()),
            outcome=outcome_of(status),
            status=status,
            client_address=client[0] if client else "",
            detail=dict(state.get("audit_detail") or {}),
        )
        try:
            await audit.record(entry)
        except Exception:
            log.error("audit row lost: %s by %s (%d)", entry.action, entry.actor, status)

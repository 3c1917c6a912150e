"""The administrator's calls to the backend (issue 5 §4-5): users, the audit log and the agencies' stream limits.

``AdminApi`` is a thin async wrapper over a ``BackendClient`` (the connection's client, authenticated as the
logged-in user or by the API token). Results are the backend's wire models (``backend.api.schemas_auth``,
``backend.api.schemas_quotas``). Every failure raises ``BackendError`` with the backend's bilingual message
(``.text(arabic)``), e.g. 400 ``weak_password`` / ``invalid_user``, 409 ``user_exists`` / ``last_admin``, 404
``user_not_found``, 403 ``forbidden`` (the user lacks ``users.manage``, ``audit.read`` or ``quotas.manage``), 400
``time_without_timezone``; status 0 ``unreachable``/``timeout`` when the backend does not answer. Passwords go
in request bodies only and are never logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from backend.api.schemas import API_PREFIX
from backend.api.schemas_auth import AuditPage, UserList, UserOut
from backend.api.schemas_quotas import AgencyQuota, QuotaStats

from .client import BackendClient, BackendError

__all__ = ["AdminApi", "BackendError"]

AUDIT_PAGE = 100  # the backend's default page size of GET /api/v1/audit


class AdminApi:
    """User administration, audit search and stream limits through ``client`` (not closed here)."""

    def __init__(self, client: BackendClient) -> None:
        self._client = client

    @staticmethod
    def _user_path(username: str) -> str:
        return f"{API_PREFIX}/users/{quote(username, safe='')}"

    # --- users (permission users.manage) ----------------------------------------------------------------
    async def list_users(self) -> list[UserOut]:
        """``GET /api/v1/users``: every user (disabled ones included), as the backend orders them."""
        body = await self._client._request("GET", f"{API_PREFIX}/users")
        return self._client._parse(UserList, body).users

    async def create_user(
        self, username: str, password: str, role: str, display_name: str = "", disabled: bool = False
    ) -> UserOut:
        """``POST /api/v1/users``; ``role`` is operator, supervisor or admin. Raises BackendError: 409
        ``user_exists``, 400 ``weak_password`` (details ``minLength``) or ``invalid_user`` (details ``field``),
        422 ``validation_error`` (e.g. an unknown role)."""
        body = {"username": username, "password": password, "role": role, "displayName": display_name}
        if disabled:
            body["disabled"] = True
        return self._client._parse(UserOut, await self._client._request("POST", f"{API_PREFIX}/users", json=body))

    async def update_user(
        self,
        username: str,
        *,
        role: str | None = None,
        display_name: str | None = None,
        disabled: bool | None = None,
        password: str | None = None,
    ) -> UserOut:
        """``PATCH /api/v1/users/{username}`` with only the fields given (None = unchanged). A new ``password``
        or ``disabled=True`` ends the user's sessions at once. Raises BackendError: 404 ``user_not_found``, 409
        ``last_admin`` (the last enabled administrator can be neither disabled nor demoted), 400
        ``weak_password`` / ``invalid_user``."""
        changes: dict[str, Any] = {"role": role, "displayName": display_name, "disabled": disabled}
        if password is not None:
            changes["password"] = password
        body = {key: value for key, value in changes.items() if value is not None}
        answer = await self._client._request("PATCH", self._user_path(username), json=body)
        return self._client._parse(UserOut, answer)

    # --- audit log (permission audit.read) --------------------------------------------------------------
    async def search_audit(
        self,
        actor: str | None = None,
        action: str | None = None,
        outcome: str | None = None,
        q: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        limit: int = AUDIT_PAGE,
    ) -> AuditPage:
        """``GET /api/v1/audit``: entries newest first (descending ``id``). Filters (None = any): ``actor`` (exact
        principal name), ``action`` (exact ``METHOD /route/template``), ``outcome`` (success, denied, failed,
        error), ``q`` (text in actor, action, target or detail), ``since`` (inclusive) / ``until`` (exclusive),
        aware datetimes. ``before_id``: the previous page's ``next_before_id`` for the next, older page;
        ``limit`` 1 … 1000 entries. Raises BackendError (400 ``time_without_timezone`` for a naive time)."""
        params: dict[str, Any] = {"limit": int(limit)}
        for name, value in (("actor", actor), ("action", action), ("outcome", outcome), ("q", q)):
            if value:
                params[name] = value
        if since is not None:
            params["since"] = since.isoformat()
        if until is not None:
            params["until"] = until.isoformat()
        if before_id is not None:
            params["beforeId"] = int(before_id)
        body = await self._client._request("GET", f"{API_PREFIX}/audit", params=params)
        return self._client._parse(AuditPage, body)

    # --- stream quotas ----------------------------------------------------------------------------------
    async def quota_stats(self) -> QuotaStats:
        """``GET /api/v1/stream/stats`` (permission view): every agency's limit, live reservations and free
        slots. Raises BackendError (503 ``quota_store_unavailable`` / ``quotas_not_running``)."""
        return self._client._parse(QuotaStats, await self._client._request("GET", f"{API_PREFIX}/stream/stats"))

    async def set_limit(self, agency: str, limit: int) -> AgencyQuota:
        """``PUT /api/v1/stream/limits/{agency}`` (permission quotas.manage): ``limit`` concurrent streams (0 …
        100000; 0 refuses every new one); a new agency gets one. Agencies are upper-cased by the backend.
        Raises BackendError (422 ``validation_error`` for a bad name or limit, 503 when the store is down)."""
        path = f"{API_PREFIX}/stream/limits/{quote(agency, safe='')}"
        answer = await self._client._request("PUT", path, json={"limit": int(limit)})
        return self._client._parse(AgencyQuota, answer)

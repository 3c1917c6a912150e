"""Logging the GUI into its backend as a user (issue 5 §4): log-in, who am I, refresh, log-out.

A remote backend without an API token for this workstation is used with a user session: the GUI logs in with
``POST /api/v1/auth/login`` (user name and password; the token it gets lives in memory only), learns the user's
role and permissions from ``GET /api/v1/auth/me`` and refreshes the session before it expires. The bundled
backend (and a remote one with an API token) is used with its API token, which ``/auth/me`` reports as a
service holding every permission. A backend older than the users API (404 on ``/auth/me``) is treated the same.
"""

from __future__ import annotations

from typing import Any

from backend.api.schemas import API_PREFIX
from backend.api.schemas_auth import MeOut, SessionOut

from .client import DEFAULT_TIMEOUT_S, BackendClient, BackendError

ALL_PERMISSIONS = frozenset(
    {"view", "record", "export", "incidents", "cameras.manage", "quotas.manage", "users.manage", "audit.read"}
)


async def log_in(
    base_url: str, username: str, password: str, *, timeout: float = DEFAULT_TIMEOUT_S, transport: Any = None
) -> SessionOut:
    """``POST /api/v1/auth/login``; returns the session (its ``token`` is the bearer token). Raises BackendError
    (401 invalid_credentials, 403 user_disabled, 429 login_locked, status 0 when unreachable)."""
    client = BackendClient(base_url, "", timeout=timeout, transport=transport)  # the log-in needs no token
    try:
        credentials = {"username": username, "password": password}
        body = await client._request("POST", f"{API_PREFIX}/auth/login", json=credentials)
        return client._parse(SessionOut, body)
    finally:
        await client.aclose()


async def who_am_i(client: BackendClient) -> MeOut | None:
    """``GET /api/v1/auth/me``; None from a backend without the users API (404). Raises BackendError."""
    try:
        return client._parse(MeOut, await client._request("GET", f"{API_PREFIX}/auth/me"))
    except BackendError as exc:
        if exc.status == 404 and exc.code in ("not_found", "http_404"):
            return None
        raise


async def refresh(client: BackendClient) -> SessionOut:
    """``POST /api/v1/auth/refresh``: the session's new expiry. Raises BackendError (401 when it ended)."""
    return client._parse(SessionOut, await client._request("POST", f"{API_PREFIX}/auth/refresh"))


async def log_out(client: BackendClient) -> None:
    """``POST /api/v1/auth/logout`` (the token stops working). Raises BackendError."""
    await client._send("POST", f"{API_PREFIX}/auth/logout", (204,))


def permissions_of(me: MeOut | None) -> frozenset[str]:
    """The permissions ``me`` grants (every one for a backend without the users API)."""
    return ALL_PERMISSIONS if me is None else frozenset(me.permissions)

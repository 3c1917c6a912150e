"""Logging the GUI into its backend as a user (issue 5 §4): log-in, who am I, refresh, log-out.

A remote backend without an API token for this workstation is used with a user session: the GUI logs in with
``POST /api/v1/auth/login`` (user name and password; the token it gets lives in memory only), learns the user's
role and permissions from ``GET /api/v1/auth/me`` and refreshes the session before it expires. The bundled
backend (and a remote one with an API token) is used with its API token, which ``/auth/me`` reports as a
service holding every permission. A backend older than the users API (404 on ``/auth/me``) is treated the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.api.schemas import API_PREFIX
from backend.api.schemas_auth import MeOut, SessionOut

from .client import DEFAULT_TIMEOUT_S, BackendClient, BackendError

ALL_PERMISSIONS = frozenset(
    {
        "view",
        "record",
        "annotate",
        "export",
        "incidents",
        "cameras.manage",
        "quotas.manage",
        "users.manage",
        "audit.read",
    }
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


class SessionState:
    """Who the GUI is at its backend and, for a user log-in, when to refresh the session (asyncio loop time,
    seconds) and which credentials the backend refused (never tried again by themselves: lock-out).
    ``identity``/``permissions`` come from ``/auth/me``; ``login_error`` is the last refusal (bilingual)."""

    REFRESH_MARGIN = 0.25  # refresh when less than this share of the session's life is left

    def __init__(self) -> None:
        self.identity: MeOut | None = None
        self.permissions: frozenset[str] = frozenset()
        self.user = False  # the client holds a user session token (not an API token)
        self.login_error: BackendError | None = None
        self.refused: tuple[str, str] | None = None
        self._life_s = 0.0
        self._refresh_at = 0.0

    async def log_in(self, base_url: str, credentials: tuple[str, str], now: float) -> str:
        """Open a user session; returns its token. ``now``: loop time. Raises BackendError; a refusal the
        backend answered is kept in ``login_error`` and, for 401/403, its credentials in ``refused``."""
        try:
            session = await log_in(base_url, *credentials)
        except BackendError as exc:
            if exc.answered:
                self.login_error = exc
                if exc.status in (401, 403):
                    self.refused = credentials
            raise
        assert session.token is not None
        self.login_error, self.user = None, True
        self._schedule(session.expires_at, now)
        return session.token

    def _schedule(self, expires_at: datetime, now: float) -> None:
        left = max(0.0, (expires_at - datetime.now(UTC)).total_seconds())
        self._life_s = max(self._life_s, left)
        self._refresh_at = now + max(0.0, left - self._life_s * self.REFRESH_MARGIN)

    async def check(self, client: BackendClient, now: float) -> bool:
        """Refresh a user session when due and re-read ``/auth/me``; True when identity or permissions
        changed. Raises BackendError (401: the backend no longer accepts the token)."""
        if self.user and now >= self._refresh_at:
            self._schedule((await refresh(client)).expires_at, now)
        me = await who_am_i(client)
        permissions = permissions_of(me)
        if (me, permissions) == (self.identity, self.permissions):
            return False
        self.identity, self.permissions = me, permissions
        return True

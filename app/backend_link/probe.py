"""A one-off check of a backend for the Settings dialog's "Test connection": does it answer, and does it accept
the credentials the GUI would use (API token, else a user log-in)?

Uses the same client and calls as the running link (``GET /health``, ``GET /api/v1/auth/me``,
``POST /api/v1/auth/login`` then ``/auth/logout``), with a short time-out. Never logs the token or password.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .client import BAD_RESPONSE, BackendClient, BackendError
from .session import log_in, log_out, who_am_i

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 5.0

# How the probe identified itself (ProbeResult.auth).
AUTH_TOKEN, AUTH_USER, AUTH_NONE = "token", "user", "none"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What ``probe_backend`` found. ``ok``: the backend answered and accepted the credentials (or none were
    given). ``status``: the health status ("ok" / "unavailable"; "" when it did not answer); ``version``: the
    backend's version; ``auth``: ``token``, ``user`` or ``none`` (not checked: no credentials); ``username``/
    ``role``: who the backend says we are; ``error``: the BackendError when not ``ok`` (bilingual when the
    backend answered; ``status`` 0 with code ``unreachable``/``timeout`` when it did not)."""

    ok: bool
    status: str = ""
    version: str = ""
    auth: str = AUTH_NONE
    username: str = ""
    role: str = ""
    error: BackendError | None = None


async def probe_backend(
    url: str,
    token: str = "",
    *,
    username: str = "",
    password: str = "",
    timeout: float = PROBE_TIMEOUT_S,
    transport: Any = None,
) -> ProbeResult:
    """Check the backend at ``url`` (``http(s)://host:port``): its health, then ``token`` (``/auth/me``), else
    ``username``/``password`` (log-in, who am I, log-out). Never raises for the backend's or the network's
    failures: they are in ``ProbeResult.error``."""
    client = BackendClient(url, token, timeout=timeout, transport=transport)
    status = version = ""
    try:
        health = await client.health()
        status, version = health.status, health.version
        if token:
            me = await who_am_i(client)
            return ProbeResult(True, status, version, AUTH_TOKEN, me.username if me else "", me.role if me else "")
        if username and password:
            session = await log_in(url, username, password, timeout=timeout, transport=transport)
            if not session.token:
                raise BackendError(200, BAD_RESPONSE, "log-in without a token")
            user_client = BackendClient(url, session.token, timeout=timeout, transport=transport)
            try:
                me = await who_am_i(user_client)
                try:
                    await log_out(user_client)
                except BackendError as exc:
                    log.info("backend probe: log-out failed (%s)", exc.code)
            finally:
                await user_client.aclose()
            return ProbeResult(True, status, version, AUTH_USER, me.username if me else username, me.role if me else "")
        return ProbeResult(True, status, version)
    except BackendError as exc:
        log.info("backend probe of %s failed: %s %s", client.base_url, exc.status, exc.code)
        return ProbeResult(False, status, version, error=exc)
    finally:
        await client.aclose()

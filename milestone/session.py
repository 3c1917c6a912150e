"""A logged-in XProtect session: IDP access token + SOAP vms_token, kept fresh by a background task.

Source: MILESTONE_PROTOCOL.md §1 (tokens and renewal), §2 (REST discovery), §4 (recorder SOAP).

Threading: every coroutine runs in the event loop that called ``login()`` (the session's loop; the httpx
client is bound to it). ``current_vms_token()``, ``access_token`` and ``subscribe_vms_token()`` may be used
from any thread. Token subscribers are called in the session's loop thread right after each renewal.
Nothing here logs or raises with a password or a token in the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import uuid
from collections.abc import Callable

import httpx

from milestone.clock import Clock, SystemClock
from milestone.errors import AuthenticationError, MilestoneError
from milestone.httperrors import VerifyTls, client_ssl_context, ssl_verify
from milestone.idp import AUTH_BASIC, AccessToken, IdentityProvider
from milestone.inventory import fetch_inventory
from milestone.models import Inventory, RecordingServer, VmsToken
from milestone.recorder import RecorderCommandClient
from milestone.renewal import next_renewal_at, retry_delay
from milestone.rest import DEFAULT_PAGE_SIZE, RestClient
from milestone.soap_login import soap_login

log = logging.getLogger(__name__)

TokenCallback = Callable[[str], None]


class MilestoneSession:
    """One user's connection to one XProtect management server.

    ``base_url`` is the management server (e.g. ``https://vms.example.com``); ``auth_type`` ``"basic"``
    (XProtect basic user, IDP password grant) or ``"ntlm"`` (Windows user, ``DOMAIN\\user``);
    ``verify_tls`` True (system CAs), False (no verification, lab use) or a CA bundle path; ``timeout`` is
    the per-request time-out in seconds; ``instance_id`` the client GUID sent with SOAP Login (random by
    default; keep it stable across renewals, as this class does); ``page_size`` the REST page size.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        auth_type: str = AUTH_BASIC,
        verify_tls: VerifyTls = True,
        clock: Clock | None = None,
        timeout: float = 10.0,
        instance_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password = password
        self.auth_type = auth_type
        self.verify_tls = verify_tls
        self.timeout = float(timeout)
        self.instance_id = instance_id or str(uuid.uuid4())
        self.page_size = page_size
        self._clock: Clock = clock or SystemClock()
        self._state = threading.Lock()
        self._access: AccessToken | None = None
        self._vms: VmsToken | None = None
        self._subscribers: list[TokenCallback] = []
        self._client: httpx.AsyncClient | None = None
        self._idp: IdentityProvider | None = None
        self._rest: RestClient | None = None
        self._renew_lock: asyncio.Lock | None = None
        self._renew_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._requested_renewals: set[asyncio.Task[None]] = set()
        self.renewals = 0  # completed background renewals, for status displays and tests

    def __repr__(self) -> str:
        return f"MilestoneSession(base_url={self.base_url!r}, username={self.username!r}, auth={self.auth_type!r})"

    # ------------------------------------------------------------------------------------------ login

    async def login(self) -> None:
        """Get an access token and a vms_token, then start the renewal task in the running loop.

        Raises AuthenticationError (bad credentials), UnreachableError, TlsError, ProtocolError,
        MilestoneError. On failure nothing stays open. Calling it again logs in afresh.
        """
        await self.aclose()
        self._loop = asyncio.get_running_loop()
        client = httpx.AsyncClient(
            verify=ssl_verify(self.verify_tls), timeout=httpx.Timeout(self.timeout), follow_redirects=False
        )
        idp = IdentityProvider(
            client, self.base_url, self.username, self._password, auth_type=self.auth_type, clock=self._clock
        )
        try:
            access = await idp.fetch()
            vms = await soap_login(client, self.base_url, access.token, self.instance_id, self._clock)
        except BaseException:
            await client.aclose()
            raise
        self._client, self._idp = client, idp
        self._rest = RestClient(
            client, self.base_url, lambda: self.access_token, self._renew_access_after_401, page_size=self.page_size
        )
        self._renew_lock = asyncio.Lock()
        with self._state:
            self._access, self._vms = access, vms
        log.info(
            "logged in to %s as %r (access token %.0f s, vms_token %.0f s)",
            self.base_url,
            self.username,
            access.expires_in_s,
            vms.ttl_us / 1e6,
        )
        self._renew_task = self._loop.create_task(self._renewal_loop(), name="milestone-token-renewal")

    async def aclose(self) -> None:
        """Stop the renewal task and close HTTP connections. The tokens are forgotten (not logged out)."""
        task, self._renew_task = self._renew_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for pending in list(self._requested_renewals):
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
        self._rest = self._idp = None
        with self._state:
            self._access = self._vms = None

    # ------------------------------------------------------------------------------------------ tokens

    @property
    def logged_in(self) -> bool:
        """True between a successful ``login()`` and ``aclose()``."""
        with self._state:
            return self._vms is not None

    @property
    def access_token(self) -> str:
        """The current IDP access token (for ``Authorization: Bearer``). Raises AuthenticationError if none."""
        with self._state:
            if self._access is None:
                raise AuthenticationError("not logged in to the management server")
            return self._access.token

    def current_vms_token(self) -> str:
        """The latest vms_token (thread-safe). Raises AuthenticationError when not logged in."""
        with self._state:
            if self._vms is None:
                raise AuthenticationError("not logged in to the management server")
            return self._vms.token

    def vms_token_info(self) -> VmsToken | None:
        """The latest VmsToken with its TTL (or None when not logged in)."""
        with self._state:
            return self._vms

    def subscribe_vms_token(self, callback: TokenCallback) -> Callable[[], None]:
        """Call ``callback(new_vms_token)`` after every renewal; returns an idempotent unsubscribe function.

        Thread-safe. Callbacks run in the session's loop thread and must not block; exceptions they raise
        are logged and ignored.
        """
        with self._state:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._state, contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _notify(self, token: str) -> None:
        with self._state:
            callbacks = list(self._subscribers)
        for callback in callbacks:
            try:
                callback(token)
            except Exception as exc:
                log.exception("vms_token subscriber %r failed: %s", callback, type(exc).__name__)

    async def renew(self) -> None:
        """Renew both tokens now (IDP, then SOAP Login with currentToken) and notify subscribers.

        Raises the IDP/SOAP errors; the background schedule continues either way.
        """
        lock = self._require_lock()
        async with lock:
            await self._renew_locked()

    async def _renew_locked(self) -> None:
        client, idp = self._client, self._idp
        if client is None or idp is None:
            raise AuthenticationError("not logged in to the management server")
        old = self.vms_token_info()
        access = await idp.fetch()
        with self._state:
            self._access = access
        try:
            vms = await soap_login(
                client, self.base_url, access.token, self.instance_id, self._clock, old.token if old else ""
            )
        except AuthenticationError:
            # The old vms_token may already have expired (suspended machine): a fresh Login still works.
            log.warning("vms_token renewal refused; logging in afresh with the same instance id")
            vms = await soap_login(client, self.base_url, access.token, self.instance_id, self._clock)
        with self._state:
            self._vms = vms
        self.renewals += 1
        log.info("tokens renewed (access token %.0f s, vms_token %.0f s)", access.expires_in_s, vms.ttl_us / 1e6)
        self._notify(vms.token)

    async def _renew_access_after_401(self, stale_access_token: str) -> str:
        """Renew the access token after a REST 401, unless another request already did."""
        lock = self._require_lock()
        async with lock:
            with self._state:
                current = self._access
            if current is not None and current.token != stale_access_token:
                return current.token
            if self._idp is None:
                raise AuthenticationError("not logged in to the management server")
            access = await self._idp.fetch()
            with self._state:
                self._access = access
            return access.token

    async def _renew_vms_after_fault(self, stale_vms_token: str) -> str:
        """Renew after a recorder "Token invalid" fault, unless the token changed meanwhile."""
        lock = self._require_lock()
        async with lock:
            current = self.vms_token_info()
            if current is not None and current.token != stale_vms_token:
                return current.token
            await self._renew_locked()
            return self.current_vms_token()

    def request_vms_token_renewal(self, stale_token: str) -> None:
        """Renew soon, from any thread, when a recording server refused ``stale_token`` ("Token invalid").

        Non-blocking: schedules the renewal on the session's own loop and returns. Nothing happens when the
        current token already differs from ``stale_token`` (another caller renewed it) or when the session is
        not logged in. Subscribers receive the new token as after any renewal. Source: DESIGN.md §4 (renew
        "on 401 / Token invalid"); the media engine calls this (``media.tokens.VmsTokenRenewer``).
        """
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        current = self.vms_token_info()
        if current is not None and current.token != stale_token:
            return

        def schedule() -> None:
            task = loop.create_task(self._renew_on_request(stale_token), name="milestone-token-renewal-on-request")
            self._requested_renewals.add(task)
            task.add_done_callback(self._requested_renewals.discard)

        loop.call_soon_threadsafe(schedule)

    async def _renew_on_request(self, stale_token: str) -> None:
        try:
            await self._renew_vms_after_fault(stale_token)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # The regular schedule keeps retrying; the caller retries its connection with back-off.
            log.warning("requested vms_token renewal failed: %s: %s", type(exc).__name__, _safe_text(exc))

    def _require_lock(self) -> asyncio.Lock:
        if self._renew_lock is None:
            raise AuthenticationError("not logged in to the management server")
        return self._renew_lock

    async def _renewal_loop(self) -> None:
        """Renew before expiry forever; failures are logged and retried with back-off, never fatal."""
        failures = 0
        while True:
            with self._state:
                access, vms = self._access, self._vms
            if access is None or vms is None:
                return
            now = self._clock.monotonic()
            if failures == 0:
                due = next_renewal_at(
                    access.obtained_monotonic, access.expires_in_s, vms.obtained_monotonic, vms.ttl_us / 1e6
                )
                delay = max(0.0, due - now)
            else:
                left = min(access.expires_at(), vms.obtained_monotonic + vms.ttl_us / 1e6) - now
                delay = retry_delay(failures, left)
            await asyncio.sleep(delay)
            try:
                await self.renew()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                log.warning("token renewal failed (attempt %d): %s: %s", failures, type(exc).__name__, _safe_text(exc))

    # ------------------------------------------------------------------------------------------ services

    @property
    def http(self) -> httpx.AsyncClient:
        """The session's HTTP client (TLS settings, time-outs; bound to the session's loop) for callers that
        need an XProtect HTTP service this package does not wrap. Raises AuthenticationError if not logged in."""
        if self._client is None:
            raise AuthenticationError("not logged in to the management server")
        return self._client

    @property
    def rest(self) -> RestClient:
        """The REST Config API client (bound to the session's loop). Raises AuthenticationError if not logged in."""
        if self._rest is None:
            raise AuthenticationError("not logged in to the management server")
        return self._rest

    async def inventory(self, *, include_disabled: bool = True) -> Inventory:
        """Discover recording servers, hardware, cameras and streams, joined (MILESTONE_PROTOCOL.md §2).

        Raises AuthenticationError, PermissionDeniedError, NotFoundError, UnreachableError, ProtocolError.
        """
        return await fetch_inventory(self.rest, include_disabled=include_disabled)

    def recorder(self, recording_server: RecordingServer) -> RecorderCommandClient:
        """A RecorderCommandService client for one recording server, using this session's vms_token."""
        if self._client is None:
            raise AuthenticationError("not logged in to the management server")
        return RecorderCommandClient(
            lambda: self.http, recording_server.web_server_uri, self.current_vms_token, self._renew_vms_after_fault
        )

    def image_server_ssl_context(self, recording_server: RecordingServer) -> ssl.SSLContext | None:
        """The TLS context for the recording server's ImageServer socket, or None when it is plain TCP.

        XProtect serves ImageServer and the recorder web services on one port, TLS when recorder encryption
        is on (MILESTONE_PROTOCOL.md, ports); the ``https`` scheme of its web server URI tells which.
        """
        if recording_server.web_server_uri.lower().startswith("https:"):
            return client_ssl_context(self.verify_tls)
        return None


def _safe_text(exc: BaseException) -> str:
    """Our errors never carry secrets; anything else is reduced to its first line."""
    if isinstance(exc, MilestoneError):
        return str(exc)
    return str(exc).splitlines()[0][:200] if str(exc) else ""

"""The backend's connection to XProtect: logs in in the background, retries with back-off, watches the
connection and shares one ``MilestoneSession`` (and a short-lived inventory cache) with the services.

It never blocks start-up: ``start()`` returns at once and the state (``status()``) moves through
``connecting`` -> ``connected``, or ``unreachable`` / ``auth_failed`` / ``error`` while retrying. A connected
session is probed every ``probe_interval_s`` (one REST call, MILESTONE_PROTOCOL.md §2); callers that meet a
connection failure call ``report_failure`` and the link reconnects at once. Token renewal is the session's own
business (MILESTONE_PROTOCOL.md §1).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from backend.settings import BackendSettings, SettingsError
from milestone.clock import Clock, SystemClock
from milestone.errors import AuthenticationError, MilestoneError, PermissionDeniedError, TlsError, UnreachableError
from milestone.models import Inventory
from milestone.renewal import retry_delay
from milestone.session import MilestoneSession

log = logging.getLogger(__name__)

MilestoneFactory = Callable[[], MilestoneSession]

NOT_CONFIGURED = "not_configured"
CONNECTING = "connecting"
CONNECTED = "connected"
UNREACHABLE = "unreachable"
AUTH_FAILED = "auth_failed"
MISCONFIGURED = "misconfigured"
ERROR = "error"
STOPPED = "stopped"


class MilestoneUnavailableError(Exception):
    """No usable XProtect session right now; ``state`` tells why (see the module's states)."""

    def __init__(self, state: str, detail: str = "") -> None:
        super().__init__(f"Milestone {state}: {detail}" if detail else f"Milestone {state}")
        self.state = state
        self.detail = detail


@dataclass(frozen=True, slots=True)
class MilestoneStatus:
    """The link's state for /health and the API. ``since_us``: UTC µs of the last state change;
    ``attempts``: failed login attempts in a row; ``error``: last failure (no secrets)."""

    state: str
    base_url: str
    since_us: int
    attempts: int = 0
    error: str = ""

    @property
    def connected(self) -> bool:
        return self.state == CONNECTED

    @property
    def configured(self) -> bool:
        return self.state != NOT_CONFIGURED


def settings_milestone_factory(settings: BackendSettings, clock: Clock | None = None) -> MilestoneFactory | None:
    """A factory of not-yet-logged-in sessions from ``settings.milestone``, or None when not configured.

    The password is read (file or keyring) each time a session is made, so a rotated password file is picked
    up at the next login. Raises SettingsError from the factory when there is no password.
    """
    ms = settings.milestone
    if not ms.configured:
        return None

    def factory() -> MilestoneSession:
        password = settings.milestone_password()
        if password is None:
            raise SettingsError(
                "no Milestone password: set milestone.password_file or the keyring entry "
                f"milestone:{ms.username} (service control-room-video-backend)"
            )
        return MilestoneSession(
            ms.base_url,
            ms.username,
            password,
            auth_type=ms.auth_type,
            verify_tls=ms.verify_tls,
            clock=clock,
            timeout=ms.timeout_s,
        )

    return factory


def _state_of(exc: BaseException) -> str:
    if isinstance(exc, SettingsError):
        return MISCONFIGURED
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return AUTH_FAILED
    if isinstance(exc, UnreachableError | TlsError):
        return UNREACHABLE
    return ERROR


class MilestoneLink:
    """Owns the backend's MilestoneSession. Create in the lifespan, ``await start()``, ``await stop()``.

    ``factory`` None means Milestone is not configured (state ``not_configured``). Times in seconds:
    ``retry_max_s`` caps the login back-off, ``probe_interval_s`` spaces the connection checks,
    ``inventory_ttl_s`` is how long ``inventory()`` may serve a cached inventory.
    """

    def __init__(
        self,
        factory: MilestoneFactory | None,
        *,
        base_url: str = "",
        clock: Clock | None = None,
        retry_max_s: float = 30.0,
        probe_interval_s: float = 15.0,
        inventory_ttl_s: float = 30.0,
        on_change: Callable[[MilestoneStatus], None] | None = None,
    ) -> None:
        self._factory = factory
        self._clock: Clock = clock or SystemClock()
        self._base_url = base_url
        self._retry_max_s = retry_max_s
        self._probe_interval_s = probe_interval_s
        self._inventory_ttl_s = inventory_ttl_s
        self._on_change = on_change
        self._session: MilestoneSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._connected = asyncio.Event()
        self._inventory: Inventory | None = None
        self._inventory_at = 0.0
        self._inventory_lock = asyncio.Lock()
        self._status = MilestoneStatus(NOT_CONFIGURED if factory is None else CONNECTING, base_url, self._now_us())

    @classmethod
    def from_settings(
        cls,
        settings: BackendSettings,
        factory: MilestoneFactory | None = None,
        clock: Clock | None = None,
        on_change: Callable[[MilestoneStatus], None] | None = None,
    ) -> MilestoneLink:
        """A link configured by ``settings.milestone``; ``factory`` overrides how sessions are made."""
        ms = settings.milestone
        return cls(
            factory or settings_milestone_factory(settings, clock),
            base_url=ms.base_url,
            clock=clock,
            retry_max_s=ms.retry_max_s,
            probe_interval_s=ms.probe_interval_s,
            inventory_ttl_s=ms.inventory_ttl_s,
            on_change=on_change,
        )

    def _now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

    def status(self) -> MilestoneStatus:
        return self._status

    def _set(self, state: str, error: str = "", attempts: int = 0) -> None:
        old = self._status
        self._status = MilestoneStatus(
            state, self._base_url, old.since_us if old.state == state else self._now_us(), attempts, error
        )
        if state == CONNECTED:
            self._connected.set()
        else:
            self._connected.clear()
        if old.state != state:
            log.info("Milestone link %s -> %s%s", old.state, state, f" ({error})" if error else "")
            if self._on_change is not None:
                self._on_change(self._status)

    async def start(self) -> None:
        """Start connecting in the background (returns at once)."""
        if self._factory is None or self._task is not None:
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name="milestone-link")

    async def stop(self) -> None:
        """Stop the background task and close the session."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close_session()
        if self._factory is not None:
            self._set(STOPPED)

    async def _close_session(self) -> None:
        session, self._session = self._session, None
        self._inventory = None
        if session is not None:
            with contextlib.suppress(Exception):
                await session.aclose()

    async def wait_connected(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a connected session; True when connected."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), timeout)
        return self._status.connected

    def session(self) -> MilestoneSession:
        """The logged-in session. Raises MilestoneUnavailableError when not connected."""
        session = self._session
        if session is None or not self._status.connected:
            raise MilestoneUnavailableError(self._status.state, self._status.error)
        return session

    def report_failure(self, exc: BaseException) -> None:
        """A caller's XProtect request failed: a connection or authentication failure makes the link
        reconnect now; other errors (not found, protocol) leave it alone."""
        if isinstance(exc, UnreachableError | AuthenticationError) and self._status.connected:
            self._set(_state_of(exc), str(exc))
            self._wake.set()

    async def inventory(self, *, max_age_s: float | None = None) -> Inventory:
        """The camera inventory, from the cache when younger than ``max_age_s`` (default ``inventory_ttl_s``;
        0 forces a fresh one). Raises MilestoneUnavailableError, or the session's MilestoneError."""
        ttl = self._inventory_ttl_s if max_age_s is None else max_age_s
        async with self._inventory_lock:
            cached = self._inventory
            if cached is not None and self._clock.monotonic() - self._inventory_at <= ttl and ttl > 0:
                return cached
            session = self.session()
            try:
                inventory = await session.inventory(include_disabled=True)
            except MilestoneError as exc:
                self.report_failure(exc)
                raise
            self._inventory, self._inventory_at = inventory, self._clock.monotonic()
            return inventory

    async def _run(self) -> None:
        failures = 0
        rng = random.Random()
        while True:
            if not self._status.connected:
                try:
                    await self._login()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # every failure is retried; the state says why
                    failures += 1
                    self._set(_state_of(exc), _describe(exc), failures)
                    delay = min(self._retry_max_s, retry_delay(failures)) * rng.uniform(0.8, 1.2)
                    await self._sleep(delay)
                    continue
            await self._sleep(self._probe_interval_s)
            if self._status.connected:
                await self._probe()

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation (lost stop).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _login(self) -> None:
        await self._close_session()
        assert self._factory is not None
        session = self._factory()
        await session.login()
        self._session = session
        self._set(CONNECTED)

    async def _probe(self) -> None:
        session = self._session
        if session is None:
            return
        try:
            await session.rest.get_array("recordingServers", {"page": "0", "size": "1"})
        except asyncio.CancelledError:
            raise
        except MilestoneError as exc:
            if isinstance(exc, UnreachableError | AuthenticationError):
                log.warning("Milestone connection check failed: %s", _describe(exc))
                self._set(_state_of(exc), _describe(exc))


def _describe(exc: BaseException) -> str:
    """A one-line description without secrets (our errors never hold any; others are cut to the first line)."""
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

"""The GUI's link to its backend: start the bundled one (or use a remote one), watch it, import the cameras.

``BackendConnection`` is a GUI-thread QObject driven by one supervisor task on the qasync loop:
- bundled mode: after the XProtect login (``connect_milestone``) it starts ``python main.py backend`` with the
  same server and user (``BundledBackend``), restarts it with back-off if it dies, and restarts it when the
  operator logs in to another server or as another user;
- remote mode: it talks to the configured URL with the configured API token, or, without one, logs in as a
  user (``app.backend_link.session``: the configured backend user name or the XProtect one, with its password),
  refreshes the session before it expires and never retries a refused password by itself (lock-out);
- it learns the caller's permissions (``GET /api/v1/auth/me``, at every poll) so the GUI hides what the user
  may not do (``can(permission)``, ``sigPermissionsChanged``); without ``cameras.manage`` it does not import
  cameras but maps the ones the backend already has;
- it polls ``/health`` (every ``health_interval_s``; every second until the first answer), keeps the events
  WebSocket open (``EventsClient``) and imports the cameras the GUI shows (``POST /api/v1/cameras/import``,
  idempotent), retrying while the backend's own XProtect session is still connecting (503).

Camera ids: the GUI uses XProtect camera GUIDs; the import answer maps each to the backend's camera id
(``backend_camera_id`` / ``xprotect_camera_id``; identical when the backend keeps the GUID as its id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from backend.api.schemas import HealthCheckOut, HealthOut
from backend.api.schemas_auth import MeOut

from .client import BackendClient, BackendError
from .events import EventsClient
from .options import BUNDLED, OFF, REMOTE, BackendOptions, DurationLimits
from .process import BackendStartError, BundledBackend, MilestoneLogin
from .session import SessionState, log_out

log = logging.getLogger(__name__)

RESTART_BACKOFF_S = (2.0, 5.0, 10.0, 30.0, 60.0)
IMPORT_RETRY_S = 30.0  # after an import failure other than "XProtect not connected yet"
CAMERAS_MANAGE = "cameras.manage"


class BackendState(Enum):
    """OFF: no backend (not logged in yet, or none configured). STARTING: the bundled backend is starting.
    CONNECTING: waiting for the first answer. CONNECTED: /health ok and the events socket open. DEGRADED: it
    answers but a check fails or the events socket is down. UNREACHABLE: it does not answer (retrying).
    FAILED: the bundled backend could not be started or a remote one cannot be used (retrying)."""

    OFF = "off"
    STARTING = "starting"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DEGRADED = "degraded"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


class BackendConnection(QObject):
    """See the module docstring. Signals: ``sigStateChanged()`` (state, health, failure, events),
    ``sigLimitsChanged()`` (``limits``: the durations the backend accepts, learnt from it),
    ``sigEvent(object EventOut)`` (every backend event, GUI thread), ``sigEventsConnected(bool)``,
    ``sigCamerasChanged()`` (the camera id mapping changed, e.g. after an import), ``sigPermissionsChanged()``
    (``permissions``/``identity`` changed: a log-in, a role change by an administrator)."""

    sigStateChanged = Signal()
    sigEvent = Signal(object)
    sigEventsConnected = Signal(bool)
    sigCamerasChanged = Signal()
    sigLimitsChanged = Signal()
    sigPermissionsChanged = Signal()

    def __init__(self, options: BackendOptions | None = None, parent=None) -> None:
        super().__init__(parent)
        self.options = options or BackendOptions()
        self._process: BundledBackend | None = None
        if self.options.mode == BUNDLED:
            self._process = BundledBackend(data_dir=self.options.data_dir, env=self.options.env)
        self._client: BackendClient | None = None
        self._events: EventsClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._login: MilestoneLogin | None = None
        self._camera_ids: list[str] = []  # the cameras the GUI shows (imported again after every (re)start)
        self._pending_import: list[str] | None = None
        self._import_after = 0.0
        self._remap: list[str] | None = None  # cameras to look for again (not imported by an administrator yet)
        self._to_backend: dict[str, str] = {}  # XProtect id (lower case) -> backend camera id
        self._to_xprotect: dict[str, str] = {}  # backend camera id (lower case) -> XProtect id
        self._names_ar: dict[str, str | None] = {}  # XProtect id -> the backend's Arabic name (CameraOut.name_ar)
        self._state = BackendState.OFF
        self._url = self.options.url if self.options.mode == REMOTE else ""
        self._health: HealthOut | None = None
        self._failure = ""
        self._closed = False
        self.limits: DurationLimits = self.options.limits  # replaced by the backend's own once it answers
        self._limits_client: BackendClient | None = None
        self._session = SessionState()

    # --- state ------------------------------------------------------------------------------------------
    def arabic_names(self) -> dict[str, str | None]:
        """The Arabic display names the backend gave for the imported cameras, by XProtect id (None: none set).
        Learnt at each import / mapping (``sigCamerasChanged``)."""
        return dict(self._names_ar)

    @property
    def mode(self) -> str:
        return self.options.mode

    @property
    def state(self) -> BackendState:
        return self._state

    @property
    def url(self) -> str:
        """The backend's URL ("" before the bundled backend reported it)."""
        return self._url

    @property
    def health(self) -> HealthOut | None:
        """The last /health answer (None before the first one)."""
        return self._health

    @property
    def failure(self) -> str:
        """Why the backend is FAILED or UNREACHABLE (English, technical; never a secret)."""
        return self._failure

    @property
    def pid(self) -> int | None:
        """Process id of the bundled backend while it runs (None otherwise, and in remote mode)."""
        return self._process.pid if self._process is not None and self._process.running else None

    @property
    def log_path(self) -> Path | None:
        """The bundled backend's log file (``backend.log`` in its data directory), or None."""
        return self._process.log_path if self._process is not None else None

    @property
    def events_connected(self) -> bool:
        return self._events is not None and self._events.connected

    @property
    def events_connections(self) -> int:
        """How many times the current events client connected (reconnections included)."""
        return self._events.connections if self._events is not None else 0

    @property
    def client(self) -> BackendClient | None:
        """The REST client while a backend is known (None before the start or while restarting)."""
        return self._client

    @property
    def usable(self) -> bool:
        """True when the backend answers (CONNECTED or DEGRADED)."""
        return self._client is not None and self._state in (BackendState.CONNECTED, BackendState.DEGRADED)

    def problems(self) -> list[tuple[str, HealthCheckOut]]:
        """The failing health checks as (name, check), critical ones first."""
        if self._health is None:
            return []
        failing = [(name, check) for name, check in self._health.checks.items() if not check.ok]
        return sorted(failing, key=lambda item: (not item[1].critical, item[0]))

    def backend_camera_id(self, xprotect_id: str) -> str | None:
        """The backend's id of an imported XProtect camera, or None while it is not imported."""
        return self._to_backend.get(xprotect_id.lower())

    def xprotect_camera_id(self, backend_id: str) -> str:
        """The XProtect id of a backend camera (the id itself when unknown)."""
        return self._to_xprotect.get(backend_id.lower(), backend_id)

    @property
    def permissions(self) -> frozenset[str]:
        """What the backend lets this GUI's principal do (backend.auth.permissions names); empty while unknown."""
        return self._session.permissions

    def can(self, permission: str) -> bool:
        """True when the backend grants ``permission`` (False while unknown)."""
        return permission in self._session.permissions

    @property
    def identity(self) -> MeOut | None:
        """Who the backend says this GUI is (user name, role, kind user|token), or None while unknown."""
        return self._session.identity

    @property
    def login_error(self) -> BackendError | None:
        """Why the backend refused the user log-in (bilingual), or None."""
        return self._session.login_error

    @property
    def imported_count(self) -> int:
        return len(self._to_backend)

    @property
    def import_pending(self) -> bool:
        """True while the cameras the GUI shows are still to be imported into this backend (after a login or
        a (re)start); False once the import answered (a camera missing then was not imported)."""
        return self._pending_import is not None

    # --- commands ---------------------------------------------------------------------------------------
    def connect_milestone(self, login: MilestoneLogin, camera_ids: list[str]) -> None:
        """After an XProtect login: make sure a backend runs for this account and import ``camera_ids``.

        Bundled: starts the backend (or restarts it for another server/user). Remote: connects. Call on the
        GUI thread while the loop runs; returns at once. No-op in ``off`` mode.
        """
        if self.options.mode == OFF or self._closed:
            return
        self._camera_ids = list(camera_ids)
        self._pending_import = self._camera_ids
        self._import_after = 0.0
        self._remap = None
        if self._process is not None and not login.same_account(self._login):
            self._to_backend.clear()
            self._to_xprotect.clear()
        self._login = login
        self._session.refused = None  # the operator logged in anew: the backend log-in may be tried again
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._supervise(), name="backend-link")
        self._wake.set()

    async def aclose(self) -> None:
        """Stop watching, close the socket and the client, stop the bundled backend (in a worker thread)."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._drop_client()
        if self._process is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._process.stop)
        self._set_state(BackendState.OFF)

    def stop_now(self) -> None:
        """Synchronous last resort at process exit: stop the bundled backend child if it still runs."""
        self._closed = True
        if self._process is not None and self._process.running:
            self._process.stop(timeout=10.0)

    # --- supervision ------------------------------------------------------------------------------------
    def _set_state(self, state: BackendState, failure: str | None = None) -> None:
        changed = state != self._state or (failure is not None and failure != self._failure)
        self._state = state
        if failure is not None:
            self._failure = failure
        if changed:
            self.sigStateChanged.emit()

    async def _supervise(self) -> None:
        restarts = 0
        while not self._closed:
            try:
                restarts = await self._supervise_once(restarts)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must not end the supervision: report it and carry on
                log.exception("backend supervision failed")
                self._set_state(BackendState.FAILED, f"internal error ({type(exc).__name__})")
                await self._sleep(RESTART_BACKOFF_S[-1])

    async def _supervise_once(self, restarts: int) -> int:
        """One round: (re)start or connect when needed, poll, wait; returns the updated restart count."""
        if (self._client is None or self._needs_restart()) and not await self._open():
            await self._sleep(RESTART_BACKOFF_S[min(restarts, len(RESTART_BACKOFF_S) - 1)])
            return restarts + 1
        await self._poll()
        if self._process is not None and not self._process.running:
            code = self._process.exit_code
            log.warning("the bundled backend exited (code %s); restarting it", code)
            await self._drop_client()
            self._set_state(BackendState.FAILED, f"the backend stopped unexpectedly (exit code {code})")
            await self._sleep(RESTART_BACKOFF_S[min(restarts, len(RESTART_BACKOFF_S) - 1)])
            return restarts + 1
        if self._state == BackendState.CONNECTED:
            restarts = 0
        settled = self._state == BackendState.CONNECTED and self._pending_import is None
        await self._sleep(self.options.health_interval_s if settled else 1.0)
        return restarts

    def _needs_restart(self) -> bool:
        process = self._process
        return process is not None and process.running and not (self._login and self._login.same_account(process.login))

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _open(self) -> bool:
        """Start (bundled) or connect (remote); True when a client exists afterwards."""
        await self._drop_client()
        self._pending_import, self._import_after = self._camera_ids, 0.0  # idempotent: a new backend learns them
        self._remap = None
        if self.options.mode == REMOTE:
            if self.options.problem:
                self._set_state(BackendState.FAILED, self.options.problem)
                return False
            if self.options.token:
                self._attach(self.options.url, self.options.token)
            elif not await self._log_in():
                return False
            self._set_state(BackendState.CONNECTING)
            return True
        process = self._process
        assert process is not None
        loop = asyncio.get_running_loop()
        if process.running:
            await loop.run_in_executor(None, process.stop)
        self._health = None
        self._set_state(BackendState.STARTING, "")
        try:
            endpoint = await loop.run_in_executor(None, process.start, self._login, self.options.start_timeout_s)
        except (BackendStartError, OSError) as exc:
            reason = exc.reason if isinstance(exc, BackendStartError) else f"cannot run the backend ({exc.strerror})"
            log.error("the bundled backend did not start: %s\n%s", reason, getattr(exc, "log_tail", ""))
            self._set_state(BackendState.FAILED, reason)
            return False
        if self._closed:
            await loop.run_in_executor(None, process.stop)
            return False
        self._url = endpoint.url
        self._attach(endpoint.url, endpoint.token)
        self._set_state(BackendState.CONNECTING)
        return True

    def _credentials(self) -> tuple[str, str] | None:
        """The backend user name and password: the configured ones, else the XProtect log-in's."""
        login = self._login
        username = self.options.username or (login.username if login else "")
        password = self.options.password or (login.password if login else "")
        return (username, password) if username and password else None

    async def _log_in(self) -> bool:
        """Log in as a user (remote backend without an API token); True when a client exists afterwards."""
        credentials = self._credentials()
        if credentials is None:
            self._set_state(BackendState.FAILED, "no user name and password for the backend")
            return False
        if credentials == self._session.refused:
            return False  # a refused password is not tried again until the operator logs in anew
        self._set_state(BackendState.CONNECTING)
        try:
            token = await self._session.log_in(self.options.url, credentials, asyncio.get_running_loop().time())
        except BackendError as exc:
            if exc.answered:
                log.warning("the backend refused the log-in of %s: %s", credentials[0], exc.code)
                self._set_state(BackendState.FAILED, f"log-in refused ({exc.code})")
            else:
                self._set_state(BackendState.UNREACHABLE, exc.code)
            return False
        self._attach(self.options.url, token)
        log.info("logged into the backend as %s", credentials[0])
        return True

    async def _check_identity(self, client: BackendClient) -> bool:
        """Re-read who we are and what we may do; False when the backend no longer accepts our token (the
        client is dropped: a user session is opened again at the next round)."""
        try:
            changed = await self._session.check(client, asyncio.get_running_loop().time())
        except BackendError as exc:
            if exc.status == 401:
                what = "session" if self._session.user else "API token"
                log.warning("the backend no longer accepts this GUI's %s", what)
                await self._drop_client()
                self._set_state(BackendState.FAILED, f"the backend refused the {what}")
                return False
            return True  # transient: keep what we know
        if changed:
            self.sigPermissionsChanged.emit()
        return True

    def _attach(self, url: str, token: str) -> None:
        self._client = BackendClient(url, token)
        self._events = EventsClient(url, token, self.sigEvent.emit, self._on_events_connected)
        self._events.start()

    async def _drop_client(self) -> None:
        events, self._events = self._events, None
        client, self._client = self._client, None
        user_session, self._session.user = self._session.user, False
        if events is not None:
            await events.close()
        if client is not None:
            if user_session:
                with contextlib.suppress(BackendError):
                    await log_out(client)  # the token stops working at once
            await client.aclose()

    def _on_events_connected(self, connected: bool) -> None:
        self.sigEventsConnected.emit(connected)
        self._update_from_health()

    async def _poll(self) -> None:
        client = self._client
        if client is None:
            return
        try:
            self._health = await client.health()
        except BackendError as exc:
            self._health = None
            self._set_state(BackendState.UNREACHABLE, exc.code if not exc.answered else str(exc))
            return
        if not await self._check_identity(client):
            return
        self._update_from_health()
        if self._limits_client is not client:
            await self._fetch_limits(client)
        due = asyncio.get_running_loop().time() >= self._import_after
        if self._pending_import is not None and due:
            await self._import(client, self._pending_import)
        elif self._remap is not None and due:
            await self._import(client, self._remap)

    async def _fetch_limits(self, client: BackendClient) -> None:
        """Learn the durations this backend accepts (once per client; a backend without the route keeps the
        configured limits)."""
        try:
            out = await client.recording_limits()
        except BackendError as exc:
            log.info("the backend did not give its recording limits: %s", exc.code)
            return
        self._limits_client = client
        self.limits = DurationLimits(out.min_seconds, out.max_seconds, out.default_seconds)
        self.sigLimitsChanged.emit()

    def _update_from_health(self) -> None:
        if self._health is None or self._client is None:
            return
        healthy = self._health.status == "ok" and not self.problems()
        self._state = BackendState.CONNECTED if healthy and self.events_connected else BackendState.DEGRADED
        self._failure = ""
        self.sigStateChanged.emit()  # also within the same state: the failing checks may have changed

    async def _import(self, client: BackendClient, camera_ids: list[str]) -> None:
        if not camera_ids:
            self._pending_import = None
            return
        try:
            if self.can(CAMERAS_MANAGE):
                cameras = await client.import_cameras(camera_ids)
            else:  # not allowed to import: use the cameras the backend has
                wanted = {camera_id.lower() for camera_id in camera_ids}
                cameras = [c for c in await client.cameras() if (c.milestone_device_id or "").lower() in wanted]
        except BackendError as exc:
            if exc.status == 503 or not exc.answered:
                return  # the backend's XProtect session is still connecting: try again at the next poll
            log.warning("importing %d cameras into the backend failed: %s", len(camera_ids), exc)
            self._import_after = asyncio.get_running_loop().time() + IMPORT_RETRY_S
            return
        if self._pending_import is camera_ids:
            self._pending_import = None
        if len(cameras) < len(camera_ids) and not self.can(CAMERAS_MANAGE):
            # An administrator may import the rest later: look again in a while (their tiles count against
            # OTHER meanwhile: import_pending is False).
            self._remap = camera_ids
            self._import_after = asyncio.get_running_loop().time() + IMPORT_RETRY_S
        else:
            self._remap = None
        originals = {camera_id.lower(): camera_id for camera_id in camera_ids}
        for cam in cameras:
            if cam.milestone_device_id:
                xprotect_id = originals.get(cam.milestone_device_id.lower(), cam.milestone_device_id)
                self._to_backend[xprotect_id.lower()] = cam.id
                self._to_xprotect[cam.id.lower()] = xprotect_id
                self._names_ar[xprotect_id] = cam.name_ar
        log.info("%d cameras imported into the backend", len(cameras))
        self.sigCamerasChanged.emit()

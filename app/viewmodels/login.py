"""Login view-model: log in to an XProtect management server without blocking the GUI, map errors to messages.

The login runs as an asyncio task on the qasync loop (only I/O is awaited). Failures become one clear,
translated message for the login dialog (wrong password, unreachable server, TLS, protocol); the session and
the discovered inventory are handed to whoever listens on ``sigLoggedIn``. The password is kept only as long
as the login needs it and is never logged; it goes to the OS keyring when the operator asks to remember it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from milestone.errors import (
    AuthenticationError,
    MilestoneError,
    PermissionDeniedError,
    ProtocolError,
    TlsError,
    UnreachableError,
)
from milestone.models import Inventory

from ..credentials import CredentialStore, CredentialsUnavailableError, normalise_server_url
from ..settings import Settings
from ..tasks import TaskRunner

log = logging.getLogger(__name__)

# (base_url, username, password, auth_type, verify_tls) -> a milestone.session.MilestoneSession
SessionFactory = Callable[[str, str, str, str, bool], Any]


def default_session_factory(base_url: str, username: str, password: str, auth_type: str, verify_tls: bool) -> Any:
    """A real ``milestone.session.MilestoneSession`` (MILESTONE_PROTOCOL.md §1)."""
    from milestone.session import MilestoneSession

    return MilestoneSession(base_url, username, password, auth_type=auth_type, verify_tls=verify_tls)


def with_scheme(url: str) -> str:
    """``url`` with ``http://`` added when the operator typed only a host (and port)."""
    url = url.strip()
    return url if "://" in url else f"http://{url}"


class LoginViewModel(QObject):
    """Drives the login dialog and owns the logged-in session.

    Signals: ``sigBusyChanged(bool)``, ``sigFailed(str message)``, ``sigLoggedIn(object session, object
    Inventory)``, ``sigNotice(str)`` (a non-fatal remark, e.g. no keyring to remember the password).
    """

    sigBusyChanged = Signal(bool)
    sigFailed = Signal(str)
    sigLoggedIn = Signal(object, object)
    sigNotice = Signal(str)

    def __init__(
        self,
        settings: Settings,
        credentials: CredentialStore,
        runner: TaskRunner,
        session_factory: SessionFactory = default_session_factory,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._credentials = credentials
        self._runner = runner
        self._factory = session_factory
        self._busy = False
        self._task: asyncio.Task[Any] | None = None
        self._session: Any = None
        self._inventory: Inventory | None = None
        self._last_error = ""

    # --- pre-fill ---------------------------------------------------------------------------------------
    @property
    def server_url(self) -> str:
        return str(self._settings.get("server_url"))

    @property
    def username(self) -> str:
        return str(self._settings.get("username"))

    @property
    def remember_password(self) -> bool:
        return bool(self._settings.get("remember_password"))

    def saved_password(self) -> str:
        """The remembered password for the saved server and user ("" when none or no keyring)."""
        if not (self.remember_password and self.server_url and self.username):
            return ""
        try:
            return self._credentials.get(self.server_url, self.username) or ""
        except CredentialsUnavailableError:
            return ""

    # --- state ------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def session(self) -> Any:
        """The logged-in ``MilestoneSession`` (the media engine's TokenSource), or None."""
        return self._session

    @property
    def inventory(self) -> Inventory | None:
        return self._inventory

    @property
    def last_error(self) -> str:
        return self._last_error

    # --- commands ---------------------------------------------------------------------------------------
    def login(self, server_url: str, username: str, password: str, remember: bool | None) -> None:
        """Start logging in (returns at once); the outcome arrives as sigLoggedIn or sigFailed.

        ``remember``: True stores the password in the keyring, False deletes it there, None leaves it alone.
        """
        if self._busy:
            return
        self._task = self._runner.spawn(self.login_async(server_url, username, password, remember), name="login")

    def cancel(self) -> None:
        """Abandon a login in progress (the dialog was closed)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def login_async(self, server_url: str, username: str, password: str, remember: bool | None) -> bool:
        """Log in and discover the inventory; True on success. Never raises for server-side failures."""
        problem = self._validate(server_url, username, password)
        if problem:
            self._fail(problem)
            return False
        url = with_scheme(server_url)
        self._set_busy(True)
        session = None
        try:
            session = self._factory(
                url,
                username.strip(),
                password,
                str(self._settings.get("auth_type")),
                bool(self._settings.get("verify_tls")),
            )
            await session.login()
            inventory = await session.inventory()
        except asyncio.CancelledError:
            await self._close_quietly(session)
            raise
        except Exception as exc:
            await self._close_quietly(session)
            self._fail(self.error_message(exc, url))
            if not isinstance(exc, MilestoneError):
                log.error("login to %s failed unexpectedly", url, exc_info=exc)
            else:
                log.warning("login to %s as %s failed: %s", url, username, type(exc).__name__)
            return False
        finally:
            self._set_busy(False)
        old, self._session, self._inventory = self._session, session, inventory
        self._last_error = ""
        log.info("logged in to %s as %s: %d cameras", url, username, len(inventory.cameras))
        self._remember(url, username.strip(), password, remember)
        self.sigLoggedIn.emit(session, inventory)
        await self._close_quietly(old)
        return True

    async def aclose(self) -> None:
        """Cancel a login in progress and close the session (logout / shutdown)."""
        self.cancel()
        session, self._session = self._session, None
        await self._close_quietly(session)

    # --- internals --------------------------------------------------------------------------------------
    def _validate(self, server_url: str, username: str, password: str) -> str:
        if not server_url.strip():
            return self.tr("Enter the address of the XProtect management server.")
        if not username.strip():
            return self.tr("Enter a user name.")
        if not password:
            return self.tr("Enter the password.")
        return ""

    def error_message(self, exc: BaseException, url: str) -> str:
        """The operator's message for a login failure (translated; never contains credentials)."""
        if isinstance(exc, AuthenticationError):
            return self.tr("The user name or password is wrong.")
        if isinstance(exc, TlsError):
            return self.tr(
                "The secure connection to {0} failed: its certificate is not trusted or does not match the address."
            ).format(url)
        if isinstance(exc, UnreachableError):
            return self.tr("The server {0} cannot be reached. Check the address and the network.").format(url)
        if isinstance(exc, PermissionDeniedError):
            return self.tr("This user may not log in to {0}.").format(url)
        if isinstance(exc, ProtocolError):
            return self.tr("{0} did not answer like an XProtect management server (protocol error).").format(url)
        return self.tr("Login failed: {0}.").format(type(exc).__name__)

    def _fail(self, message: str) -> None:
        self._last_error = message
        self.sigFailed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.sigBusyChanged.emit(busy)

    def _remember(self, url: str, username: str, password: str, remember: bool | None) -> None:
        self._settings.set("server_url", normalise_server_url(url))
        self._settings.set("username", username)
        if remember is None:
            return
        self._settings.set("remember_password", remember)
        try:
            if remember:
                self._credentials.set(url, username, password)
            else:
                self._credentials.delete(url, username)
        except CredentialsUnavailableError:
            if remember:
                self.sigNotice.emit(
                    self.tr("The password cannot be remembered: no system keyring is available on this computer.")
                )

    @staticmethod
    async def _close_quietly(session: Any) -> None:
        if session is None:
            return
        try:
            await session.aclose()
        except Exception:
            log.warning("closing the XProtect session failed", exc_info=True)

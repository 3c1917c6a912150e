"""The auth service of the backend's core (created in ``backend.app``'s lifespan, on ``app.state.auth``):
users, sessions and the audit log over the backend's database, with async methods that run the synchronous
stores in worker threads (Argon2 verification takes about 0.1 s of CPU: never on the event loop).

At start-up, while no user exists and ``settings.admin_password_file`` names a secret file, the user
``settings.admin_username`` is created with role admin from it (the first administrator of a server install;
``python main.py users add`` does the same by hand).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine

from backend.auth.audit import AuditLog
from backend.auth.errors import InvalidCredentialsError, WrongPasswordError
from backend.auth.passwords import Passwords
from backend.auth.principal import Principal
from backend.auth.sessions import LoginResult, SessionInfo, SessionStore, token_digest
from backend.auth.users import UserRecord, UserStore
from backend.settings import AuthSettings, read_secret_file
from milestone.clock import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any):
    return anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))


class AuthService:
    """See the module docstring. ``engine`` writes; ``reader`` reads sessions and the audit log."""

    def __init__(
        self,
        engine: Engine,
        reader: Engine,
        clock: Clock,
        settings: AuthSettings,
        *,
        passwords: Passwords | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.settings = settings
        self.users = UserStore(engine, clock, passwords or Passwords(min_length=settings.password_min_length))
        self.sessions = SessionStore(
            engine,
            reader,
            clock,
            self.users,
            session_s=settings.session_hours * 3600,
            max_session_s=settings.session_max_hours * 3600,
            max_failed=settings.max_failed_logins,
            lockout_s=settings.lockout_seconds,
        )
        self.audit = audit or AuditLog(engine, reader)

    def bootstrap_admin(self, data_dir_resolve: Callable[[Any], Any]) -> UserRecord | None:
        """Create the first administrator from ``admin_password_file`` when there is no user (synchronous);
        returns it, or None when nothing was done. Raises SettingsError for an unreadable file."""
        path = self.settings.admin_password_file
        if path is None or self.users.count() > 0:
            return None
        user = self.users.create(
            self.settings.admin_username, read_secret_file(data_dir_resolve(path)), "admin", "Administrator"
        )
        log.warning("created the first administrator %r from the admin password file", user.username)
        return user

    async def authenticate(self, token: str) -> Principal | None:
        """The principal of a user session token, or None."""
        info = await _run(self.sessions.resolve, token)
        return None if info is None else _principal(info)

    async def login(self, username: str, password: str, client_address: str) -> LoginResult:
        """See SessionStore.login."""
        return await _run(self.sessions.login, username, password, client_address)

    async def refresh(self, token: str) -> Principal:
        """Extend the session; raises InvalidCredentialsError when it is no longer valid."""
        info = await _run(self.sessions.refresh, token)
        if info is None:
            raise InvalidCredentialsError()
        return _principal(info)

    async def logout(self, token: str) -> bool:
        return await _run(self.sessions.logout, token)

    async def change_password(self, username: str, token: str, current: str, new: str) -> UserRecord:
        """A user changes their own password (``current`` must be right); their other sessions end, this one
        stays. Raises WrongPasswordError, WeakPasswordError."""

        def change() -> UserRecord:
            found = self.users.password_hash(username)
            if found is None or not self.users.passwords.verify(found[1], current):
                raise WrongPasswordError()
            return self.users.update(username, password=new, keep_session=token_digest(token))

        return await _run(change)

    async def list_users(self) -> list[UserRecord]:
        return await _run(self.users.list)

    async def get_user(self, username: str) -> UserRecord:
        return await _run(self.users.get, username)

    async def create_user(
        self, username: str, password: str, role: str, display_name: str, disabled: bool
    ) -> UserRecord:
        return await _run(self.users.create, username, password, role, display_name, disabled)

    async def update_user(self, username: str, **changes: Any) -> UserRecord:
        return await _run(self.users.update, username, **changes)

    async def cleanup(self) -> int:
        """Delete long-dead sessions; returns how many."""
        return await _run(self.sessions.cleanup)


def _principal(info: SessionInfo) -> Principal:
    return Principal.user(info.username, info.role, info.display_name, info.expires_us)

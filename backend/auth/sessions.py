"""Log-in sessions: bearer tokens for users (backend.db.models.UserSession), looked up on every request.

A token is ``crv_`` + 43 URL-safe characters (256 random bits); the database keeps only its SHA-256 (hex), so a
copy of the database gives no usable token. A session is valid while not revoked, before its expiry and while
its user is enabled: disabling a user or changing their password refuses their sessions at the next request.
Failed log-ins are counted per user; ``max_failed`` in a row lock the account for ``lockout_s`` seconds
(LoginLockedError, 429), checked before the password is verified. Look-ups go through ``reader`` (a read-only
engine on SQLite: they never wait for the recorders' writes). Synchronous: run in a worker thread.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field

from sqlalchemy import Engine, delete, insert, or_, select, update

from backend.auth.errors import InvalidCredentialsError, LoginLockedError, UserDisabledError
from backend.auth.users import USERNAME_RE, UserRecord, UserStore
from backend.db.models import User, UserSession
from milestone.clock import Clock

TOKEN_PREFIX = "crv_"
_S, _U = UserSession, User


def token_digest(token: str) -> str:
    """SHA-256 of a bearer token, hex (the ``user_sessions`` key)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A valid session: whose, with which role, until when (UTC µs)."""

    username: str
    display_name: str
    role: str
    created_us: int
    expires_us: int


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str = field(repr=False)
    user: UserRecord
    expires_us: int


class SessionStore:
    """See the module docstring. ``session_s``: a session's life; ``max_session_s``: refreshes never extend it
    beyond this after the log-in (seconds)."""

    def __init__(
        self,
        engine: Engine,
        reader: Engine,
        clock: Clock,
        users: UserStore,
        *,
        session_s: float,
        max_session_s: float,
        max_failed: int,
        lockout_s: int,
    ) -> None:
        self._engine = engine
        self._reader = reader
        self._clock = clock
        self._users = users
        self._session_us = int(session_s * 1_000_000)
        self._max_session_us = int(max(session_s, max_session_s) * 1_000_000)
        self._max_failed = max_failed
        self._lockout_us = lockout_s * 1_000_000

    def _now(self) -> int:
        return int(self._clock.time() * 1_000_000)

    def login(self, username: str, password: str, client_address: str = "") -> LoginResult:
        """Check the password and open a session. Raises InvalidCredentialsError (401), UserDisabledError
        (403, only after the right password), LoginLockedError (429)."""
        name = username.strip().lower()
        found = self._users.password_hash(name) if USERNAME_RE.match(name) else None
        now = self._now()
        if found is not None and found[0].locked_until_us is not None and now < found[0].locked_until_us:
            raise LoginLockedError(name, math.ceil((found[0].locked_until_us - now) / 1_000_000))
        passwords = self._users.passwords
        if not passwords.verify(found[1] if found else None, password) or found is None:
            if found is not None:
                self._failed(name, now)
            raise InvalidCredentialsError()
        user, password_hash = found
        if user.disabled:
            raise UserDisabledError(name)
        values: dict[str, object] = {"failed_logins": 0, "locked_until_us": None, "last_login_us": now}
        if passwords.needs_rehash(password_hash):
            values["password_hash"] = passwords.hash(password)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = now + self._session_us
        with self._engine.begin() as conn:
            conn.execute(update(_U).where(_U.username == name).values(**values))
            conn.execute(
                insert(_S).values(
                    token_sha256=token_digest(token),
                    username=name,
                    client_address=client_address[:64],
                    created_us=now,
                    expires_us=expires,
                    revoked_us=None,
                )
            )
        return LoginResult(token, self._users.get(name), expires)

    def _failed(self, name: str, now: int) -> None:
        with self._engine.begin() as conn:
            failed = conn.scalar(
                update(_U)
                .where(_U.username == name)
                .values(failed_logins=_U.failed_logins + 1)
                .returning(_U.failed_logins)
            )
            if failed is not None and failed >= self._max_failed:
                conn.execute(
                    update(_U)
                    .where(_U.username == name)
                    .values(failed_logins=0, locked_until_us=now + self._lockout_us)
                )

    def resolve(self, token: str) -> SessionInfo | None:
        """The session of ``token`` when valid now (not revoked, not expired, user enabled), else None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        query = (
            select(_U.username, _U.display_name, _U.role, _S.created_us, _S.expires_us)
            .join(_U, _U.username == _S.username)
            .where(
                _S.token_sha256 == token_digest(token),
                _S.revoked_us.is_(None),
                _S.expires_us > self._now(),
                _U.disabled.is_(False),
            )
        )
        with self._reader.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else SessionInfo(*row)

    def refresh(self, token: str) -> SessionInfo | None:
        """Extend a valid session to now + the session life (at most the maximum age after its log-in);
        None when it is not valid."""
        now = self._now()
        digest = token_digest(token)
        with self._engine.begin() as conn:
            created = conn.scalar(
                select(_S.created_us)
                .join(_U, _U.username == _S.username)
                .where(_S.token_sha256 == digest, _S.revoked_us.is_(None), _S.expires_us > now, _U.disabled.is_(False))
            )
            if created is None:
                return None
            expires = min(now + self._session_us, created + self._max_session_us)
            conn.execute(update(_S).where(_S.token_sha256 == digest).values(expires_us=expires))
        return self.resolve(token)

    def logout(self, token: str) -> bool:
        """Revoke the session; False when it was not valid (idempotent)."""
        now = self._now()
        with self._engine.begin() as conn:
            stmt = (
                update(_S)
                .where(_S.token_sha256 == token_digest(token), _S.revoked_us.is_(None), _S.expires_us > now)
                .values(revoked_us=now)
            )
            return bool(conn.execute(stmt).rowcount)

    def cleanup(self, keep_s: float = 86_400.0) -> int:
        """Delete sessions that expired or were revoked more than ``keep_s`` seconds ago; returns how many."""
        cutoff = self._now() - int(keep_s * 1_000_000)
        with self._engine.begin() as conn:
            stmt = delete(_S).where(or_(_S.expires_us < cutoff, _S.revoked_us < cutoff))
            return int(conn.execute(stmt).rowcount)

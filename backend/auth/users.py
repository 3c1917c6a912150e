"""The user table: create, read, change, disable (backend.db.models.User; SQLAlchemy Core, one transaction
per call, synchronous: run it in a worker thread from async code).

User names are stored lower-case (log-ins ignore case) and are 1-64 characters of letters, digits and
``._-@``. Changing a password or disabling a user revokes their sessions in the same transaction, so the change
takes effect at the user's next request. The last enabled administrator can be neither disabled nor demoted.
Times are integer UTC µs from the injected clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from backend.auth.errors import InvalidUserError, LastAdminError, UserExistsError, UserNotFoundError
from backend.auth.passwords import Passwords
from backend.auth.permissions import ROLES
from backend.db.models import User, UserSession
from milestone.clock import Clock

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_U = User


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user without the password hash. Times UTC µs (None: never)."""

    username: str
    display_name: str
    role: str
    disabled: bool
    failed_logins: int
    locked_until_us: int | None
    last_login_us: int | None
    password_changed_us: int
    created_us: int
    updated_us: int


_COLUMNS = [getattr(_U, f) for f in UserRecord.__slots__]


def normalise_username(username: str) -> str:
    """``username`` stripped and lower-cased. Raises InvalidUserError when it is not 1-64 characters of
    letters, digits and ``._-@`` starting with a letter or digit."""
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise InvalidUserError(
            "username",
            "A user name has 1 to 64 letters, digits or . _ - @ and starts with a letter or digit.",
            "يتكون اسم المستخدم من 1 إلى 64 حرفاً أو رقماً أو . _ - @ ويبدأ بحرف أو رقم.",
        )
    return name


def check_role(role: str) -> str:
    """``role`` when it is one of ROLES, else InvalidUserError."""
    if role not in ROLES:
        raise InvalidUserError(
            "role",
            f"Unknown role {role!r}: use operator, supervisor or admin.",
            f"الدور {role!r} غير معروف: استخدم operator أو supervisor أو admin.",
        )
    return role


def _display_name(value: str) -> str:
    value = value.strip()
    if len(value) > 128:
        raise InvalidUserError(
            "displayName", "A display name has at most 128 characters.", "الاسم المعروض 128 حرفاً كحد أقصى."
        )
    return value


class UserStore:
    """Users in the backend's database (``engine``, migrated). ``passwords`` hashes and checks the policy."""

    def __init__(self, engine: Engine, clock: Clock, passwords: Passwords) -> None:
        self._engine = engine
        self._clock = clock
        self.passwords = passwords

    def _now(self) -> int:
        return int(self._clock.time() * 1_000_000)

    def count(self) -> int:
        """How many users exist."""
        with self._engine.begin() as conn:
            return int(conn.scalar(select(func.count()).select_from(_U)) or 0)

    def create(
        self, username: str, password: str, role: str, display_name: str = "", disabled: bool = False
    ) -> UserRecord:
        """A new user. Raises InvalidUserError, WeakPasswordError, UserExistsError (409)."""
        name = normalise_username(username)
        check_role(role)
        self.passwords.check_policy(password, name)
        password_hash = self.passwords.hash(password)  # slow: outside the transaction
        now = self._now()
        row = {
            "username": name,
            "display_name": _display_name(display_name),
            "role": role,
            "password_hash": password_hash,
            "disabled": disabled,
            "failed_logins": 0,
            "locked_until_us": None,
            "last_login_us": None,
            "password_changed_us": now,
            "created_us": now,
            "updated_us": now,
        }
        with self._engine.begin() as conn:
            if conn.scalar(select(_U.username).where(_U.username == name)) is not None:
                raise UserExistsError(name)
            conn.execute(insert(_U).values(row))
            return self._get(conn, name)

    @staticmethod
    def _get(conn: Connection, username: str) -> UserRecord:
        row = conn.execute(select(*_COLUMNS).where(_U.username == username)).first()
        if row is None:
            raise UserNotFoundError(username)
        return UserRecord(*row)

    def get(self, username: str) -> UserRecord:
        """The user. Raises UserNotFoundError."""
        with self._engine.begin() as conn:
            return self._get(conn, username.strip().lower())

    def password_hash(self, username: str) -> tuple[UserRecord, str] | None:
        """The user and their hash, or None when there is no such user (for log-in)."""
        with self._engine.begin() as conn:
            row = conn.execute(select(*_COLUMNS, _U.password_hash).where(_U.username == username)).first()
        return None if row is None else (UserRecord(*row[:-1]), row[-1])

    def list(self) -> list[UserRecord]:
        """Every user, by user name."""
        with self._engine.begin() as conn:
            return [UserRecord(*row) for row in conn.execute(select(*_COLUMNS).order_by(_U.username))]

    def update(
        self,
        username: str,
        *,
        role: str | None = None,
        display_name: str | None = None,
        disabled: bool | None = None,
        password: str | None = None,
        keep_session: str | None = None,
    ) -> UserRecord:
        """Change the given fields (None = unchanged). A new password or ``disabled=True`` revokes the user's
        sessions (except ``keep_session``, a token's SHA-256 hex, for a user changing their own password).
        Raises UserNotFoundError, InvalidUserError, WeakPasswordError, LastAdminError."""
        name = username.strip().lower()
        values: dict[str, Any] = {}
        if role is not None:
            values["role"] = check_role(role)
        if display_name is not None:
            values["display_name"] = _display_name(display_name)
        if disabled is not None:
            values["disabled"] = disabled
            if not disabled:
                values["failed_logins"], values["locked_until_us"] = 0, None
        now = self._now()
        if password is not None:
            self.passwords.check_policy(password, name)
            values["password_hash"] = self.passwords.hash(password)
            values["password_changed_us"] = now
            values["failed_logins"], values["locked_until_us"] = 0, None
        with self._engine.begin() as conn:
            current = self._get(conn, name)
            if values:
                loses_admin = current.role == "admin" and not current.disabled
                loses_admin &= values.get("role", "admin") != "admin" or values.get("disabled", False)
                if loses_admin and self._enabled_admins(conn) <= 1:
                    raise LastAdminError(name)
                conn.execute(update(_U).where(_U.username == name).values(**values, updated_us=now))
                if password is not None or disabled:
                    revoke_sessions(conn, name, now, keep=keep_session)
            return self._get(conn, name)

    @staticmethod
    def _enabled_admins(conn: Connection) -> int:
        query = select(func.count()).select_from(_U).where(_U.role == "admin", _U.disabled.is_(False))
        return int(conn.scalar(query) or 0)


def revoke_sessions(conn: Connection, username: str, now_us: int, *, keep: str | None = None) -> int:
    """Revoke every live session of ``username`` but ``keep`` (token SHA-256 hex) inside the caller's
    transaction; returns how many."""
    stmt = (
        update(UserSession)
        .where(UserSession.username == username, UserSession.revoked_us.is_(None), UserSession.expires_us > now_us)
        .values(revoked_us=now_us)
    )
    if keep is not None:
        stmt = stmt.where(UserSession.token_sha256 != keep)
    return int(conn.execute(stmt).rowcount)

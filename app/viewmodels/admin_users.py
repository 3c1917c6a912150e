"""The users' administration (issue 5 §4; permission ``users.manage``): list, create, change role, disable or
enable, reset a password.

``model`` is a table of the users (by name) with the user name in ``UsernameRole`` of every row's first item.
The backend decides what is allowed and says why not in both languages (``weak_password``, ``user_exists``,
``invalid_user``, ``last_admin``, ``forbidden``); those messages become ``error_text``. Disabling a user or
resetting their password ends their sessions at once (the backend does it). Passwords are passed straight to the
backend and never kept or logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from backend.api.schemas_auth import UserOut
from milestone.clock import Clock, SystemClock

from ..tasks import TaskRunner
from .admin_page import AdminPage, ApiSource
from .admin_texts import ROLES, role_text, time_text

UsernameRole = Qt.ItemDataRole.UserRole + 1  # str user name (first column of every row)
COLUMNS = ("user", "display_name", "role", "status", "last_login", "password_changed")


class UsersViewModel(AdminPage):
    """See the module docstring. ``identity()`` gives the logged-in user's name (None when unknown): that row is
    marked "(you)". Signal ``sigUsersChanged()``: ``users`` and ``model`` changed. Commands return the task; the
    ``*_async`` variants return True on success."""

    sigUsersChanged = Signal()

    def __init__(
        self,
        api_source: ApiSource,
        runner: TaskRunner,
        *,
        identity: Callable[[], str | None] = lambda: None,
        clock: Clock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(api_source, runner, parent)
        self._identity = identity
        self._clock = clock or SystemClock()
        self._users: list[UserOut] = []
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self._set_headers()

    def _set_headers(self) -> None:
        headers = (
            self.tr("User"),
            self.tr("Display name"),
            self.tr("Role"),
            self.tr("Status"),
            self.tr("Last log-in"),
            self.tr("Password changed"),
        )
        for column, text in enumerate(headers):
            self.model.setHeaderData(column, Qt.Orientation.Horizontal, text)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def users(self) -> list[UserOut]:
        """The users as last listed, by name."""
        return list(self._users)

    def user(self, username: str) -> UserOut | None:
        key = username.strip().lower()
        return next((u for u in self._users if u.username.lower() == key), None)

    @staticmethod
    def roles() -> list[tuple[str, str]]:
        """(role, translated name) of every role, least privileged first."""
        return [(role, role_text(role)) for role in ROLES]

    def status_text(self, user: UserOut) -> str:
        """ "Disabled", "Locked until <local time>" (too many failed log-ins) or "Enabled"."""
        if user.disabled:
            return self.tr("Disabled")
        if user.locked_until is not None and user.locked_until.timestamp() > self._clock.time():
            return self.tr("Locked until {0}").format(time_text(user.locked_until))
        return self.tr("Enabled")

    # --- commands ---------------------------------------------------------------------------------------
    def refresh(self) -> asyncio.Task[Any]:
        return self._spawn(self.refresh_async(), "admin-users")

    async def refresh_async(self) -> bool:
        """List the users again (``GET /api/v1/users``)."""
        users = await self._call("listing the users", lambda api: api.list_users())
        if users is None:
            return False
        self._users = sorted(users, key=lambda u: u.username)
        self._rebuild()
        return True

    def create_user(self, username: str, password: str, role: str, display_name: str = "") -> asyncio.Task[Any]:
        return self._spawn(self.create_user_async(username, password, role, display_name), "admin-create-user")

    async def create_user_async(self, username: str, password: str, role: str, display_name: str = "") -> bool:
        """Create an enabled user with ``role`` (operator, supervisor, admin) and ``password``."""
        username = username.strip()
        if not username:
            self.fail(self.tr("Enter a user name."))
            return False
        if not password:
            self.fail(self.tr("Enter a password for the new user."))
            return False
        if role not in ROLES:
            self.fail(self.tr("Choose a role."))
            return False
        user = await self._call(
            "creating a user", lambda api: api.create_user(username, password, role, display_name.strip())
        )
        if user is None:
            return False
        self._put(user)
        self._notify(self.tr("User {0} created ({1}).").format(user.username, role_text(user.role)))
        return True

    def set_role(self, username: str, role: str) -> asyncio.Task[Any]:
        return self._spawn(self.set_role_async(username, role), "admin-set-role")

    async def set_role_async(self, username: str, role: str) -> bool:
        """Give ``username`` another role (409 ``last_admin`` when it would leave no administrator)."""
        if role not in ROLES:
            self.fail(self.tr("Choose a role."))
            return False
        user = await self._call("changing a role", lambda api: api.update_user(username, role=role))
        if user is None:
            return False
        self._put(user)
        self._notify(self.tr("{0} is now: {1}.").format(user.username, role_text(user.role)))
        return True

    def set_disabled(self, username: str, disabled: bool) -> asyncio.Task[Any]:
        return self._spawn(self.set_disabled_async(username, disabled), "admin-set-disabled")

    async def set_disabled_async(self, username: str, disabled: bool) -> bool:
        """Disable (the user's sessions end at once) or enable ``username``."""
        user = await self._call("disabling a user", lambda api: api.update_user(username, disabled=disabled))
        if user is None:
            return False
        self._put(user)
        if user.disabled:
            self._notify(self.tr("{0} is disabled; their sessions have ended.").format(user.username))
        else:
            self._notify(self.tr("{0} is enabled again.").format(user.username))
        return True

    def reset_password(self, username: str, password: str) -> asyncio.Task[Any]:
        return self._spawn(self.reset_password_async(username, password), "admin-reset-password")

    async def reset_password_async(self, username: str, password: str) -> bool:
        """Give ``username`` a new password (their sessions end; 400 ``weak_password`` when too weak)."""
        if not password:
            self.fail(self.tr("Enter the new password."))
            return False
        user = await self._call("resetting a password", lambda api: api.update_user(username, password=password))
        if user is None:
            return False
        self._put(user)
        self._notify(self.tr("The password of {0} was reset; their sessions have ended.").format(user.username))
        return True

    # --- model ------------------------------------------------------------------------------------------
    def _put(self, user: UserOut) -> None:
        """Show ``user`` changed or added, in place (a view's selection stays)."""
        others = [u for u in self._users if u.username != user.username]
        existed = len(others) < len(self._users)
        self._users = sorted([*others, user], key=lambda u: u.username)
        row = self._users.index(user)
        items = self._row(user, self._identity())
        if existed:
            for column, item in enumerate(items):
                self.model.setItem(row, column, item)
        else:
            self.model.insertRow(row, items)
        self.sigUsersChanged.emit()

    def _rebuild(self) -> None:
        me = self._identity()
        self.model.removeRows(0, self.model.rowCount())
        for user in self._users:
            self.model.appendRow(self._row(user, me))
        self.sigUsersChanged.emit()

    def _row(self, user: UserOut, me: str | None) -> list[QStandardItem]:
        name = self.tr("{0} (you)").format(user.username) if me and me.lower() == user.username else user.username
        texts = (
            name,
            user.display_name,
            role_text(user.role),
            self.status_text(user),
            time_text(user.last_login) or self.tr("never"),
            time_text(user.password_changed),
        )
        items = []
        for text in texts:
            item = QStandardItem(text)
            item.setEditable(False)
            item.setData(user.username, UsernameRole)
            items.append(item)
        return items

"""The administrator's side of the GUI (issue 5 §4 "the GUI hides what the user may not do").

``AdminViewModel`` tells the main window which administration pages the logged-in user may open, from the
backend connection's permissions (``BackendConnection.permissions`` / ``can``, learnt from ``GET
/api/v1/auth/me``; updated on ``sigPermissionsChanged``), and owns the three pages: users (``users.manage``),
the audit log (``audit.read``) and the stream limits (``quotas.manage``). The pages call the backend through
the connection's current client; the backend still checks every call (a page opened just before the user lost
a permission gets the bilingual 403).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from milestone.clock import Clock

from ..backend_link.admin import AdminApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .admin_audit import AuditLogViewModel
from .admin_quotas import StreamLimitsViewModel
from .admin_users import UsersViewModel

# Permission names of backend/auth/permissions.py (the GUI may not import it).
USERS_MANAGE = "users.manage"
AUDIT_READ = "audit.read"
QUOTAS_MANAGE = "quotas.manage"
ADMIN_PERMISSIONS = (USERS_MANAGE, AUDIT_READ, QUOTAS_MANAGE)


class AdminViewModel(QObject):
    """See the module docstring. Signal ``sigPermissionsChanged()``: ``can_*`` may have changed. ``users``,
    ``audit`` and ``stream_limits`` are the pages (made on first use, kept afterwards)."""

    sigPermissionsChanged = Signal()

    def __init__(
        self,
        connection: BackendConnection,
        runner: TaskRunner,
        *,
        clock: Clock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._runner = runner
        self._clock = clock
        self._users: UsersViewModel | None = None
        self._audit: AuditLogViewModel | None = None
        self._limits: StreamLimitsViewModel | None = None
        connection.sigPermissionsChanged.connect(self.sigPermissionsChanged)
        connection.sigEvent.connect(self._on_event)

    # --- permissions ------------------------------------------------------------------------------------
    @property
    def can_manage_users(self) -> bool:
        return self._connection.can(USERS_MANAGE)

    @property
    def can_read_audit(self) -> bool:
        return self._connection.can(AUDIT_READ)

    @property
    def can_manage_quotas(self) -> bool:
        return self._connection.can(QUOTAS_MANAGE)

    @property
    def any_granted(self) -> bool:
        """True when the user may open at least one administration page (else the menu stays hidden)."""
        return any(self._connection.can(permission) for permission in ADMIN_PERMISSIONS)

    def identity_name(self) -> str | None:
        """The logged-in user's name (None while unknown)."""
        identity = self._connection.identity
        return identity.username if identity is not None else None

    def api(self) -> AdminApi | None:
        """The administration API of the backend the GUI talks to now (None while there is none)."""
        client = self._connection.client
        return AdminApi(client) if client is not None else None

    # --- pages ------------------------------------------------------------------------------------------
    @property
    def users(self) -> UsersViewModel:
        if self._users is None:
            self._users = UsersViewModel(
                self.api, self._runner, identity=self.identity_name, clock=self._clock, parent=self
            )
        return self._users

    @property
    def audit(self) -> AuditLogViewModel:
        if self._audit is None:
            self._audit = AuditLogViewModel(self.api, self._runner, parent=self)
        return self._audit

    @property
    def stream_limits(self) -> StreamLimitsViewModel:
        if self._limits is None:
            self._limits = StreamLimitsViewModel(self.api, self._runner, parent=self)
        return self._limits

    def _on_event(self, event: Any) -> None:
        if self._limits is not None and getattr(event, "type", "") == "quota_changed":
            self._limits.apply_event(event.data)

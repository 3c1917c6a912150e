"""The main window's "Administration" menu (issue 5 §4: the GUI hides what the user may not do).

"Users…" (permission ``users.manage``), "Audit log…" (``audit.read``) and "Stream quotas…" (``quotas.manage``),
each visible only while the backend connection grants its permission; the whole menu, and the menu bar when it
holds nothing else, is hidden when none is granted (an operator never sees it). A dialog open when its
permission goes away closes. Bound to ``app.viewmodels.admin.AdminViewModel``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from app.viewmodels.admin import AdminViewModel

from .admin_audit import AuditLogDialog
from .admin_quotas import StreamQuotasDialog
from .admin_users import UsersDialog
from .permission_menu import PermissionMenu


class AdminMenu(PermissionMenu):
    """See the module docstring. ``window``: the main window whose menu bar shows it (added here)."""

    def __init__(self, vm: AdminViewModel, window: QMainWindow) -> None:
        super().__init__(window)
        self._vm = vm
        self.users_dialog: UsersDialog | None = None
        self.audit_dialog: AuditLogDialog | None = None
        self.quotas_dialog: StreamQuotasDialog | None = None
        self.users_action = self.add_entry()
        self.users_action.triggered.connect(self.show_users)
        self.audit_action = self.add_entry()
        self.audit_action.triggered.connect(self.show_audit)
        self.quotas_action = self.add_entry()
        self.quotas_action.triggered.connect(self.show_quotas)
        vm.sigPermissionsChanged.connect(self.sync)
        self.retranslate()
        self.sync()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Administration"))
        self.describe(self.users_action, self.tr("Users…"), self.tr("Create users, change roles, disable users"))
        self.describe(self.audit_action, self.tr("Audit log…"), self.tr("Who did what, when and from where"))
        self.describe(self.quotas_action, self.tr("Stream quotas…"), self.tr("Each agency's limit of open streams"))

    def sync(self) -> None:
        """Show what the user may open; close the dialogs they may no longer use."""
        self.apply_grants(
            (
                (self.users_action, self._vm.can_manage_users, self.users_dialog),
                (self.audit_action, self._vm.can_read_audit, self.audit_dialog),
                (self.quotas_action, self._vm.can_manage_quotas, self.quotas_dialog),
            )
        )

    def show_users(self) -> UsersDialog:
        """Open (or raise) the Users dialog; returns it."""
        if self.users_dialog is None:
            self.users_dialog = UsersDialog(self._vm.users, self._window)
        self.raise_dialog(self.users_dialog)
        return self.users_dialog

    def show_audit(self) -> AuditLogDialog:
        """Open (or raise) the Audit log dialog; returns it."""
        if self.audit_dialog is None:
            self.audit_dialog = AuditLogDialog(self._vm.audit, self._window)
        self.raise_dialog(self.audit_dialog)
        return self.audit_dialog

    def show_quotas(self) -> StreamQuotasDialog:
        """Open (or raise) the Stream quotas dialog; returns it."""
        if self.quotas_dialog is None:
            self.quotas_dialog = StreamQuotasDialog(self._vm.stream_limits, self._window)
        self.raise_dialog(self.quotas_dialog)
        return self.quotas_dialog

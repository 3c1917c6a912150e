"""The "Users" dialog (Administration menu; permission ``users.manage``), bound to ``UsersViewModel``.

The users' table on top; below it "New user" (name, display name, role, password) and "Selected user" (change
the role, disable or enable, reset the password) for the row selected in the table. The backend's refusals
(weak password, existing user, last administrator) show under them in the application's language.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.viewmodels.admin_users import UsernameRole, UsersViewModel

from .admin_common import AdminDialog, make_table, select_row


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(8)
    return form


class UsersDialog(AdminDialog):
    """See the module docstring. Refreshes the list every time it is shown."""

    def __init__(self, vm: UsersViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, parent)
        self._vm = vm
        self.setWindowTitle(self.tr("Users"))
        self.resize(900, 640)
        hint = QLabel(self.tr("Disabling a user or resetting a password ends that user's sessions at once."), self)
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.table = make_table(vm.model, self)
        self._last_selected: str | None = None
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 110)
        self.table.setColumnWidth(3, 110)
        self.table.setColumnWidth(4, 160)

        # New user
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText(self.tr("user name"))
        self.new_display = QLineEdit(self)
        self.new_display.setPlaceholderText(self.tr("optional"))
        self.new_role = self._role_combo()
        self.new_password = QLineEdit(self)
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.create_button = QPushButton(self.tr("Create user"), self)
        self.create_button.setAutoDefault(False)
        self.create_button.clicked.connect(self._on_create)
        new_box = QGroupBox(self.tr("New user"), self)
        new_form = _form()
        new_form.addRow(self.tr("User name"), self.new_name)
        new_form.addRow(self.tr("Display name"), self.new_display)
        new_form.addRow(self.tr("Role"), self.new_role)
        new_form.addRow(self.tr("Password"), self.new_password)
        new_form.addRow("", self.create_button)
        new_box.setLayout(new_form)

        # Selected user
        self.selected_label = QLabel(self)
        self.selected_label.setWordWrap(True)
        self.role_combo = self._role_combo()
        self.role_button = QPushButton(self.tr("Change role"), self)
        self.role_button.setAutoDefault(False)
        self.role_button.clicked.connect(self._on_role)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role_combo, 1)
        role_row.addWidget(self.role_button)
        self.disable_button = QPushButton(self.tr("Disable"), self)
        self.disable_button.setAutoDefault(False)
        self.disable_button.clicked.connect(self._on_disable)
        self.reset_password = QLineEdit(self)
        self.reset_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_password.setPlaceholderText(self.tr("new password"))
        self.reset_button = QPushButton(self.tr("Reset password"), self)
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(self._on_reset)
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_password, 1)
        reset_row.addWidget(self.reset_button)
        selected_box = QGroupBox(self.tr("Selected user"), self)
        selected_form = _form()
        selected_form.addRow(self.selected_label)
        selected_form.addRow(self.tr("Role"), role_row)
        selected_form.addRow(self.tr("Access"), self.disable_button)
        selected_form.addRow(self.tr("Password"), reset_row)
        selected_box.setLayout(selected_form)

        boxes = QHBoxLayout()
        boxes.setSpacing(12)
        boxes.addWidget(new_box, 1)
        boxes.addWidget(selected_box, 1)
        self.lay_out(hint, self.table, boxes, stretch=self.table, refresh=vm.refresh)
        vm.sigUsersChanged.connect(self._on_users)
        vm.sigBusyChanged.connect(lambda _busy: self._sync_selected())
        vm.sigNotice.connect(self._clear_passwords)
        self._sync_selected()

    def _role_combo(self) -> QComboBox:
        combo = QComboBox(self)
        for role, label in self._vm.roles():
            combo.addItem(label, role)
        return combo

    # --- selection --------------------------------------------------------------------------------------
    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return str(rows[0].data(UsernameRole)) if rows else None

    def select_user(self, username: str) -> bool:
        """Select ``username``'s row; False when the table does not show it."""
        model = self._vm.model
        for row in range(model.rowCount()):
            if model.item(row, 0).data(UsernameRole) == username:
                select_row(self.table, row)
                return True
        return False

    def _on_selection(self, *_args) -> None:
        self._last_selected = self.selected_username() or self._last_selected
        self._sync_selected()

    def _on_users(self) -> None:
        if self.selected_username() is None and self._last_selected:
            self.select_user(self._last_selected)  # the list was read again: keep the administrator's choice
        self._sync_selected()

    def _sync_selected(self, *_args) -> None:
        user = self._vm.user(self.selected_username() or "")
        enabled = user is not None and not self._vm.busy
        for widget in (self.role_combo, self.role_button, self.disable_button, self.reset_password, self.reset_button):
            widget.setEnabled(enabled)
        self.create_button.setEnabled(not self._vm.busy)
        if user is None:
            self.selected_label.setText(self.tr("Select a user in the table."))
            self.disable_button.setText(self.tr("Disable"))
            return
        name = f"{user.display_name} ({user.username})" if user.display_name else user.username
        self.selected_label.setText(f"<b>{_escape(name)}</b> — {_escape(self._vm.status_text(user))}")
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(user.role)))
        self.disable_button.setText(self.tr("Enable") if user.disabled else self.tr("Disable"))

    # --- commands ---------------------------------------------------------------------------------------
    def _on_create(self) -> None:
        self._vm.create_user(
            self.new_name.text(), self.new_password.text(), str(self.new_role.currentData()), self.new_display.text()
        )

    def _on_role(self) -> None:
        username = self.selected_username()
        if username:
            self._vm.set_role(username, str(self.role_combo.currentData()))

    def _on_disable(self) -> None:
        user = self._vm.user(self.selected_username() or "")
        if user is not None:
            self._vm.set_disabled(user.username, not user.disabled)

    def _on_reset(self) -> None:
        username = self.selected_username()
        if username:
            self._vm.reset_password(username, self.reset_password.text())

    def _clear_passwords(self, *_args) -> None:
        """A change went through: forget the passwords typed (and the new user's fields)."""
        for field in (self.new_password, self.reset_password):
            field.clear()
        if self._vm.user(self.new_name.text()) is not None:
            self.new_name.clear()
            self.new_display.clear()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._vm.refresh()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

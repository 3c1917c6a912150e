"""The login dialog: server URL, user, password, "remember password"; bound to a LoginViewModel.

The dialog is shown non-modally-blocking (``open()``, never ``exec()``: a nested event loop would stall the
qasync loop). "Log in" asks the view-model to log in; the dialog stays open with a progress bar while it
works, shows the view-model's error message on failure and closes itself on success.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels import LoginViewModel


class LoginDialog(QDialog):
    """Pre-filled from the view-model (saved server, user and, if remembered, password)."""

    def __init__(self, vm: LoginViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setWindowTitle(self.tr("Log in to XProtect"))
        self.setModal(True)
        self.setMinimumWidth(440)
        title = QLabel(self.tr("Log in to XProtect"), self)
        title.setObjectName("loginTitle")
        subtitle = QLabel(self.tr("Management server of the site you want to watch."), self)
        subtitle.setObjectName("muted")
        self.server = QLineEdit(vm.server_url, self)
        self.server.setPlaceholderText(self.tr("https://vms.example.com"))
        self.user = QLineEdit(vm.username, self)
        self.user.setPlaceholderText(self.tr("user name"))
        self.password = QLineEdit(vm.saved_password(), self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("Remember the password on this computer"), self)
        self.remember.setChecked(vm.remember_password)
        self.error = QLabel(self)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.login_button = self.buttons.addButton(self.tr("Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        for button in self.buttons.buttons():
            button.setAutoDefault(False)  # Enter always means "Log in", wherever the focus is
        self.login_button.setDefault(True)
        self.buttons.accepted.connect(self._on_login)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow("", self.remember)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        if vm.last_error:  # e.g. the command line's direct login failed
            self._on_failed(vm.last_error)
        vm.sigBusyChanged.connect(self._on_busy)
        vm.sigFailed.connect(self._on_failed)
        vm.sigLoggedIn.connect(self._on_logged_in)
        for field in (self.server, self.user, self.password):
            if not field.text():
                field.setFocus()
                break

    def _on_login(self) -> None:
        self.error.hide()
        self._vm.login(self.server.text(), self.user.text(), self.password.text(), self.remember.isChecked())

    def _on_busy(self, busy: bool) -> None:
        for widget in (self.server, self.user, self.password, self.remember, self.login_button):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.login_button.setText(self.tr("Logging in…") if busy else self.tr("Log in"))

    def _on_failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.password.setFocus()
        self.password.selectAll()

    def _on_logged_in(self, *_args) -> None:
        self.password.clear()
        self.accept()

    def reject(self) -> None:
        self._vm.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._vm.cancel()
        super().closeEvent(event)

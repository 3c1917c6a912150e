"""The pages of the Settings dialog (``widgets.settings_dialog``): plain forms holding the editors; the dialog
fills them from a ``SettingsForm`` and reads them back."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

MAX_MINUTES = 24 * 60  # the editor's upper bound; the backend's limits are checked on OK


def muted(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def combo(parent: QWidget, items: list[tuple[str, str]]) -> QComboBox:
    """A combo box of ``(data, text)`` items."""
    box = QComboBox(parent)
    for data, text in items:
        box.addItem(text, data)
    return box


def select(box: QComboBox, data: str) -> None:
    index = box.findData(data)
    box.setCurrentIndex(max(0, index))


def path_row(parent: QWidget, edit: QLineEdit, title: str, directory: bool) -> QWidget:
    """``edit`` with a "Browse…" button opening a file (or directory) chooser."""
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton(QCoreApplication.translate("SettingsPages", "Browse…"), row)
    button.setAutoDefault(False)

    def browse() -> None:
        start = edit.text().strip()
        if directory:
            chosen = QFileDialog.getExistingDirectory(row, title, start)
        else:
            chosen, _ = QFileDialog.getOpenFileName(row, title, start)
        if chosen:
            edit.setText(chosen)

    button.clicked.connect(browse)
    layout.addWidget(button)
    return row


class ServersPage(QWidget):
    """XProtect management server, user, authentication, TLS verification, and the saved password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.server_url = QLineEdit(self)
        self.server_url.setPlaceholderText(self.tr("https://vms.example.com"))
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(self.tr("user name, or DOMAIN\\user for Windows"))
        self.auth_type = combo(
            self, [("basic", self.tr("XProtect basic user")), ("ntlm", self.tr("Windows user (NTLM)"))]
        )
        self.verify_tls = QCheckBox(self.tr("Verify the server's TLS certificate"), self)
        self.forget_button = QPushButton(self.tr("Forget saved password"), self)
        self.forget_button.setAutoDefault(False)
        self.password_state = muted("", self)
        form.addRow(muted(self.tr("The management server of the site you watch."), self))
        form.addRow(self.tr("Server address"), self.server_url)
        form.addRow(self.tr("User"), self.username)
        form.addRow(self.tr("Authentication"), self.auth_type)
        form.addRow("", self.verify_tls)
        form.addRow(self.tr("Saved password"), self.password_state)
        form.addRow("", self.forget_button)
        form.addRow(muted(self.tr("Changes apply at the next log-in. Passwords are kept in the system keyring."), self))


class LanguagePage(QWidget):
    """Language of the application and the calendar of dates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.language = combo(self, [("", self.tr("System language")), ("en", "English"), ("ar", "العربية")])
        self.calendar = combo(self, [("gregorian", self.tr("Gregorian")), ("hijri", self.tr("Hijri (Umm al-Qura)"))])
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Calendar of dates"), self.calendar)
        form.addRow(muted(self.tr("Arabic lays the windows out from right to left."), self))


class VideoPage(QWidget):
    """How live video comes from the recording server."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.live_format = combo(
            self,
            [
                ("h264", self.tr("H.264, decoded on this computer (recommended)")),
                ("jpeg", self.tr("JPEG pictures made by the recording server")),
            ],
        )
        form.addRow(self.tr("Live video"), self.live_format)
        form.addRow(
            muted(
                self.tr(
                    "JPEG moves the decoding to the recording server: use it on a computer too slow for many "
                    "H.264 streams. Pictures are drawn by Qt's own painter; there is no other renderer to choose."
                ),
                self,
            )
        )


class TilesPage(QWidget):
    """Behaviour of the wall's tiles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.overlays = QCheckBox(self.tr("Show the camera name and state over live video"), self)
        self.double_click = QCheckBox(self.tr("Double-click a tile to maximise it"), self)
        self.keep_aspect = QCheckBox(self.tr("Keep the picture's aspect ratio (otherwise stretch it)"), self)
        for box in (self.overlays, self.double_click, self.keep_aspect):
            layout.addWidget(box)
        layout.addWidget(muted(self.tr("A tile that is not live always says why. Changes apply at once."), self))
        layout.addStretch(1)


class RecordingPage(QWidget):
    """The default duration of a manual recording."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.duration = QSpinBox(self)
        self.duration.setRange(1, MAX_MINUTES)
        self.duration.setSuffix(self.tr(" min"))
        self.limits = muted("", self)
        form.addRow(self.tr("Default duration"), self.duration)
        form.addRow("", self.limits)


class BackendPage(QWidget):
    """The backend: bundled (its data directory) or remote (URL, API token file, user), and a connection test."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.bundled = QRadioButton(self.tr("Bundled backend on this computer"), self)
        self.remote = QRadioButton(self.tr("Remote backend"), self)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.bundled)
        self.mode_group.addButton(self.remote)
        self.data_dir = QLineEdit(self)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText(self.tr("https://backend.example.com:8443"))
        self.token_file = QLineEdit(self)
        self.token_file.setPlaceholderText(self.tr("empty: the token saved in the system keyring"))
        self.backend_user = QLineEdit(self)
        self.backend_user.setPlaceholderText(self.tr("empty: the XProtect user"))
        layout.addWidget(self.bundled)
        self.bundled_box = QWidget(self)
        bundled_form = QFormLayout(self.bundled_box)
        bundled_form.setContentsMargins(24, 0, 0, 8)
        bundled_form.addRow(
            self.tr("Data directory"), path_row(self, self.data_dir, self.tr("Data directory"), directory=True)
        )
        layout.addWidget(self.bundled_box)
        layout.addWidget(self.remote)
        self.remote_box = QWidget(self)
        remote_form = QFormLayout(self.remote_box)
        remote_form.setContentsMargins(24, 0, 0, 8)
        remote_form.addRow(self.tr("Address"), self.url)
        remote_form.addRow(
            self.tr("API token file"), path_row(self, self.token_file, self.tr("API token file"), directory=False)
        )
        remote_form.addRow(self.tr("Backend user"), self.backend_user)
        layout.addWidget(self.remote_box)
        test_row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setAutoDefault(False)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout.addLayout(test_row)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        layout.addWidget(self.test_result)
        layout.addWidget(muted(self.tr("Backend changes apply when the application starts again."), self))
        layout.addStretch(1)
        self.bundled.toggled.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.bundled_box.setEnabled(self.bundled.isChecked())
        self.remote_box.setEnabled(not self.bundled.isChecked())

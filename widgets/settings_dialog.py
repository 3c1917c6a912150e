"""The Settings dialog (main window: File > Settings…, Ctrl+,): Servers, Language, Video, Tiles, Recording and
Backend pages bound to a ``SettingsViewModel``.

OK validates: problems are listed in red above the buttons (in the operator's language), the page of the first
one is shown, its editor is focused, and nothing is stored; a valid form is stored and the dialog closes (the
view-model says when the changes take effect). Cancel stores nothing. Options fixed by an environment variable
for this run are shown read-only with the variable's name. Opened with ``open()`` (never ``exec()``: a nested
event loop would stall the qasync loop).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from app.viewmodels.settings import SettingsViewModel
from app.viewmodels.settings_form import BUNDLED, REMOTE, SettingsForm

from .settings_pages import BackendPage, LanguagePage, RecordingPage, ServersPage, TilesPage, VideoPage, select


class SettingsDialog(QDialog):
    """Edits a copy of the settings; ``accept`` (OK) applies it through the view-model when valid."""

    def __init__(self, vm: SettingsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self._form = vm.form()
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumSize(620, 460)
        self.tabs = QTabWidget(self)
        self.servers = ServersPage(self)
        self.language = LanguagePage(self)
        self.video = VideoPage(self)
        self.tiles = TilesPage(self)
        self.recording = RecordingPage(self)
        self.backend = BackendPage(self)
        self.tabs.addTab(self.servers, self.tr("Servers"))
        self.tabs.addTab(self.language, self.tr("Language"))
        self.tabs.addTab(self.video, self.tr("Video"))
        self.tabs.addTab(self.tiles, self.tr("Tiles"))
        self.tabs.addTab(self.recording, self.tr("Recording"))
        self.tabs.addTab(self.backend, self.tr("Backend"))
        self.error = QLabel(self)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Which editor and page show each field (for the problems' focus).
        self._editors: dict[str, QWidget] = {
            "server_url": self.servers.server_url,
            "username": self.servers.username,
            "auth_type": self.servers.auth_type,
            "verify_tls": self.servers.verify_tls,
            "language": self.language.language,
            "calendar": self.language.calendar,
            "live_format": self.video.live_format,
            "tile_overlays": self.tiles.overlays,
            "tile_double_click_maximise": self.tiles.double_click,
            "tile_keep_aspect": self.tiles.keep_aspect,
            "recording_duration": self.recording.duration,
            "backend_mode": self.backend.remote,
            "backend_url": self.backend.url,
            "backend_token_file": self.backend.token_file,
            "backend_username": self.backend.backend_user,
            "backend_data_dir": self.backend.data_dir,
        }
        self._fill(self._form)
        self.servers.forget_button.clicked.connect(self._forget_password)
        self.servers.server_url.textChanged.connect(self._sync_password_state)
        self.servers.username.textChanged.connect(self._sync_password_state)
        self.backend.test_button.clicked.connect(self._test_connection)
        vm.sigTestFinished.connect(self._on_test_finished)
        vm.sigTestingChanged.connect(self._on_testing)

    # --- form <-> editors -------------------------------------------------------------------------------
    def _fill(self, form: SettingsForm) -> None:
        self.servers.server_url.setText(form.server_url)
        self.servers.username.setText(form.username)
        select(self.servers.auth_type, form.auth_type)
        self.servers.verify_tls.setChecked(form.verify_tls)
        select(self.language.language, form.language)
        select(self.language.calendar, form.calendar)
        select(self.video.live_format, form.live_format)
        self.tiles.overlays.setChecked(form.tile_overlays)
        self.tiles.double_click.setChecked(form.tile_double_click_maximise)
        self.tiles.keep_aspect.setChecked(form.tile_keep_aspect)
        self.recording.duration.setValue(max(1, round(form.recording_duration / 60)))
        limits = self._vm.limits
        self.recording.limits.setText(
            self.tr(
                "Between {0} and {1} minutes (the backend's limits). Used for the next recording you start."
            ).format(self._vm.minutes_text(limits.min_s), self._vm.minutes_text(limits.max_s))
        )
        self.backend.bundled.setChecked(form.backend_mode == BUNDLED)
        self.backend.remote.setChecked(form.backend_mode == REMOTE)
        self.backend.url.setText(form.backend_url)
        self.backend.token_file.setText(form.backend_token_file)
        self.backend.backend_user.setText(form.backend_username)
        self.backend.data_dir.setText(form.backend_data_dir)
        self.backend.data_dir.setPlaceholderText(self.tr("empty: {0}").format(self._vm.default_data_dir))
        for field, editor in self._editors.items():
            variable = self._vm.overridden_by(field)
            if variable:
                editor.setEnabled(False)
                editor.setToolTip(self.tr("Set by the environment variable {0} for this run.").format(variable))
                if field == "backend_mode":
                    self.backend.bundled.setEnabled(False)
        self._sync_password_state()

    def form(self) -> SettingsForm:
        """The editors' values as a form."""
        minutes = self.recording.duration.value()
        original = self._form.recording_duration
        return SettingsForm(
            server_url=self.servers.server_url.text().strip(),
            username=self.servers.username.text().strip(),
            auth_type=str(self.servers.auth_type.currentData()),
            verify_tls=self.servers.verify_tls.isChecked(),
            language=str(self.language.language.currentData()),
            calendar=str(self.language.calendar.currentData()),
            live_format=str(self.video.live_format.currentData()),
            tile_overlays=self.tiles.overlays.isChecked(),
            tile_double_click_maximise=self.tiles.double_click.isChecked(),
            tile_keep_aspect=self.tiles.keep_aspect.isChecked(),
            # A duration that is not whole minutes stays as it was unless the operator changed the minutes.
            recording_duration=original if minutes == max(1, round(original / 60)) else minutes * 60,
            backend_mode=REMOTE if self.backend.remote.isChecked() else BUNDLED,
            backend_url=self.backend.url.text().strip(),
            backend_token_file=self.backend.token_file.text().strip(),
            backend_username=self.backend.backend_user.text().strip(),
            backend_data_dir=self.backend.data_dir.text().strip(),
        )

    # --- OK -----------------------------------------------------------------------------------------------
    def accept(self) -> None:
        problems, _notices = self._vm.apply(self.form())
        if problems:
            self.error.setText("\n".join(message for _field, message in problems))
            self.error.show()
            editor = self._editors.get(problems[0][0])
            if editor is not None:
                page = next(
                    (self.tabs.widget(i) for i in range(self.tabs.count()) if self.tabs.widget(i).isAncestorOf(editor)),
                    None,
                )
                if page is not None:
                    self.tabs.setCurrentWidget(page)
                editor.setFocus()
            return
        super().accept()

    # --- saved password -----------------------------------------------------------------------------------
    def _sync_password_state(self) -> None:
        url, user = self.servers.server_url.text(), self.servers.username.text()
        saved = self._vm.has_saved_password(url, user)
        self.servers.password_state.setText(
            self.tr("A password is saved in the system keyring.") if saved else self.tr("No password is saved.")
        )
        self.servers.forget_button.setEnabled(saved)

    def _forget_password(self) -> None:
        message = self._vm.forget_password(self.servers.server_url.text(), self.servers.username.text())
        self._sync_password_state()
        self.servers.password_state.setText(message)

    # --- connection test ----------------------------------------------------------------------------------
    def _test_connection(self) -> None:
        self.backend.test_result.setStyleSheet("")
        self.backend.test_result.setText(self.tr("Testing…"))
        self._vm.test_connection(self.form())

    def _on_testing(self, testing: bool) -> None:
        self.backend.test_button.setEnabled(not testing)

    def _on_test_finished(self, ok: bool, text: str) -> None:
        self.backend.test_result.setStyleSheet(f"color: {'#3fb950' if ok else '#ff7b72'};")
        self.backend.test_result.setText(text)

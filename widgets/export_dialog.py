"""The "Export…" dialog of the timeline's selection: cameras and range shown, a reason (required) and face
masking, then the job's progress ("Cancel export" while it runs), then "Save package…" (download to a chosen
file with progress, SHA-256 checked against the export's) and "Open folder"; "All exports…" opens the Exports
list (``show_exports``).

Bound to an ``ExportJob`` (``app.viewmodels.export_job``); non-modal. ``start()`` / ``save_to(path)`` /
``cancel()`` return the task they spawn (tests await them); the file dialog of "Save package…" is
``save_dialog``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.export_job import ExportJob, phase_text
from app.viewmodels.recording_state import isolate

MIN_REASON = 3  # ExportCreate.reason's minimum length


class ExportDialog(QDialog):
    """See the module docstring. ``range_text``: the selection as the operator reads it."""

    def __init__(
        self,
        job: ExportJob,
        runner: Any,
        range_text: str,
        parent: QWidget | None = None,
        show_exports: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.job = job
        self._runner = runner
        self.task: Any = None
        self.save_dialog: QFileDialog | None = None
        self.setWindowTitle(self.tr("Export evidence"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        form.addRow(self.tr("Cameras"), QLabel(", ".join(isolate(n) for _i, n in job.cameras), self))
        form.addRow(self.tr("Range"), QLabel(range_text, self))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("Why this footage is exported (required)"))
        self.reason_edit.textChanged.connect(self._sync)
        form.addRow(self.tr("Reason"), self.reason_edit)
        self.mask_check = QCheckBox(self.tr("Blur faces (slower: the video is re-encoded)"), self)
        form.addRow("", self.mask_check)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Start export"), self)
        self.start_button.clicked.connect(self.start)
        self.save_button = QPushButton(self.tr("Save package…"), self)
        self.save_button.clicked.connect(self.ask_path)
        self.open_button = QPushButton(self.tr("Open folder"), self)
        self.open_button.clicked.connect(self.open_folder)
        self.cancel_button = QPushButton(self.tr("Cancel export"), self)
        self.cancel_button.setToolTip(self.tr("Stop the export; nothing of it is kept"))
        self.cancel_button.clicked.connect(self.cancel)
        self.exports_button = QPushButton(self.tr("All exports…"), self)
        self.exports_button.setToolTip(self.tr("Your earlier exports: progress, packages, expiry"))
        self.exports_button.setVisible(show_exports is not None)
        for button in (self.cancel_button, self.exports_button):
            button.setAutoDefault(False)
        if show_exports is not None:
            self.exports_button.clicked.connect(show_exports)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.exports_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        job.sigChanged.connect(self._sync)
        job.sigDownloadProgress.connect(self._on_download)
        self._sync()

    # --- commands ---------------------------------------------------------------------------------------
    def start(self) -> Any:
        """Start the export (the reason must be given)."""
        if len(self.reason_edit.text().strip()) < MIN_REASON or self.job.export is not None:
            return None
        self.start_button.setEnabled(False)
        self.task = self._runner.spawn(self._start(), name="export-start")
        return self.task

    async def _start(self) -> bool:
        ok = await self.job.start(self.reason_edit.text(), self.mask_check.isChecked())
        self._sync()
        return ok

    def cancel(self) -> Any:
        """Cancel the running (or queued) export."""
        if self.job.export is None or self.job.finished:
            return None
        self.cancel_button.setEnabled(False)
        self.task = self._runner.spawn(self.job.cancel(), name="export-cancel")
        return self.task

    def ask_path(self) -> QFileDialog:
        """ "Save package…": a non-modal file dialog; the chosen file goes to ``save_to``."""
        if self.save_dialog is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            dialog = QFileDialog(self, self.tr("Save the export package"))
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setNameFilters([self.tr("ZIP package (*.zip)")])
            dialog.setDefaultSuffix("zip")
            dialog.setDirectory(folder or str(Path.home()))
            dialog.fileSelected.connect(self.save_to)
            self.save_dialog = dialog
        self.save_dialog.selectFile(self.job.suggested_name())
        self.save_dialog.open()
        return self.save_dialog

    def save_to(self, path: str) -> Any:
        """Download the package to ``path`` (verified against its SHA-256)."""
        self.progress.setValue(0)
        self.task = self._runner.spawn(self.job.download(path), name="export-download")
        return self.task

    def open_folder(self) -> bool:
        if self.job.saved_path is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.job.saved_path.parent)))

    # --- view-model -> widgets --------------------------------------------------------------------------
    def _on_download(self, written: int, total: int) -> None:
        if total > 0:
            self.progress.setValue(round(1000 * written / total))
        self.status_label.setText(
            self.tr("Downloading… {0} of {1} MB").format(f"{written / 1e6:.1f}", f"{total / 1e6:.1f}" if total else "?")
        )

    def _sync(self, *_args) -> None:
        job = self.job
        started = job.export is not None
        self.reason_edit.setEnabled(not started)
        self.mask_check.setEnabled(not started)
        self.start_button.setEnabled(not started and len(self.reason_edit.text().strip()) >= MIN_REASON)
        running = started and not job.finished
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.save_button.setVisible(job.completed)
        self.save_button.setEnabled(job.completed and not job.downloading)
        self.open_button.setVisible(job.saved_path is not None)
        if job.downloading:
            return
        if not job.completed or job.saved_path is None:
            self.progress.setValue(round(1000 * job.progress))
        text = job.state_text()
        if started and job.export is not None and not job.finished and job.export.phase:
            text = f"{text} {phase_text(job.export.phase)}"
        if job.saved_path is not None and job.verified:
            self.progress.setValue(1000)
            text = self.tr("Saved to {0}; its SHA-256 matches the export's.").format(isolate(str(job.saved_path)))
        self.status_label.setStyleSheet("color: #ff7b72;" if job.error else "")
        self.status_label.setText(text)

"""The "Exports" list: the user's evidence exports, newest first ("Load more" for older ones), with state and
live progress, cameras, range, reason, size, creation and expiry; per export (the selected row, or its context
menu) "Cancel export" while queued or running, "Save package…" when completed (download with progress, SHA-256
checked) and "Delete package…" (confirmed) when completed.

Bound to an ``ExportsListViewModel``; non-modal, opened from the main window's "Evidence" menu and from the
Export dialog. ``task``: the last command's task; ``save_dialog`` the file dialog, ``confirm`` the delete
confirmation (tests drive them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QStandardPaths, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.export_job import phase_text
from app.viewmodels.exports_list import ExportOut, ExportsListViewModel

ID_ROLE = Qt.ItemDataRole.UserRole
STATE_COLOURS = {
    "queued": "#8a94a3",
    "running": "#58a6ff",
    "completed": "#3fb950",
    "failed": "#f85149",
    "cancelled": "#d29922",
    "expired": "#6e7681",
}


COLUMN_COUNT = 7  # state, cameras, range, reason, size, created, expires


class ExportsDialog(QDialog):
    """See the module docstring. Columns: ``COLUMNS`` (state, cameras, range, reason, size, created, expires)."""

    def __init__(self, vm: ExportsListViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.task: Any = None
        self.save_dialog: QFileDialog | None = None
        self.confirm: QMessageBox | None = None
        self._saving: str | None = None
        self.resize(1120, 480)
        self.columns: list[str] = []  # the header texts, set in retranslate()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("exportsList")
        self.tree.setColumnCount(COLUMN_COUNT)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.currentItemChanged.connect(lambda *_a: self._sync_buttons())
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(COLUMN_COUNT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.mine_check = QCheckBox(self)
        self.mine_check.toggled.connect(lambda on: self._spawn_task(vm.set_show_all(on)))
        self.refresh_button = self._button(vm.refresh)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("muted")
        self.more_button = self._button(lambda: self._spawn(vm.load_more()))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.detail_label = QLabel(self)
        self.detail_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #ff7b72;")
        self.error_label.setWordWrap(True)
        self.cancel_button = self._button(self.cancel_selected)
        self.save_button = self._button(self.ask_path)
        self.delete_button = self._button(self.delete_selected)
        self.close_button = self._button(self.close)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.mine_check)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        vm.sigChanged.connect(self._sync)
        vm.sigRowChanged.connect(self._sync_row)
        vm.sigDownloadProgress.connect(self._on_download)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change: the list is a
        non-modal window that stays open while the operator switches language); the rows are filled again."""
        self.setWindowTitle(self.tr("Exports"))
        self.columns = [
            self.tr("State"),
            self.tr("Cameras"),
            self.tr("Range"),
            self.tr("Reason"),
            self.tr("Size"),
            self.tr("Created"),
            self.tr("Expires"),
        ]
        self.tree.setHeaderLabels(self.columns)
        self.mine_check.setText(self.tr("Everyone's exports"))
        self.mine_check.setToolTip(self.tr("Show the exports of every user, not only yours"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.more_button.setText(self.tr("Load more"))
        self.cancel_button.setText(self.tr("Cancel export"))
        self.save_button.setText(self.tr("Save package…"))
        self.delete_button.setText(self.tr("Delete package…"))
        self.close_button.setText(self.tr("Close"))
        self._sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _button(self, slot) -> QPushButton:
        button = QPushButton(self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _spawn(self, coro) -> Any:
        self.task = self._vm.runner.spawn(coro, name="exports-dialog")
        return self.task

    def _spawn_task(self, task: Any) -> None:
        self.task = task

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._vm.set_active(True)

    def hideEvent(self, event) -> None:
        self._vm.set_active(False)
        super().hideEvent(event)

    # --- the selected export ----------------------------------------------------------------------------
    def selected(self) -> ExportOut | None:
        item = self.tree.currentItem()
        return self._vm.row(str(item.data(0, ID_ROLE))) if item is not None else None

    def select(self, export_id: str) -> bool:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, ID_ROLE) == export_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def row_texts(self, export_id: str) -> list[str]:
        """The texts shown in the row of ``export_id`` ([] when not listed)."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, ID_ROLE) == export_id:
                return [item.text(c) for c in range(len(self.columns))]
        return []

    # --- commands ---------------------------------------------------------------------------------------
    def cancel_selected(self) -> Any:
        export = self.selected()
        if export is None or not self._vm.may_cancel(export):
            return None
        return self._spawn(self._vm.cancel(export.id))

    def ask_path(self) -> QFileDialog | None:
        """ "Save package…": a non-modal file dialog for the selected export; the file goes to ``save_to``."""
        export = self.selected()
        if export is None or not self._vm.may_save(export):
            return None
        self._saving = export.id
        if self.save_dialog is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            dialog = QFileDialog(self, self.tr("Save the export package"))
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setNameFilters([self.tr("ZIP package (*.zip)")])
            dialog.setDefaultSuffix("zip")
            dialog.setDirectory(folder or str(Path.home()))
            dialog.fileSelected.connect(lambda path: self.save_to(path))
            self.save_dialog = dialog
        self.save_dialog.selectFile(f"export-{export.id}.zip")
        self.save_dialog.open()
        return self.save_dialog

    def save_to(self, path: str, export_id: str | None = None) -> Any:
        """Download the package of ``export_id`` (default: the one "Save package…" was asked for, else the
        selected one) to ``path``, checked against its SHA-256."""
        selected = self.selected()
        target = export_id or self._saving or (selected.id if selected is not None else None)
        if target is None:
            return None
        self.progress.setValue(0)
        return self._spawn(self._vm.save(target, path))

    def delete_selected(self) -> QMessageBox | None:
        """Ask (non-modal) whether to delete the selected package; "Yes" deletes it (``confirm.task``)."""
        export = self.selected()
        if export is None or not self._vm.may_delete(export):
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete export package"),
            self.tr(
                "Delete the package of this export now, before it expires?\n\n{0}\n{1}\n\n"
                "The record stays in the list and in the audit log."
            ).format(self._vm.range_text(export), export.reason),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.task = None  # type: ignore[attr-defined]

        def answered(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                box.task = self._spawn(self._vm.delete(export.id))  # type: ignore[attr-defined]

        box.buttonClicked.connect(answered)
        self.confirm = box
        box.open()
        return box

    def build_context_menu(self, export: ExportOut) -> QMenu:
        menu = QMenu(self)
        vm = self._vm
        if vm.may_cancel(export):
            menu.addAction(self.tr("Cancel export"), self.cancel_selected)
        if vm.may_save(export):
            menu.addAction(self.tr("Save package…"), self.ask_path)
        if vm.may_delete(export):
            menu.addAction(self.tr("Delete package…"), self.delete_selected)
        return menu

    def _context_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        export = self.selected()
        if export is None:
            return
        menu = self.build_context_menu(export)
        if not menu.isEmpty():
            menu.popup(self.tree.viewport().mapToGlobal(point))

    # --- view-model -> widgets --------------------------------------------------------------------------
    def _fill(self, item: QTreeWidgetItem, export: ExportOut) -> None:
        vm = self._vm
        texts = [
            vm.state_text(export),
            vm.cameras_text(export),
            vm.range_text(export),
            export.reason,
            vm.size_text(export),
            vm.created_text(export),
            vm.expires_text(export),
        ]
        for column, text in enumerate(texts):
            item.setText(column, text)
        item.setData(0, ID_ROLE, export.id)
        item.setForeground(0, QColor(STATE_COLOURS.get(export.status, "#8a94a3")))
        item.setToolTip(0, vm.error_text(export) or phase_text(export.phase))
        item.setToolTip(3, export.reason)

    def _sync(self) -> None:
        vm = self._vm
        current = self.selected()
        keep = current.id if current is not None else None
        self.tree.blockSignals(True)
        self.tree.clear()
        for export in vm.rows:
            item = QTreeWidgetItem(self.tree)
            self._fill(item, export)
            if export.id == keep:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self.summary_label.setText(vm.summary_text())
        self.more_button.setVisible(vm.has_more)
        self.more_button.setEnabled(not vm.busy)
        self.error_label.setText(vm.error)
        self.error_label.setVisible(bool(vm.error))
        self._sync_buttons()

    def _sync_row(self, export_id: str) -> None:
        export = self._vm.row(export_id)
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and export is not None and item.data(0, ID_ROLE) == export_id:
                self._fill(item, export)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        vm = self._vm
        export = self.selected()
        self.cancel_button.setEnabled(export is not None and vm.may_cancel(export))
        self.save_button.setEnabled(export is not None and vm.may_save(export))
        self.delete_button.setEnabled(export is not None and vm.may_delete(export))
        self.refresh_button.setEnabled(vm.available)
        if vm.downloading is not None:
            return  # the bar shows the download
        if export is None:
            self.progress.setValue(0)
            self.detail_label.setText("")
            return
        self.progress.setValue(round(1000 * (1.0 if export.status == "completed" else export.progress)))
        detail = vm.error_text(export) or (phase_text(export.phase) if export.status in ("queued", "running") else "")
        saved = vm.saved.get(export.id)
        if saved is not None:
            detail = self.tr("Saved to {0}; its SHA-256 matches the export's.").format(str(saved))
        elif export.sha256:
            detail = self.tr("SHA-256 {0}").format(export.sha256)
        self.detail_label.setText(detail)

    def _on_download(self, _export_id: str, written: int, total: int) -> None:
        if total > 0:
            self.progress.setValue(round(1000 * written / total))
        self.detail_label.setText(
            self.tr("Downloading… {0} of {1} MB").format(f"{written / 1e6:.1f}", f"{total / 1e6:.1f}" if total else "?")
        )

"""The main window's "Evidence" menu: "Exports…" (permission ``export``: the Exports list) and "Tags…"
(permission ``incidents``: the tag definitions), each visible only while the backend grants it; the menu (and
the menu bar when it holds nothing else) is hidden when neither is. A dialog open when its permission goes away
closes. Bound to the main view-model's ``exports`` (ExportsListViewModel) and ``tags`` (TagsViewModel).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from app.viewmodels.exports_list import ExportsListViewModel
from app.viewmodels.tag_admin import TagsViewModel

from .exports_dialog import ExportsDialog
from .tags_dialog import TagsDialog


class EvidenceMenu(QMenu):
    """See the module docstring. ``window``: the main window whose menu bar shows it (added here)."""

    def __init__(self, exports: ExportsListViewModel, tags: TagsViewModel, window: QMainWindow) -> None:
        super().__init__(window)
        self.setTitle(self.tr("Evidence"))
        self._exports = exports
        self._tags = tags
        self._window = window
        self.exports_dialog: ExportsDialog | None = None
        self.tags_dialog: TagsDialog | None = None
        self.exports_action = self._action(
            self.tr("Exports…"), self.tr("Your evidence exports: progress, packages, expiry")
        )
        self.exports_action.setShortcut(QKeySequence("Ctrl+E"))
        self.exports_action.triggered.connect(self.show_exports)
        self.tags_action = self._action(self.tr("Tags…"), self.tr("Define the tags, their colours and categories"))
        self.tags_action.triggered.connect(self.show_tags)
        window.menuBar().addMenu(self)
        exports.sigChanged.connect(self.sync)
        tags.sigChanged.connect(self.sync)
        self.sync()

    def _action(self, text: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        self.addAction(action)
        return action

    def sync(self) -> None:
        grants = (
            (self.exports_action, self._exports.available, self.exports_dialog),
            (self.tags_action, self._tags.can_edit, self.tags_dialog),
        )
        for action, granted, dialog in grants:
            if action.isVisible() != granted:
                action.setVisible(granted)
            action.setEnabled(granted)
            if not granted and dialog is not None and dialog.isVisible():
                dialog.close()
        visible = self.exports_action.isVisible() or self.tags_action.isVisible()
        if self.menuAction().isVisible() != visible:
            self.menuAction().setVisible(visible)
        bar = self._window.menuBar()
        bar.setVisible(any(action.isVisible() for action in bar.actions()))

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_exports(self) -> ExportsDialog | None:
        """Open (or raise) the Exports list; returns it (None without permission ``export``)."""
        if not self._exports.available:
            return None
        if self.exports_dialog is None:
            self.exports_dialog = ExportsDialog(self._exports, self._window)
        self._show(self.exports_dialog)
        return self.exports_dialog

    def show_tags(self) -> TagsDialog | None:
        """Open (or raise) the Tags dialog; returns it (None without permission ``incidents``)."""
        if not self._tags.can_edit:
            return None
        if self.tags_dialog is None:
            self.tags_dialog = TagsDialog(self._tags, self._window)
        else:
            self._tags.refresh()
        self._show(self.tags_dialog)
        return self.tags_dialog

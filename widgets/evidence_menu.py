"""The main window's "Evidence" menu: "Exports…" (permission ``export``: the Exports list) and "Tags…"
(permission ``incidents``: the tag definitions), each visible only while the backend grants it; the menu (and
the menu bar when it holds nothing else) is hidden when neither is. A dialog open when its permission goes away
closes. Bound to the main view-model's ``exports`` (ExportsListViewModel) and ``tags`` (TagsViewModel).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow

from app.viewmodels.exports_list import ExportsListViewModel
from app.viewmodels.tag_admin import TagsViewModel

from .exports_dialog import ExportsDialog
from .permission_menu import PermissionMenu
from .tags_dialog import TagsDialog


class EvidenceMenu(PermissionMenu):
    """See the module docstring. ``window``: the main window whose menu bar shows it (added here)."""

    def __init__(self, exports: ExportsListViewModel, tags: TagsViewModel, window: QMainWindow) -> None:
        super().__init__(window)
        self._exports = exports
        self._tags = tags
        self.exports_dialog: ExportsDialog | None = None
        self.tags_dialog: TagsDialog | None = None
        self.exports_action = self.add_entry()
        self.exports_action.setShortcut(QKeySequence("Ctrl+E"))
        self.exports_action.triggered.connect(self.show_exports)
        self.tags_action = self.add_entry()
        self.tags_action.triggered.connect(self.show_tags)
        exports.sigChanged.connect(self.sync)
        tags.sigChanged.connect(self.sync)
        self.retranslate()
        self.sync()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Evidence"))
        self.describe(
            self.exports_action, self.tr("Exports…"), self.tr("Your evidence exports: progress, packages, expiry")
        )
        self.describe(self.tags_action, self.tr("Tags…"), self.tr("Define the tags, their colours and categories"))

    def sync(self) -> None:
        self.apply_grants(
            (
                (self.exports_action, self._exports.available, self.exports_dialog),
                (self.tags_action, self._tags.can_edit, self.tags_dialog),
            )
        )

    def show_exports(self) -> ExportsDialog | None:
        """Open (or raise) the Exports list; returns it (None without permission ``export``)."""
        if not self._exports.available:
            return None
        if self.exports_dialog is None:
            self.exports_dialog = ExportsDialog(self._exports, self._window)
        self.raise_dialog(self.exports_dialog)
        return self.exports_dialog

    def show_tags(self) -> TagsDialog | None:
        """Open (or raise) the Tags dialog; returns it (None without permission ``incidents``)."""
        if not self._tags.can_edit:
            return None
        if self.tags_dialog is None:
            self.tags_dialog = TagsDialog(self._tags, self._window)
        else:
            self._tags.refresh()
        self.raise_dialog(self.tags_dialog)
        return self.tags_dialog

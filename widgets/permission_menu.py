"""A menu of the main window whose entries open dialogs the backend user may or may not use (the
Administration and Evidence menus): each entry shows only while its permission is granted, the menu hides when
none is, a dialog open when its permission goes away closes, and the texts follow the language at run time.

Subclasses create their actions with :meth:`PermissionMenu.add_entry`, set every text in ``retranslate()``
(called at the end of their ``__init__`` and on each language change) and call :meth:`apply_grants` from their
``sync()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

Grant = tuple[QAction, bool, QDialog | None]  # an entry, whether its permission is granted, its open dialog


class PermissionMenu(QMenu):
    """See the module docstring. ``window``: the main window whose menu bar shows the menu (added here)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        window.menuBar().addMenu(self)

    def add_entry(self) -> QAction:
        """A new entry (its text and tips are set in ``retranslate``)."""
        action = QAction(self)
        self.addAction(action)
        return action

    @staticmethod
    def describe(action: QAction, text: str, tip: str) -> None:
        """``action``'s text, and ``tip`` as its tooltip and status-bar tip."""
        action.setText(text)
        action.setStatusTip(tip)
        action.setToolTip(tip)

    def retranslate(self) -> None:
        """Every text in the current language (subclasses)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def apply_grants(self, grants: Iterable[Grant]) -> None:
        """Show the granted entries only, close the dialogs of the others, hide the menu when nothing is left
        (and the menu bar when it holds nothing shown)."""
        any_granted = False
        for action, granted, dialog in grants:
            if action.isVisible() != granted:
                action.setVisible(granted)
            action.setEnabled(granted)
            any_granted = any_granted or granted
            if not granted and dialog is not None and dialog.isVisible():
                dialog.close()
        if self.menuAction().isVisible() != any_granted:
            self.menuAction().setVisible(any_granted)
        bar = self._window.menuBar()
        bar.setVisible(any(action.isVisible() for action in bar.actions()))

    @staticmethod
    def raise_dialog(dialog: QDialog) -> None:
        """Show ``dialog`` (non-modal) in front."""
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

"""The main window's "Walls" menu: new wall windows, moving the wall to another screen, saved layouts.

"New wall window" opens a full-screen wall on the next screen; "Move wall to screen ▸" lists the connected
screens by name and model (primary marked) and moves the main wall's cameras to a full-screen window there;
"Open layout ▸" lists the layouts saved in the backend (own and shared; read again each time the menu opens).
It also makes the window of every detached wall the view-model opens (``WallWindowsViewModel.sigWallOpened``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.i18n import LanguageChangeWatcher
from app.viewmodels.settings_tiles import TileBehaviour
from app.viewmodels.wall import WallViewModel
from app.viewmodels.wall_screens import ScreenInfo
from app.viewmodels.wall_windows import DetachedWall, WallWindowsViewModel

from .wall_window import WallWindow


class WallsMenu(QObject):
    """``button`` (a tool button with the menu) for the toolbar; ``windows`` the open wall windows."""

    def __init__(
        self,
        walls: WallViewModel,
        windows_vm: WallWindowsViewModel,
        parent: QWidget,
        behaviour: TileBehaviour | None = None,
    ) -> None:
        super().__init__(parent)
        self._main_wall, self._vm, self._parent = walls, windows_vm, parent
        self._behaviour = behaviour
        self.windows: list[WallWindow] = []
        self.menu = QMenu(parent)
        self.new_action = QAction(parent)
        self.new_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_action.triggered.connect(lambda: self._vm.new_wall())
        parent.addAction(self.new_action)
        self.menu.addAction(self.new_action)
        self.move_menu = self.menu.addMenu("")
        self.move_menu.aboutToShow.connect(self._fill_screens)
        self.menu.addSeparator()
        self.layouts_menu = self.menu.addMenu("")
        self.layouts_menu.aboutToShow.connect(self._fill_layouts)
        self.menu.aboutToShow.connect(self._vm.refresh_later)
        windows_vm.sigLayoutsChanged.connect(self._fill_layouts)
        windows_vm.sigWallOpened.connect(self._open_window)
        self.button = QToolButton(parent)
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.retranslate()
        LanguageChangeWatcher(self, self.retranslate)

    def retranslate(self) -> None:
        """Texts in the current language (the screens and layouts submenus are filled as they open)."""
        self.new_action.setText(self.tr("New wall window"))
        self.move_menu.setTitle(self.tr("Move wall to screen"))
        self.layouts_menu.setTitle(self.tr("Open layout"))
        self.button.setText(self.tr("Walls"))
        self.button.setToolTip(self.tr("Wall windows on other screens and saved layouts"))

    def _fill_screens(self) -> None:
        self.move_menu.clear()
        for index, screen in enumerate(self._vm.screens()):
            label = screen.identity.label or self.tr("Screen {0}").format(index + 1)
            if screen.primary:
                label = self.tr("{0} (primary)").format(label)
            action = self.move_menu.addAction(label)
            action.triggered.connect(lambda _c=False, s=screen: self._move_to(s))

    def _move_to(self, screen: ScreenInfo) -> None:
        self._vm.move_wall(self._main_wall, screen)

    def _fill_layouts(self) -> None:
        self.layouts_menu.clear()
        layouts = self._vm.layouts
        if not layouts:
            empty = self.layouts_menu.addAction(self.tr("No saved layouts"))
            empty.setEnabled(False)
        for out in layouts:
            label = out.name if not out.shared else self.tr("{0} (shared by {1})").format(out.name, out.owner)
            action = self.layouts_menu.addAction(label)
            action.triggered.connect(lambda _c=False, o=out: self._vm.open_layouts([o]))

    def _open_window(self, entry: DetachedWall) -> WallWindow:
        window = WallWindow(entry, self._vm, behaviour=self._behaviour)
        self.windows.append(window)
        window.destroyed.connect(lambda _o=None, w=window: self._forget(w))
        window.place()
        return window

    def _forget(self, window: WallWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def close_all(self) -> None:
        """Close every wall window (the application shuts down)."""
        for window in list(self.windows):
            window.close()

"""A detached video wall: a top-level window with its own wall, on any screen, usually full screen.

It binds to a ``DetachedWall`` (``app.viewmodels.wall_windows``): it opens on the placement's screen (its saved
frame, or full screen), reports moves and resizes back so a saved layout remembers them, and closes the wall's
streams when it closes. In a window a header row offers the grid, the carousel (with its interval) and "Save
layout…"; full screen shows the tiles alone. F11 toggles full screen, Esc leaves it, Ctrl+W closes. Clicks,
drops and menus on the tiles pause the carousel for one interval.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels import Layout
from app.viewmodels.settings_tiles import TileBehaviour
from app.viewmodels.wall_carousel import MAX_INTERVAL_S, MIN_INTERVAL_S
from app.viewmodels.wall_screens import Rect, match_screen, screen_info
from app.viewmodels.wall_windows import DetachedWall, WallWindowsViewModel

from .video_wall import VideoWall

INTERACTIONS = (QEvent.Type.MouseButtonPress, QEvent.Type.Drop, QEvent.Type.ContextMenu, QEvent.Type.Wheel)


class SaveLayoutDialog(QDialog):
    """Asks for a layout's name and whether everyone may open it."""

    def __init__(self, name: str, shared: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Save wall layout"))
        form = QFormLayout(self)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setMaxLength(100)
        form.addRow(self.tr("Name"), self.name_edit)
        self.shared_box = QCheckBox(self.tr("Share with every user"), self)
        self.shared_box.setChecked(shared)
        form.addRow("", self.shared_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(bool(text.strip()))
        )
        form.addRow(buttons)


class WallWindow(QWidget):
    """The window of ``entry``; ``walls`` saves its layout. Deletes itself when closed."""

    def __init__(
        self,
        entry: DetachedWall,
        walls: WallWindowsViewModel,
        parent: QWidget | None = None,
        behaviour: TileBehaviour | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._entry, self._walls = entry, walls
        self._ready = False  # moves and resizes are reported once placed
        self._normal_frame: QRect | None = None  # the windowed frame to return to from full screen
        self.wall = VideoWall(entry.wall, self, behaviour=behaviour)
        self.wall.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # tile 1 top-left in every language (main window)
        self.header = QWidget(self)
        self._build_header()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.header)
        outer.addWidget(self.wall, 1)
        for keys, slot in (("F11", self.toggle_full_screen), ("Esc", self.leave_full_screen), ("Ctrl+W", self.close)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)
        entry.sigTitleChanged.connect(self._sync_title)
        entry.wall.sigLayoutChanged.connect(self._watch_tiles)
        entry.wall.sigLayoutChanged.connect(self._sync_header)
        entry.carousel.sigChanged.connect(self._sync_header)
        self._watch_tiles()
        self._sync_title()
        self._sync_header()

    @property
    def entry(self) -> DetachedWall:
        return self._entry

    def _build_header(self) -> None:
        row = QHBoxLayout(self.header)
        row.setContentsMargins(8, 4, 8, 4)
        self.title_label = QLabel(self.header)
        row.addWidget(self.title_label, 1)
        self.grid_combo = QComboBox(self.header)
        for layout in Layout:
            self.grid_combo.addItem(layout.value.replace("x", "×"), layout)
        self.grid_combo.activated.connect(lambda i: self._entry.wall.set_layout(self.grid_combo.itemData(i)))
        row.addWidget(self.grid_combo)
        self.carousel_button = QPushButton(self.header)
        self.carousel_button.setCheckable(True)
        self.carousel_button.toggled.connect(self._on_carousel_toggled)
        row.addWidget(self.carousel_button)
        self.interval_box = QSpinBox(self.header)
        self.interval_box.setRange(MIN_INTERVAL_S, MAX_INTERVAL_S)
        self.interval_box.setValue(self._entry.carousel.interval_s)
        row.addWidget(self.interval_box)
        self.save_button = QPushButton(self.header)
        self.save_button.clicked.connect(self.ask_save)
        row.addWidget(self.save_button)
        self.full_button = QPushButton(self.header)
        self.full_button.clicked.connect(self.toggle_full_screen)
        row.addWidget(self.full_button)
        self.retranslate()

    def retranslate(self) -> None:
        """The header's texts and the title in the current language (at build and on a language change)."""
        self.carousel_button.setToolTip(self.tr("Cycle the wall's cameras through the tiles"))
        self.interval_box.setSuffix(self.tr(" s"))
        self.interval_box.setToolTip(self.tr("Seconds between carousel steps"))
        self.save_button.setText(self.tr("Save layout…"))
        self.full_button.setText(self.tr("Full screen (F11)"))
        self._sync_title()
        self._sync_header()

    # --- placement --------------------------------------------------------------------------------------
    def place(self) -> None:
        """Open on the placement's screen: full screen, or at its saved frame (else most of that screen)."""
        placement = self._entry.placement
        if placement is not None:
            screens = QGuiApplication.screens()
            infos = [screen_info(s) for s in screens]
            found = match_screen(placement.screen.identity, infos)
            if found is not None:
                screen = screens[infos.index(found)]
                self.setScreen(screen)
                area = found.available
                frame = placement.geometry or Rect(
                    area.x + area.width // 10, area.y + area.height // 10, area.width * 4 // 5, area.height * 4 // 5
                )
                self.resize(frame.width, frame.height)
                self.move(frame.x, frame.y)  # the window frame's corner (saved from frameGeometry)
                self._normal_frame = QRect(frame.x, frame.y, frame.width, frame.height)
        self._ready = True
        if placement is not None and placement.full_screen:
            self._show_full_screen()
        else:
            self.show()
        self._report()

    def _show_full_screen(self) -> None:
        # Without a window manager (a kiosk X server, Xvfb) full screen is only a state: cover the screen too.
        # The geometry is set first (setting it afterwards ends the full-screen state) and the frame kept for
        # leaving full screen again.
        screen = self.screen()
        if self.isVisible() and not self.isFullScreen():
            self._normal_frame = self.geometry()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()

    def _show_normal(self) -> None:
        self.showNormal()
        if self._normal_frame is not None:
            self.setGeometry(self._normal_frame)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self._show_normal()
        else:
            self._show_full_screen()
        self._report()

    def leave_full_screen(self) -> None:
        if self.isFullScreen():
            self._show_normal()
            self._report()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._sync_header()
            self._report()
        elif event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self._report()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._report()

    def _report(self) -> None:
        if not self._ready:
            return
        screen = self.screen()
        identity = screen_info(screen).identity if screen is not None else self._entry.screen
        corner, size = self.frameGeometry().topLeft(), self.size()
        self._entry.note_geometry(
            identity, Rect(corner.x(), corner.y(), size.width(), size.height()), self.isFullScreen()
        )

    # --- header -----------------------------------------------------------------------------------------
    def _sync_title(self) -> None:
        self.setWindowTitle(self.tr("Control Room — {0}").format(self._entry.title))
        self.title_label.setText(self._entry.title)

    def _sync_header(self, *_args) -> None:
        self.header.setVisible(not self.isFullScreen())
        self.grid_combo.setCurrentIndex(self.grid_combo.findData(self._entry.wall.layout))
        carousel = self._entry.carousel
        self.carousel_button.blockSignals(True)
        self.carousel_button.setChecked(carousel.running)
        self.carousel_button.blockSignals(False)
        if carousel.running:
            self.carousel_button.setText(self.tr("Carousel {0}/{1}").format(carousel.page + 1, carousel.page_count))
        else:
            self.carousel_button.setText(self.tr("Carousel"))

    def _on_carousel_toggled(self, on: bool) -> None:
        carousel = self._entry.carousel
        if on:
            cameras = carousel.cameras or [c for c in self._entry.wall.layout_camera_ids if c]
            carousel.start(cameras, self.interval_box.value())
        else:
            carousel.stop()

    def ask_save(self) -> SaveLayoutDialog:
        """Open the Save dialog (non-blocking); returns it so tests can drive it."""
        dialog = SaveLayoutDialog(self._entry.title, self._entry.shared, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._walls.save_later(self._entry, dialog.name_edit.text().strip(), dialog.shared_box.isChecked())
        )
        dialog.open()
        return dialog

    # --- interaction pauses the carousel ----------------------------------------------------------------
    def _watch_tiles(self) -> None:
        for tile in self.wall.tiles:
            tile.removeEventFilter(self)
            tile.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INTERACTIONS:
            self._entry.carousel.note_interaction()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        self._entry.close()
        super().closeEvent(event)

"""The operator's main window: camera tree dock, video wall, recording dock, layout toolbar and status bar.

"View recordings" (toolbar, camera tree button or context menu) replaces the wall with the recordings panel (player
over timeline) until "Back to live". "Detections" (toolbar, Ctrl+D) shows the detections search panel as a tab
beside the recording dock; it exists only while the backend is usable and the user may view (the action is
disabled otherwise, and the operator's choice comes back with the backend). The status bar shows the XProtect
connection, the backend's state (bundled or remote, with its health problems in the tooltip), each agency's
stream quota meter (with a backend) and the live tile count; recording notifications also pop up as toasts over
the wall.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from app.viewmodels import Layout, MainViewModel

from .admin_menu import AdminMenu
from .camera_tree import CameraTreePanel
from .detection_search import DetectionSearchPanel
from .evidence_menu import EvidenceMenu
from .incidents_panel import IncidentsPanel
from .login_dialog import LoginDialog
from .notifications import ToastStack
from .playback_panel import PlaybackPanel
from .quota_meters import QuotaMeters
from .recording_marks import WallRecordingMarks
from .recording_panel import RecordingPanel
from .settings_dialog import SettingsDialog
from .video_wall import VideoWall
from .view_menu import ViewMenu
from .wall_menu import WallsMenu

DETECTIONS_WIDTH = 470  # the detections dock's width when shown: two columns of result cards
STATUS_COLOURS = {"ok": "#2ea043", "busy": "#d29922", "warning": "#d29922", "error": "#f85149", "off": "#6e7681"}

# Layouts with a toolbar button of their own; the larger grids are in the "More" menu.
PRIMARY_LAYOUTS = (Layout.ONE, Layout.TWO, Layout.THREE, Layout.FOUR, Layout.HOTSPOT)


def layout_icon(layout: Layout) -> QIcon:
    """A 20x20 glyph of the layout's cells."""
    pixmap = QPixmap(40, 40)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#aab4c0"))
    cells = layout.cells
    n = max(c.row + c.row_span for c in cells)
    unit, gap = 16.0 / n, 1.5
    for c in cells:
        p.drawRoundedRect(
            QRectF(2 + c.column * unit, 2 + c.row * unit, c.column_span * unit - gap, c.row_span * unit - gap), 1, 1
        )
    p.end()
    return QIcon(pixmap)


class MainWindow(QMainWindow):
    """Binds to a MainViewModel. ``sigCloseRequested`` tells the application to shut down (streams, session)."""

    sigCloseRequested = Signal()

    def __init__(self, vm: MainViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self._login_dialog: LoginDialog | None = None
        self._settings_dialog: SettingsDialog | None = None
        self.resize(1600, 900)
        self.wall = VideoWall(vm.wall, self, behaviour=vm.tile_behaviour)
        # Deliberate: the wall's grid keeps tile 1 top-left in every language. A saved layout, the tile numbers
        # and "the camera at the top left" are shared by operators working in English and in Arabic and match
        # the physical monitors, so the grid is not mirrored; text inside a tile is still shaped and isolated.
        self.wall.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.playback_panel = PlaybackPanel(vm.playback, self, evidence=vm.evidence)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.wall)
        self.pages.addWidget(self.playback_panel)
        self.setCentralWidget(self.pages)
        self.tree_panel = CameraTreePanel(vm.tree, vm.tree_proxy, vm.wall, self)
        self.camera_dock = dock = QDockWidget(self)
        dock.setObjectName("cameraDock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        dock.setWidget(self.tree_panel)
        dock.setMinimumWidth(260)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.recording_panel = RecordingPanel(vm.recording, self)
        self.recording_dock = rec_dock = QDockWidget(self)
        rec_dock.setObjectName("recordingDock")
        rec_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        rec_dock.setWidget(self.recording_panel)
        rec_dock.setMinimumWidth(280)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, rec_dock)
        self.resizeDocks([dock, rec_dock], [330, 320], Qt.Orientation.Horizontal)
        self.detection_panel = DetectionSearchPanel(vm.detection_search, self)
        self.detection_dock = QDockWidget(self)
        self.detection_dock.setObjectName("detectionDock")
        self.detection_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.detection_dock.setWidget(self.detection_panel)
        self.tabifyDockWidget(rec_dock, self.detection_dock)  # a tab beside Recording while it is shown
        self.detection_dock.visibilityChanged.connect(self.detection_panel.grid.schedule_visible)  # tab changes
        self.detection_dock.hide()
        self.incidents_panel = IncidentsPanel(vm.incidents, self)
        self.incidents_dock = QDockWidget(self)
        self.incidents_dock.setObjectName("incidentsDock")
        self.incidents_dock.setFeatures(self.detection_dock.features())
        self.incidents_dock.setWidget(self.incidents_panel)
        self.tabifyDockWidget(self.detection_dock, self.incidents_dock)  # a tab beside Detections
        self.incidents_dock.hide()
        self._incidents_wanted = False
        self._detections_wanted = False  # the operator's choice, restored when the backend is usable again
        self._hiding_detections = False
        self.recording_marks = WallRecordingMarks(self.wall, vm.wall, vm.recording)
        self.toasts = ToastStack(self.wall)
        self.toasts.setLayoutDirection(QApplication.layoutDirection())  # messages read in the language's direction
        self.tree_panel.sigCameraSelected.connect(vm.recording.select_camera)
        self.tree_panel.sigViewRecordings.connect(vm.view_recordings)
        vm.playback.sigOpened.connect(self._show_recordings)
        vm.playback.sigClosed.connect(self._show_wall)
        vm.recording.sigSelectionChanged.connect(lambda: self.tree_panel.select_camera(vm.recording.camera_id))
        vm.recording.sigNotice.connect(lambda text: self.toasts.show_message(text, "recording"))
        self._build_toolbar()
        self._build_status_bar()
        vm.detection_search.sigStateChanged.connect(self._sync_detections)
        self._sync_detections()
        vm.incidents.sigStateChanged.connect(self._sync_incidents)
        self._sync_incidents()
        self._build_file_menu()
        self.evidence_menu = EvidenceMenu(vm.exports, vm.tags, self)  # hidden without export / incidents
        vm.evidence.sigExportsRequested.connect(self.evidence_menu.show_exports)
        self.admin_menu = AdminMenu(vm.admin, self)  # hidden unless the backend user may administer
        self.view_menu = ViewMenu(self, vm.settings.remember)  # View ▸ Language / Calendar, switched at run time
        vm.backend_status.sigChanged.connect(self._on_backend_status)
        vm.sigConnectionChanged.connect(self._on_connection)
        vm.sigLiveCountChanged.connect(self._on_live_count)
        vm.wall.sigLayoutChanged.connect(self._sync_layout_actions)
        vm.notifier.sigError.connect(lambda text: self.statusBar().showMessage(text, 15000))
        vm.notifier.sigInfo.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.retranslate()
        if vm.startup_notice:  # a damaged settings file was reset: say so once the window shows
            QTimer.singleShot(0, self._show_startup_notice)

    def retranslate(self) -> None:
        """Set every text of the window in the current language (from ``__init__`` and on a language change).

        Child panels retranslate themselves (each gets the LanguageChange event); the texts computed from
        view-model state (connection, backend, live count, tooltips with shortcuts) are set again here.
        """
        self.setWindowTitle(
            self.tr("Control Room — Recordings")
            if self.pages.currentWidget() is self.playback_panel
            else self.tr("Control Room — Live")
        )
        self.toasts.setLayoutDirection(QApplication.layoutDirection())  # the wall is LTR; its messages are not
        self.camera_dock.setWindowTitle(self.tr("Cameras"))
        self.recording_dock.setWindowTitle(self.tr("Recording"))
        self.detection_dock.setWindowTitle(self.tr("Detections"))
        self.incidents_dock.setWindowTitle(self.tr("Incidents"))
        self.toolbar.setWindowTitle(self.tr("Wall"))
        self.layout_label.setText(self.tr("Layout"))
        for layout, action in self.layout_actions.items():
            action.setToolTip(self.tr("Show the wall as {0}").format(layout.value))
        self.more_button.setText(self.tr("More"))
        self.more_button.setToolTip(self.tr("Larger walls"))
        self.recordings_action.setText(self.tr("View recordings"))
        self.recordings_action.setToolTip(self.tr("Timeline and player of the selected camera"))
        self.wall_recordings_action.setText(self.tr("Wall recordings"))
        self.wall_recordings_action.setToolTip(self.tr("Play back every camera of the wall in sync"))
        self.live_action.setText(self.tr("Live"))
        self.live_action.setToolTip(self.tr("Close the recordings and show the live wall"))
        self.detections_action.setText(self.tr("Detections"))
        self.incidents_action.setText(self.tr("Incidents"))
        self._sync_detections()
        self._sync_incidents()
        self._on_connection()
        self._on_backend_status()
        self._on_live_count(self._vm.wall.live_count, self._vm.wall.assigned_count)
        self._retranslate_file_menu()

    def _build_file_menu(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.show_settings)
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)

    def _retranslate_file_menu(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.settings_action.setText(self.tr("&Settings…"))
        self.settings_action.setStatusTip(self.tr("Servers, language, video, tiles, recording and backend"))
        self.quit_action.setText(self.tr("&Quit"))

    def _show_startup_notice(self) -> None:
        text = self._vm.startup_notice
        self.statusBar().showMessage(text, 60000)
        self.toasts.show_message(text, "error")

    def show_settings(self) -> SettingsDialog:
        """Open (or raise) the Settings dialog (window-modal, non-blocking); returns it."""
        if self._settings_dialog is None:
            self._settings_dialog = SettingsDialog(self._vm.settings, self)
            self._settings_dialog.setModal(True)
            self._settings_dialog.finished.connect(self._forget_settings_dialog)
        self._settings_dialog.open()
        return self._settings_dialog

    def _forget_settings_dialog(self) -> None:
        dialog, self._settings_dialog = self._settings_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _build_toolbar(self) -> None:
        self.toolbar = bar = QToolBar(self)
        bar.setObjectName("wallToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.login_action = QAction(self)
        self.login_action.triggered.connect(self.show_login)
        bar.addAction(self.login_action)
        bar.addSeparator()
        self.layout_label = QLabel(bar)
        bar.addWidget(self.layout_label)
        self.layout_actions: dict[Layout, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        more = QMenu(self)
        for layout in Layout:
            action = QAction(layout_icon(layout), layout.value.replace("x", "×"), self)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, lay=layout: self._vm.wall.set_layout(lay))
            group.addAction(action)
            if layout in PRIMARY_LAYOUTS:
                bar.addAction(action)
            else:
                more.addAction(action)
            self.layout_actions[layout] = action
        self.more_button = more_button = QToolButton(bar)
        more_button.setMenu(more)
        more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(more_button)
        self.walls_menu = WallsMenu(self._vm.wall, self._vm.walls, self, self._vm.tile_behaviour)  # detached walls
        bar.addWidget(self.walls_menu.button)
        bar.addSeparator()
        self.recordings_action = QAction(self)
        self.recordings_action.triggered.connect(lambda: self._vm.view_recordings())
        bar.addAction(self.recordings_action)
        self.wall_recordings_action = QAction(self)
        self.wall_recordings_action.triggered.connect(self._vm.view_wall_recordings)
        bar.addAction(self.wall_recordings_action)
        self.live_action = QAction(self)
        self.live_action.triggered.connect(self._vm.playback.back_to_live)
        self.live_action.setVisible(False)
        bar.addAction(self.live_action)
        bar.addSeparator()
        self.detections_action = self.detection_dock.toggleViewAction()
        self.detections_action.setShortcut(QKeySequence("Ctrl+D"))
        self.detections_action.toggled.connect(self._on_detections_toggled)
        bar.addAction(self.detections_action)
        self.incidents_action = self.incidents_dock.toggleViewAction()
        self.incidents_action.setShortcut(QKeySequence("Ctrl+I"))
        self.incidents_action.toggled.connect(self._on_incidents_toggled)
        bar.addAction(self.incidents_action)
        self._sync_layout_actions()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_status_bar(self) -> None:
        self.connection_label = QLabel(self)
        self.connection_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.backend_label = QLabel(self)
        self.live_label = QLabel(self)
        self.quota_meters = QuotaMeters(self._vm.quota_meter, self)
        self.statusBar().addPermanentWidget(self.connection_label)
        self.statusBar().addPermanentWidget(self.backend_label)
        self.statusBar().addPermanentWidget(self.quota_meters)
        self.statusBar().addPermanentWidget(self.live_label)
        self.statusBar().setSizeGripEnabled(False)

    def _show_recordings(self) -> None:
        self.pages.setCurrentWidget(self.playback_panel)
        self.retranslate()  # the window title names the page
        self.live_action.setVisible(True)
        self.playback_panel.setFocus()

    def _show_wall(self) -> None:
        self.pages.setCurrentWidget(self.wall)
        self.retranslate()
        self.live_action.setVisible(False)

    def _on_detections_toggled(self, shown: bool) -> None:
        if not self._hiding_detections:
            self._detections_wanted = shown
        if shown:
            QTimer.singleShot(0, self._raise_detections)  # once the tab exists: a direct raise is too early

    def _raise_detections(self) -> None:
        """Bring the shown panel's tab to the front, two columns of cards wide when the window has room."""
        if self.detection_dock.isHidden():
            return
        self.detection_dock.raise_()
        width = min(DETECTIONS_WIDTH, max(self.detection_dock.width(), self.width() // 3))
        self.resizeDocks([self.detection_dock], [width], Qt.Orientation.Horizontal)
        self.detection_panel.grid.setFocus()

    def _sync_detections(self) -> None:
        """The panel only exists for a usable backend and a user who may view: hidden (and its action off)
        otherwise; the operator's choice comes back with the backend."""
        available = self._vm.detection_search.available
        self.detections_action.setEnabled(available)
        shortcut = self.detections_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        reason = self._vm.detection_search.unavailable_reason or self.tr("Search what the backend's detectors found")
        self.detections_action.setToolTip(f"{reason} ({shortcut})")
        if not available and not self.detection_dock.isHidden():
            self._hiding_detections = True
            self.detection_dock.hide()
            self._hiding_detections = False
        elif available and self._detections_wanted and self.detection_dock.isHidden():
            self.detection_dock.show()

    def _on_incidents_toggled(self, shown: bool) -> None:
        if not self._hiding_detections:
            self._incidents_wanted = shown
        self._vm.incidents.set_active(shown)
        if shown:
            QTimer.singleShot(0, self._raise_incidents)

    def _raise_incidents(self) -> None:
        if not self.incidents_dock.isHidden():
            self.incidents_dock.raise_()
            self.resizeDocks([self.incidents_dock], [DETECTIONS_WIDTH], Qt.Orientation.Horizontal)
            self.incidents_panel.search_edit.setFocus()

    def _sync_incidents(self) -> None:
        """Like the detections panel: only for a usable backend and a user who may view."""
        available = self._vm.incidents.available
        self.incidents_action.setEnabled(available)
        shortcut = self.incidents_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.incidents_action.setToolTip(self.tr("Search and edit incidents ({0})").format(shortcut))
        if not available and not self.incidents_dock.isHidden():
            self._hiding_detections = True
            self.incidents_dock.hide()
            self._hiding_detections = False
        elif available and self._incidents_wanted and self.incidents_dock.isHidden():
            self.incidents_dock.show()

    def _sync_layout_actions(self) -> None:
        self.layout_actions[self._vm.wall.layout].setChecked(True)

    def _on_connection(self) -> None:
        colour = "#2ea043" if self._vm.connected else ("#d29922" if self._vm.login.busy else "#6e7681")
        text = html.escape(self._vm.connection_text)
        self.connection_label.setText(f"<span style='color:{colour}'>●</span>&nbsp; {text}")
        self.login_action.setText(self.tr("Switch server…") if self._vm.connected else self.tr("Log in…"))

    def _on_backend_status(self) -> None:
        status = self._vm.backend_status
        colour = STATUS_COLOURS.get(status.severity, STATUS_COLOURS["off"])
        self.backend_label.setText(f"<span style='color:{colour}'>●</span>&nbsp; {html.escape(status.text)}")
        self.backend_label.setToolTip(status.details)

    def _on_live_count(self, live: int, assigned: int) -> None:
        self.live_label.setText(self.tr("Live tiles: {0} of {1}").format(live, assigned))

    def show_login(self) -> LoginDialog:
        """Open the login dialog (non-blocking); returns it so callers and tests can drive it."""
        if self._login_dialog is None:
            self._login_dialog = LoginDialog(self._vm.login, self)
            self._login_dialog.finished.connect(self._forget_login_dialog)
        self._login_dialog.open()
        return self._login_dialog

    def _forget_login_dialog(self) -> None:
        dialog, self._login_dialog = self._login_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.walls_menu.close_all()
        self.sigCloseRequested.emit()
        super().closeEvent(event)

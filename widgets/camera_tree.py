"""The camera tree panel: a search box over a tree of recording servers and their cameras (a drag source).

Cameras recording now carry a red "REC" badge (painted by ``CameraItemDelegate`` from the model's
``RecordingRole``); selecting a camera emits ``sigCameraSelected`` (the recording section follows it).
"View recordings" (the button under the tree, or a camera's context menu) emits ``sigViewRecordings``.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels import CameraFilterProxy, CameraTreeModel, WallViewModel
from app.viewmodels.camera_tree import CameraIdRole, KindRole, RecordingRole

REC_RED = "#e5484d"


class CameraItemDelegate(QStyledItemDelegate):
    """The default item painting plus a red "● REC" badge at the row's end for cameras recording now."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex):
        if not index.data(RecordingRole):
            super().paint(painter, option, index)
            return
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 2))
        font.setWeight(QFont.Weight.Bold)
        text = "REC"  # the international recording mark, as on cameras and recorders (not translated)
        width = QFontMetrics(font).horizontalAdvance(text) + 20
        rect = QRectF(option.rect)
        rtl = option.direction == Qt.LayoutDirection.RightToLeft
        # The row's background across its whole width, then the item (name elided) beside the badge.
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        style = full.widget.style() if full.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, full.widget)
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(width + 8, 0, 0, 0) if rtl else option.rect.adjusted(0, 0, -(width + 8), 0)
        super().paint(painter, narrowed, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = rect.left() + 4 if rtl else rect.right() - width - 4
        badge = QRectF(x, rect.center().y() - 8, width, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(229, 72, 77, 50))
        painter.drawRoundedRect(badge, 8, 8)
        painter.setBrush(QColor(REC_RED))
        painter.drawEllipse(QPointF(badge.left() + 8, badge.center().y()), 3.5, 3.5)
        painter.setFont(font)
        painter.setPen(QColor("#ff9592"))
        painter.drawText(badge.adjusted(14, 0, -4, 0), Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class CameraTreePanel(QWidget):
    """Search box + tree bound to ``tree``/``proxy``; dragging a camera carries its id (CAMERA_MIME_TYPE).

    Double-clicking a camera shows it on the wall's first empty tile (or the last tile when all are in use).
    Signals: ``sigCameraSelected(str camera_id)`` when a camera row becomes the current selection;
    ``sigViewRecordings(list camera_ids)`` for "View recordings" (button or context menu).
    """

    sigCameraSelected = Signal(str)
    sigViewRecordings = Signal(list)

    def __init__(
        self, tree: CameraTreeModel, proxy: CameraFilterProxy, wall: WallViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._tree, self._proxy, self._wall = tree, proxy, wall
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.view = QTreeView(self)
        self.view.setModel(proxy)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setAnimated(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setIndentation(14)
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.setItemDelegate(CameraItemDelegate(self.view))
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.count = QLabel(self)
        self.count.setObjectName("muted")
        self.recordings_button = QPushButton(self)
        self.recordings_button.setAutoDefault(False)
        self.recordings_button.setEnabled(False)
        self.recordings_button.clicked.connect(self._view_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.recordings_button)
        for signal in (proxy.modelReset, proxy.rowsInserted, proxy.layoutChanged):
            signal.connect(self._refresh)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change)."""
        if not shiboken6.isValid(self._proxy):
            return  # a panel outliving its view-model (tests): nothing to show
        self.search.setPlaceholderText(self.tr("Search cameras"))
        self.recordings_button.setText(self.tr("View recordings"))
        self.recordings_button.setToolTip(self.tr("Open the timeline and the player for the selected camera"))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _on_search(self, text: str) -> None:
        self._proxy.set_search_text(text)
        self._refresh()

    def _refresh(self, *_args) -> None:
        self.view.expandAll()
        total = self._tree.camera_count()
        shown = self._visible_cameras()
        if self.search.text().strip():
            self.count.setText(self.tr("Cameras found: {0} of {1}").format(shown, total))
        else:
            self.count.setText(self.tr("Cameras: {0}").format(total))

    def _visible_cameras(self) -> int:
        proxy = self._proxy
        return sum(proxy.rowCount(proxy.index(row, 0)) for row in range(proxy.rowCount()))

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.recordings_button.setEnabled(bool(self.selected_camera()))
        for index in selected.indexes():
            if index.data(KindRole) == "camera":
                self.sigCameraSelected.emit(str(index.data(CameraIdRole)))
                return

    def selected_camera(self) -> str:
        """The id of the camera selected in the tree ("" when none)."""
        for index in self.view.selectionModel().selectedIndexes():
            if index.data(KindRole) == "camera":
                return str(index.data(CameraIdRole))
        return ""

    def _view_selected(self) -> None:
        camera_id = self.selected_camera()
        if camera_id:
            self.sigViewRecordings.emit([camera_id])

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.data(KindRole) != "camera":
            return
        camera_id = str(index.data(CameraIdRole))
        menu = QMenu(self)
        action = menu.addAction(self.tr("View recordings"))
        action.triggered.connect(lambda: self.sigViewRecordings.emit([camera_id]))
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def select_camera(self, camera_id: str | None) -> None:
        """Show ``camera_id`` as the tree's selection (no signal for it); None clears the selection."""
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        try:
            selection.clearSelection()
            if camera_id:
                proxy = self._proxy
                for row in range(proxy.rowCount()):
                    server = proxy.index(row, 0)
                    for child in range(proxy.rowCount(server)):
                        index = proxy.index(child, 0, server)
                        if str(index.data(CameraIdRole)).lower() == camera_id.lower():
                            selection.select(index, selection.SelectionFlag.ClearAndSelect)
                            self.view.scrollTo(index)
                            return
        finally:
            selection.blockSignals(False)
            self.view.viewport().update()
            self.recordings_button.setEnabled(bool(self.selected_camera()))

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.data(KindRole) != "camera":
            return
        tiles = self._wall.tiles
        free = next((t.index for t in tiles if t.camera is None), len(tiles) - 1)
        self._wall.assign_camera(free, index.data(CameraIdRole))

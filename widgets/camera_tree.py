"""The camera tree panel: a search box over a tree of recording servers and their cameras (a drag source)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from app.viewmodels import CameraFilterProxy, CameraTreeModel, WallViewModel
from app.viewmodels.camera_tree import CameraIdRole, KindRole


class CameraTreePanel(QWidget):
    """Search box + tree bound to ``tree``/``proxy``; dragging a camera carries its id (CAMERA_MIME_TYPE).

    Double-clicking a camera shows it on the wall's first empty tile (or the last tile when all are in use).
    """

    def __init__(
        self, tree: CameraTreeModel, proxy: CameraFilterProxy, wall: WallViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._tree, self._proxy, self._wall = tree, proxy, wall
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search cameras"))
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
        self.count = QLabel(self)
        self.count.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        for signal in (proxy.modelReset, proxy.rowsInserted, proxy.layoutChanged):
            signal.connect(self._refresh)
        self._refresh()

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

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.data(KindRole) != "camera":
            return
        tiles = self._wall.tiles
        free = next((t.index for t in tiles if t.camera is None), len(tiles) - 1)
        self._wall.assign_camera(free, index.data(CameraIdRole))

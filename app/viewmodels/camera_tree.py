"""The camera tree's model: cameras grouped by recording server, a status per camera, drag data, search filter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from milestone.models import Camera, Inventory

from .camera_names import CameraNames
from .camera_status import CameraStatus
from .status_icons import server_icon, status_icon

CAMERA_MIME_TYPE = "application/x-control-room-camera-id"
"""MIME type of a dragged camera; the payload is the camera id (a GUID) in UTF-8."""

CameraIdRole = Qt.ItemDataRole.UserRole + 1  # str camera id (camera rows only)
KindRole = Qt.ItemDataRole.UserRole + 2  # "server" | "camera"
StatusRole = Qt.ItemDataRole.UserRole + 3  # CameraStatus value (camera rows only)
ServerIdRole = Qt.ItemDataRole.UserRole + 4  # str recording server id (server rows; "" for "Other cameras")
RecordingRole = Qt.ItemDataRole.UserRole + 5  # bool: the camera records now (manual recording via the backend)
NameRole = Qt.ItemDataRole.UserRole + 6  # str: the XProtect name (camera rows; the shown text may be name_ar)


def camera_ids_from_mime(mime: QMimeData) -> list[str]:
    """The camera ids carried by drag data (one per line), or [] when it is not a camera drag."""
    if not mime.hasFormat(CAMERA_MIME_TYPE):
        return []
    text = bytes(mime.data(CAMERA_MIME_TYPE).data()).decode("utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


class CameraTreeModel(QStandardItemModel):
    """Recording servers (top level, by name) with their cameras (children, by name).

    Camera items carry ``CameraIdRole`` and ``StatusRole`` and a status icon; ``set_status`` updates them from
    the wall's stream states. ``RecordingRole`` (set by ``set_recording``) marks cameras recording now (the
    tree widget paints a red badge). Cameras whose recording server is unknown go under an "Other cameras" group.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._icons = {status: status_icon(status) for status in CameraStatus}
        self._server_icon = server_icon()
        self._items: dict[str, QStandardItem] = {}
        self._recording: set[str] = set()  # lower-case ids of cameras recording now
        self._names = CameraNames.for_app()
        self._names.sigChanged.connect(self.retranslate)  # names learnt, or the language changed
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text again in the current language: header, camera names (name_ar in Arabic), tooltips."""
        self.setHorizontalHeaderLabels([self.tr("Cameras")])
        for row in range(self.rowCount()):
            server = self.item(row)
            if not server.data(ServerIdRole):
                server.setText(self.tr("Other cameras"))
            server.setToolTip(self.tr("Recording server {0}: {1} cameras").format(server.text(), server.rowCount()))
            for child in range(server.rowCount()):
                item = server.child(child)
                item.setText(self._names.name(item.data(CameraIdRole), item.data(NameRole)))
                self._apply_status(item, CameraStatus(item.data(StatusRole)))

    def set_inventory(self, inventory: Inventory | None) -> None:
        """Replace the tree's content with ``inventory`` (None: empty tree)."""
        self.removeRows(0, self.rowCount())
        self._items.clear()
        if inventory is None:
            return
        groups: dict[str, tuple[str, list[Camera]]] = {}
        for server in inventory.recording_servers:
            groups[server.id] = (server.name, [])
        other = self.tr("Other cameras")
        for cam in inventory.cameras:
            key = cam.recording_server.id if cam.recording_server is not None else ""
            if key not in groups:
                name = cam.recording_server.name if cam.recording_server is not None else other
                groups[key] = (name, [])
            groups[key][1].append(cam)
        for key, (name, cameras) in sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[1][0].casefold())):
            server_item = QStandardItem(self._server_icon, name)
            server_item.setData("server", KindRole)
            server_item.setData(key, ServerIdRole)
            server_item.setEditable(False)
            server_item.setDragEnabled(False)
            server_item.setToolTip(self.tr("Recording server {0}: {1} cameras").format(name, len(cameras)))
            for cam in sorted(cameras, key=lambda c: c.name.casefold()):
                server_item.appendRow(self._camera_item(cam))
            self.appendRow(server_item)

    def _camera_item(self, cam: Camera) -> QStandardItem:
        status = CameraStatus.ONLINE if cam.enabled else CameraStatus.DISABLED
        item = QStandardItem(self._names.display(cam))
        item.setData(cam.name, NameRole)
        item.setEditable(False)
        item.setData("camera", KindRole)
        item.setData(cam.id, CameraIdRole)
        item.setDragEnabled(cam.enabled)
        item.setData(cam.id.lower() in self._recording, RecordingRole)
        self._items[cam.id.lower()] = item
        self._apply_status(item, status)
        return item

    def _apply_status(self, item: QStandardItem, status: CameraStatus) -> None:
        item.setData(status.value, StatusRole)
        item.setIcon(self._icons[status])
        texts = {
            CameraStatus.ONLINE: self.tr("online"),
            CameraStatus.OFFLINE: self.tr("offline, reconnecting"),
            CameraStatus.NO_PERMISSION: self.tr("no permission"),
            CameraStatus.DISABLED: self.tr("disabled"),
        }
        tip = self.tr("{0} ({1})").format(item.text(), texts[status])
        if item.data(RecordingRole):
            tip = self.tr("{0}, recording now").format(tip)
        item.setToolTip(tip)

    def status(self, camera_id: str) -> CameraStatus | None:
        """The camera's current status, or None for an unknown camera."""
        item = self._items.get(camera_id.lower())
        return CameraStatus(item.data(StatusRole)) if item is not None else None

    def set_status(self, camera_id: str, status: str | CameraStatus) -> None:
        """Show ``status`` for the camera (a disabled camera stays disabled). Unknown ids are ignored."""
        item = self._items.get(camera_id.lower())
        if item is None or item.data(StatusRole) == CameraStatus.DISABLED.value:
            return
        self._apply_status(item, CameraStatus(status))

    def set_recording(self, camera_id: str, recording: bool) -> None:
        """Mark the camera as recording now (or not); remembered across ``set_inventory``."""
        key = camera_id.lower()
        if recording:
            self._recording.add(key)
        else:
            self._recording.discard(key)
        item = self._items.get(key)
        if item is not None and bool(item.data(RecordingRole)) != recording:
            item.setData(recording, RecordingRole)
            self._apply_status(item, CameraStatus(item.data(StatusRole)))

    def is_recording(self, camera_id: str) -> bool:
        return camera_id.lower() in self._recording

    def camera_count(self) -> int:
        return len(self._items)

    def camera_ids(self, enabled_only: bool = False) -> list[str]:
        """Camera ids in tree order (servers by name, cameras by name); optionally only enabled cameras."""
        ids = []
        for row in range(self.rowCount()):
            server = self.item(row)
            for child in range(server.rowCount()):
                item = server.child(child)
                if not enabled_only or item.data(StatusRole) != CameraStatus.DISABLED.value:
                    ids.append(item.data(CameraIdRole))
        return ids

    # --- drag support ------------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = []
        for index in indexes:
            camera_id = index.data(CameraIdRole)
            if index.data(KindRole) == "camera" and camera_id and camera_id not in ids:
                ids.append(camera_id)
        mime = QMimeData()
        mime.setData(CAMERA_MIME_TYPE, QByteArray("\n".join(ids).encode("utf-8")))
        mime.setText(", ".join(self.itemFromIndex(i).text() for i in indexes if i.data(KindRole) == "camera"))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


class CameraFilterProxy(QSortFilterProxyModel):
    """Case-insensitive search over camera and server names (a camera's XProtect name and its shown, maybe
    Arabic, name); a server stays visible when a camera matches."""

    def __init__(self, source: CameraTreeModel, parent=None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)

    def set_search_text(self, text: str) -> None:
        """Show only cameras whose name contains ``text`` (and their servers); "" shows everything."""
        self.setFilterFixedString(text.strip())

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        """Accept a matching row, and every camera of a matching server (search by server name)."""
        if super().filterAcceptsRow(source_row, source_parent):
            return True
        needle_index = self.sourceModel().index(source_row, 0, source_parent)
        if self.filterRegularExpression().match(str(needle_index.data(NameRole) or "")).hasMatch():
            return True  # the XProtect name of a camera shown by its Arabic name
        needle = self.filterRegularExpression().pattern()
        parent = source_parent
        while parent.isValid():
            if needle and self._matches(parent):
                return True
            parent = parent.parent()
        return False

    def _matches(self, index: QModelIndex) -> bool:
        return self.filterRegularExpression().match(str(index.data() or "")).hasMatch()

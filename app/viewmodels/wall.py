"""The video wall's view-model: layout, tiles, the camera on each tile, maximise, live counts, camera status."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from media.stream_stats import StreamState
from milestone.clock import Clock, SystemClock
from milestone.models import Camera, Inventory

from .camera_status import CameraStatus
from .layouts import Layout
from .tile import StreamGate, StreamOpener, TileViewModel
from .tile_stats import TileStatsSnapshot

log = logging.getLogger(__name__)

_STATE_TO_STATUS = {
    StreamState.LIVE: CameraStatus.ONLINE,
    StreamState.NO_PERMISSION: CameraStatus.NO_PERMISSION,
    StreamState.RECONNECTING: CameraStatus.OFFLINE,
    StreamState.AUTH_FAILED: CameraStatus.OFFLINE,
}


class WallViewModel(QObject):
    """The wall: ``tiles`` (one TileViewModel per cell of ``layout``), which tile is maximised, live counts.

    Signals: ``sigLayoutChanged()`` (tiles list rebuilt: recreate tile widgets), ``sigMaximisedChanged(int)``
    (tile index or -1), ``sigLiveCountChanged(int live, int assigned)``, ``sigCameraStatusChanged(str camera_id,
    str CameraStatus value)`` (from the tiles' stream states, for the camera tree), ``sigAssignmentChanged()``,
    ``sigRecordingsRequested(list camera_ids)`` (the operator asked for a tile's recordings; the main view-model
    opens the timeline and the player).

    ``gate``: the stream quota (``app.backend_link.reservations.StreamReservations``) every tile takes a lease
    from before it opens its stream; one lease per tile showing a camera (each tile opens its own stream, so
    the same camera on two tiles holds two slots; tiles hidden behind a maximised one keep streaming and keep
    theirs). None: tiles open without reservations.
    """

    sigLayoutChanged = Signal()
    sigMaximisedChanged = Signal(int)
    sigLiveCountChanged = Signal(int, int)
    sigCameraStatusChanged = Signal(str, str)
    sigAssignmentChanged = Signal()
    sigRecordingsRequested = Signal(list)

    def __init__(
        self, layout: Layout = Layout.TWO, clock: Clock | None = None, parent=None, *, gate: StreamGate | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock or SystemClock()
        self._gate = gate
        self._opener: StreamOpener | None = None
        self._inventory: Inventory | None = None
        self._layout = layout
        self._tiles: list[TileViewModel] = []
        self._maximised = -1
        self._live = (0, 0)
        self._resize_tiles(layout.tile_count)

    # --- properties -------------------------------------------------------------------------------------
    @property
    def layout(self) -> Layout:
        return self._layout

    @property
    def tiles(self) -> tuple[TileViewModel, ...]:
        return tuple(self._tiles)

    @property
    def maximised(self) -> int:
        """Index of the maximised tile, -1 when the whole layout shows."""
        return self._maximised

    @property
    def live_count(self) -> int:
        return sum(1 for t in self._tiles if t.state == StreamState.LIVE)

    @property
    def assigned_count(self) -> int:
        return sum(1 for t in self._tiles if t.camera is not None)

    @property
    def camera_ids(self) -> list[str]:
        """Camera id per tile ("" for an empty tile), in tile order."""
        return [t.camera.id if t.camera is not None else "" for t in self._tiles]

    @property
    def layout_camera_ids(self) -> list[str]:
        """What a saved layout keeps: the camera id per tile, including cameras this server does not list
        (``TileViewModel.unavailable``), "" for an empty tile."""
        return [t.camera.id if t.camera is not None else t.unavailable for t in self._tiles]

    def stats(self) -> list[TileStatsSnapshot]:
        """Per-tile display statistics, in tile order."""
        return [t.stats() for t in self._tiles]

    def reset_stats(self) -> None:
        for tile in self._tiles:
            tile.reset_stats()

    # --- commands ---------------------------------------------------------------------------------------
    def set_source(self, opener: StreamOpener | None, inventory: Inventory | None) -> None:
        """Bind the wall to a logged-in session: how to open streams and which cameras exist.

        Tiles whose camera is no longer in ``inventory`` are emptied and say which camera they miss (all are
        cleared without an inventory); tiles that missed a camera the inventory now lists show it; the others
        reopen with the new opener.
        """
        self._opener, self._inventory = opener, inventory
        for tile in self._tiles:
            cam = tile.camera
            if cam is not None and inventory is None:
                tile.assign(None)
            elif cam is not None and not self._has(cam.id):
                tile.mark_unavailable(cam.id)
            wanted = tile.unavailable
            tile.set_opener(opener)  # (empties the tile's ``unavailable``)
            if wanted and self._has(wanted):
                tile.assign(self.camera(wanted))
            elif wanted:
                tile.mark_unavailable(wanted)
        self.sigAssignmentChanged.emit()
        self._update_live()

    def set_layout(self, layout: Layout) -> None:
        """Switch layout; tiles that still fit keep their camera and stream, the others are closed."""
        if layout == self._layout:
            return
        self._layout = layout
        if self._maximised >= layout.tile_count:
            self._set_maximised(-1)
        self._resize_tiles(layout.tile_count)
        self.sigLayoutChanged.emit()
        self.sigAssignmentChanged.emit()
        self._update_live()

    def camera(self, camera_id: str) -> Camera | None:
        """The inventory's camera with this id, or None."""
        if self._inventory is None:
            return None
        try:
            return self._inventory.camera(camera_id)
        except KeyError:
            return None

    def assign_camera(self, index: int, camera_id: str | None) -> bool:
        """Show camera ``camera_id`` on tile ``index`` (None or "": clear it). False if unknown tile/camera.

        This is also the drop handler: the tile widget calls it with the id from the dragged MIME data.
        """
        if not 0 <= index < len(self._tiles):
            return False
        camera = None
        if camera_id:
            camera = self.camera(camera_id)
            if camera is None:
                log.warning("dropped camera %s is not in the inventory", camera_id)
                return False
        self._tiles[index].assign(camera)
        self.sigAssignmentChanged.emit()
        self._update_live()
        return True

    def fill(self, camera_ids: list[str]) -> int:
        """Assign cameras to tiles in order (skipping unknown ids and "" entries); returns how many were shown."""
        shown = 0
        for index, camera_id in enumerate(camera_ids[: len(self._tiles)]):
            if camera_id and self.assign_camera(index, camera_id):
                shown += 1
        return shown

    def open_layout(self, layout: Layout, camera_ids: list[str]) -> list[str]:
        """Show ``layout`` with ``camera_ids`` per tile (a saved layout): tiles whose camera this server does not
        list (or before a login) stay empty and say which camera they miss. Returns those missing ids."""
        self.set_layout(layout)
        missing: list[str] = []
        ids = list(camera_ids[: len(self._tiles)]) + [""] * max(0, len(self._tiles) - len(camera_ids))
        for tile, camera_id in zip(self._tiles, ids, strict=True):
            camera = self.camera(camera_id) if camera_id else None
            if camera is not None:
                tile.assign(camera)
            elif camera_id:
                tile.mark_unavailable(camera_id)
                missing.append(camera_id)
            else:
                tile.assign(None)
        self.sigAssignmentChanged.emit()
        self._update_live()
        return missing

    def show_page(self, camera_ids: list[str]) -> None:
        """Put ``camera_ids`` on the tiles in order, clearing the rest (the carousel's step); unknown ids give
        tiles that say so, like ``open_layout``."""
        self.open_layout(self._layout, camera_ids)

    def toggle_maximise(self, index: int) -> None:
        """Maximise tile ``index``, or restore the layout when it is the maximised one."""
        if 0 <= index < len(self._tiles):
            self._set_maximised(-1 if self._maximised == index else index)

    def request_recordings(self, index: int) -> None:
        """Ask for the recordings of tile ``index``'s camera (nothing happens for an empty tile)."""
        if 0 <= index < len(self._tiles) and self._tiles[index].camera is not None:
            self.sigRecordingsRequested.emit([self._tiles[index].camera.id])

    def close_streams(self) -> None:
        """Close every tile's stream and release its quota lease (shutdown, logout); cameras stay assigned."""
        for tile in self._tiles:
            tile.close()
        self._update_live()

    # --- internals --------------------------------------------------------------------------------------
    def _has(self, camera_id: str) -> bool:
        return self.camera(camera_id) is not None

    def _set_maximised(self, index: int) -> None:
        if index != self._maximised:
            self._maximised = index
            self.sigMaximisedChanged.emit(index)

    def _resize_tiles(self, count: int) -> None:
        while len(self._tiles) > count:
            tile = self._tiles.pop()
            tile.assign(None)
            tile.deleteLater()
        while len(self._tiles) < count:
            tile = TileViewModel(len(self._tiles), self._opener, self._clock, parent=self, gate=self._gate)
            tile.sigStateChanged.connect(lambda t=tile: self._on_tile_state(t))
            self._tiles.append(tile)

    def _on_tile_state(self, tile: TileViewModel) -> None:
        if tile.camera is not None:
            status = _STATE_TO_STATUS.get(tile.state)
            if status is not None:
                self.sigCameraStatusChanged.emit(tile.camera.id, status.value)
        self._update_live()

    def _update_live(self) -> None:
        live = (self.live_count, self.assigned_count)
        if live != self._live:
            self._live = live
            self.sigLiveCountChanged.emit(*live)

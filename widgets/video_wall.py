"""The video wall: a grid of VideoTile widgets arranged by the WallViewModel's layout, with maximise/restore."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from app.viewmodels import WallViewModel
from app.viewmodels.settings_tiles import TileBehaviour

from .video_tile import VideoTile

SPACING = 2  # logical pixels between tiles


class VideoWall(QWidget):
    """Shows ``wall.tiles`` in ``wall.layout``'s cells; one tile fills the wall while maximised. ``behaviour``
    (the operator's tile settings) is passed to every tile (None: the defaults)."""

    def __init__(
        self, wall: WallViewModel, parent: QWidget | None = None, behaviour: TileBehaviour | None = None
    ) -> None:
        super().__init__(parent)
        self._wall = wall
        self._behaviour = behaviour
        self._tiles: list[VideoTile] = []
        self._grid_host: QWidget | None = None
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#000000"))
        self.setPalette(palette)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        wall.sigLayoutChanged.connect(self._rebuild)
        wall.sigMaximisedChanged.connect(self._place)
        self._rebuild()

    @property
    def tiles(self) -> tuple[VideoTile, ...]:
        """The tile widgets in tile order (recreated on every layout change)."""
        return tuple(self._tiles)

    def _rebuild(self) -> None:
        """Recreate the grid for the current layout (tile view-models persist; their widgets do not)."""
        if self._grid_host is not None:
            self.layout().removeWidget(self._grid_host)
            self._grid_host.hide()
            self._grid_host.deleteLater()
        self._grid_host = QWidget(self)
        grid = QGridLayout(self._grid_host)
        grid.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        grid.setSpacing(SPACING)
        self._tiles = [VideoTile(tile, self._wall, self._grid_host, self._behaviour) for tile in self._wall.tiles]
        self.layout().addWidget(self._grid_host)
        self._place()

    def _place(self, *_args) -> None:
        """Put every tile in its cell, or only the maximised one across the whole grid."""
        host = self._grid_host
        if host is None:
            return
        grid = host.layout()
        assert isinstance(grid, QGridLayout)
        for tile in self._tiles:
            grid.removeWidget(tile)
        cells = self._wall.layout.cells
        rows = max(c.row + c.row_span for c in cells)
        cols = max(c.column + c.column_span for c in cells)
        for i in range(rows):
            grid.setRowStretch(i, 1)
        for i in range(cols):
            grid.setColumnStretch(i, 1)
        maximised = self._wall.maximised
        for tile, cell in zip(self._tiles, cells, strict=True):
            if maximised >= 0:
                if tile.tile.index == maximised:
                    grid.addWidget(tile, 0, 0, rows, cols)
                    tile.show()
                else:
                    tile.hide()
            else:
                grid.addWidget(tile, cell.row, cell.column, cell.row_span, cell.column_span)
                tile.show()
        host.setFocusPolicy(Qt.FocusPolicy.NoFocus)

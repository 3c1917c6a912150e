"""Video wall layouts: named grids and the cell each tile occupies (pure data, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a tile sits in the layout's grid: row/column of its top-left cell and its spans."""

    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


class Layout(Enum):
    """The wall layouts an operator can choose; the value is the name shown and saved in settings."""

    ONE = "1x1"
    TWO = "2x2"
    THREE = "3x3"
    FOUR = "4x4"
    FIVE = "5x5"
    SIX = "6x6"
    SEVEN = "7x7"
    EIGHT = "8x8"
    HOTSPOT = "1+5"

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The tiles' cells, in tile order (row-major; the hotspot's large tile first)."""
        if self is Layout.HOTSPOT:
            return (Cell(0, 0, 2, 2), Cell(0, 2), Cell(1, 2), Cell(2, 0), Cell(2, 1), Cell(2, 2))
        n = int(self.value[0])
        return tuple(Cell(r, c) for r in range(n) for c in range(n))

    @property
    def tile_count(self) -> int:
        return len(self.cells)

    @classmethod
    def parse(cls, name: str, default: Layout | None = None) -> Layout:
        """The layout named ``name`` ("2x2", "1+5", ...). Raises ValueError for an unknown name unless a default."""
        for layout in cls:
            if layout.value == name:
                return layout
        if default is not None:
            return default
        raise ValueError(f"unknown layout {name!r}; choose one of {', '.join(x.value for x in cls)}")

    @classmethod
    def for_camera_count(cls, count: int) -> Layout:
        """The smallest square layout that shows ``count`` cameras (8x8 for more than 64)."""
        squares = [layout for layout in cls if layout is not cls.HOTSPOT]
        for layout in squares:
            if layout.tile_count >= count:
                return layout
        return squares[-1]

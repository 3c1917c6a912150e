"""Wire contract of named wall layouts (issue 8 §3). The GUI imports this module (``app.backend_link``).

camelCase on the wire. Routes (``/api/v1/layouts``, every one needs ``view``):

- ``GET /layouts`` -> LayoutList: the caller's own layouts and every shared one, by name.
- ``GET /layouts/{id}`` -> LayoutOut (404 ``layout_not_found`` also for another user's private layout).
- ``POST /layouts`` LayoutCreate -> 201 LayoutOut (409 ``layout_exists``: the caller already has one of that name,
  compared without regard to case).
- ``PATCH /layouts/{id}`` LayoutPatch -> LayoutOut; ``DELETE /layouts/{id}`` -> 204. Only the owner or an admin
  (403 ``layout_forbidden``).
- Bad input: 422 ``validation_error`` (unknown grid, too many cameras for the grid, over-long text, ...).
- WebSocket event ``layout_changed`` (data ``{"id", "change": created|updated|deleted, "owner", "shared"}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from backend.api.schemas import ApiModel, ApiRequest

# The GUI's grids (app.viewmodels.layouts.Layout values) and their tile counts.
GRIDS: dict[str, int] = {f"{n}x{n}": n * n for n in range(1, 9)} | {"1+5": 6}
Grid = Literal["1x1", "2x2", "3x3", "4x4", "5x5", "6x6", "7x7", "8x8", "1+5"]
MAX_NAME = 100
MAX_CAMERA_ID = 64
MAX_CAROUSEL_S = 3600


class ScreenIdentity(ApiModel):
    """The screen a wall was on, as Qt names it (QScreen name, model, manufacturer, serialNumber; any may be "")."""

    name: str = Field("", max_length=128)
    model: str = Field("", max_length=128)
    manufacturer: str = Field("", max_length=128)
    serial: str = Field("", max_length=128)


class Geometry(ApiModel):
    """The wall window's frame in logical pixels of the virtual desktop."""

    x: int = Field(ge=-100_000, le=100_000)
    y: int = Field(ge=-100_000, le=100_000)
    width: int = Field(ge=1, le=100_000)
    height: int = Field(ge=1, le=100_000)


def _check_cameras(grid: str | None, cameras: list[str] | None) -> None:
    if grid is not None and cameras is not None and len(cameras) > GRIDS[grid]:
        raise ValueError(f"{len(cameras)} cameras do not fit a {grid} grid of {GRIDS[grid]} tiles")


class LayoutCreate(ApiRequest):
    name: str = Field(min_length=1, max_length=MAX_NAME, pattern=r"\S")
    shared: bool = False
    grid: Grid = Field(description="1x1, 2x2, ... 8x8 or 1+5")
    cameras: list[str] = Field(default_factory=list, max_length=64, description='camera id per tile, "" for empty')
    screen: ScreenIdentity = Field(
        default_factory=lambda: ScreenIdentity(name="", model="", manufacturer="", serial="")
    )
    geometry: Geometry | None = None
    full_screen: bool = False
    carousel_s: int = Field(0, ge=0, le=MAX_CAROUSEL_S, description="seconds between carousel steps; 0: off")

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if any(len(c) > MAX_CAMERA_ID for c in self.cameras):
            raise ValueError(f"camera ids are at most {MAX_CAMERA_ID} characters")
        _check_cameras(self.grid, self.cameras)
        return self


class LayoutPatch(ApiRequest):
    """Only the fields given change; ``cameras`` must fit the (new or stored) grid."""

    name: str | None = Field(None, min_length=1, max_length=MAX_NAME, pattern=r"\S")
    shared: bool | None = None
    grid: Grid | None = None
    cameras: list[str] | None = Field(None, max_length=64)
    screen: ScreenIdentity | None = None
    geometry: Geometry | None = None
    full_screen: bool | None = None
    carousel_s: int | None = Field(None, ge=0, le=MAX_CAROUSEL_S)

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if self.cameras is not None and any(len(c) > MAX_CAMERA_ID for c in self.cameras):
            raise ValueError(f"camera ids are at most {MAX_CAMERA_ID} characters")
        _check_cameras(self.grid, self.cameras)
        return self


class LayoutOut(ApiModel):
    id: int
    name: str
    owner: str
    shared: bool
    grid: str
    cameras: list[str]
    screen: ScreenIdentity
    geometry: Geometry | None
    full_screen: bool
    carousel_s: int
    created_at: datetime
    updated_at: datetime


class LayoutList(ApiModel):
    layouts: list[LayoutOut]

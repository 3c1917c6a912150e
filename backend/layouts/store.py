"""Named wall layouts in the database: functions of a SQLAlchemy session (run by ``Database.run`` /
``ReadDatabase.run`` in a worker thread), one transaction each.

Visibility: a caller sees their own layouts and every shared one; another user's private layout is "not found"
(its existence is not revealed). Changes: the owner, or ``admin`` (True for an administrator); others get
``LayoutForbiddenError``. Names are unique per owner without regard to case (``LayoutExistsError``).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.api.schemas_layouts import GRIDS, Geometry, LayoutCreate, LayoutOut, LayoutPatch, ScreenIdentity
from backend.db.models_layouts import WallLayout
from backend.layouts.errors import LayoutExistsError, LayoutForbiddenError, LayoutNotFoundError
from backend.playback.ranges import from_us


def layout_out(row: WallLayout) -> LayoutOut:
    return LayoutOut(
        id=row.id,
        name=row.name,
        owner=row.owner,
        shared=row.shared,
        grid=row.grid,
        cameras=list(row.cameras),
        screen=ScreenIdentity.model_validate(row.screen),
        geometry=Geometry.model_validate(row.geometry) if row.geometry is not None else None,
        full_screen=row.full_screen,
        carousel_s=row.carousel_s,
        created_at=from_us(row.created_us),
        updated_at=from_us(row.updated_us),
    )


def _key(name: str) -> str:
    return name.strip().casefold()


def _visible(session: Session, layout_id: int, caller: str) -> WallLayout:
    row = session.get(WallLayout, layout_id)
    if row is None or (row.owner != caller and not row.shared):
        raise LayoutNotFoundError(layout_id)
    return row


def _check_free(session: Session, owner: str, name: str, except_id: int | None = None) -> None:
    found = session.scalar(select(WallLayout.id).where(WallLayout.owner == owner, WallLayout.name_key == _key(name)))
    if found is not None and found != except_id:
        raise LayoutExistsError(name.strip())


def list_layouts(session: Session, caller: str) -> list[LayoutOut]:
    """The caller's layouts and every shared one, by name (case-insensitively), then id."""
    rows = session.scalars(
        select(WallLayout)
        .where(or_(WallLayout.owner == caller, WallLayout.shared.is_(True)))
        .order_by(WallLayout.name_key, WallLayout.id)
    )
    return [layout_out(row) for row in rows]


def get_layout(session: Session, layout_id: int, caller: str) -> LayoutOut:
    return layout_out(_visible(session, layout_id, caller))


def create_layout(session: Session, body: LayoutCreate, owner: str, now_us: int) -> LayoutOut:
    _check_free(session, owner, body.name)
    row = WallLayout(
        name=body.name.strip(),
        name_key=_key(body.name),
        owner=owner,
        shared=body.shared,
        grid=body.grid,
        cameras=list(body.cameras),
        screen=body.screen.model_dump(),
        geometry=body.geometry.model_dump() if body.geometry is not None else None,
        full_screen=body.full_screen,
        carousel_s=body.carousel_s,
        created_us=now_us,
        updated_us=now_us,
    )
    session.add(row)
    session.flush()
    return layout_out(row)


def update_layout(
    session: Session, layout_id: int, body: LayoutPatch, caller: str, admin: bool, now_us: int
) -> LayoutOut:
    """Change the fields given. Raises LayoutNotFoundError, LayoutForbiddenError, LayoutExistsError (rename onto
    another of the owner's names), ValueError when the cameras do not fit the resulting grid (the route maps it
    to 422)."""
    row = session.get(WallLayout, layout_id)
    if row is None or (row.owner != caller and not row.shared and not admin):
        raise LayoutNotFoundError(layout_id)
    if row.owner != caller and not admin:
        raise LayoutForbiddenError(layout_id, row.owner)
    grid = body.grid if body.grid is not None else row.grid
    cameras = body.cameras if body.cameras is not None else list(row.cameras)
    if len(cameras) > GRIDS[grid]:
        raise ValueError(f"{len(cameras)} cameras do not fit a {grid} grid of {GRIDS[grid]} tiles")
    if body.name is not None:
        _check_free(session, row.owner, body.name, except_id=row.id)
        row.name, row.name_key = body.name.strip(), _key(body.name)
    fields = body.model_fields_set
    row.grid, row.cameras = grid, list(cameras)
    if body.shared is not None:
        row.shared = body.shared
    if body.screen is not None:
        row.screen = body.screen.model_dump()
    if "geometry" in fields:
        row.geometry = body.geometry.model_dump() if body.geometry is not None else None
    if body.full_screen is not None:
        row.full_screen = body.full_screen
    if body.carousel_s is not None:
        row.carousel_s = body.carousel_s
    row.updated_us = now_us
    session.flush()
    return layout_out(row)


def delete_layout(session: Session, layout_id: int, caller: str, admin: bool) -> LayoutOut:
    """Delete it (owner or admin); returns what was deleted. Raises LayoutNotFoundError, LayoutForbiddenError."""
    row = session.get(WallLayout, layout_id)
    if row is None or (row.owner != caller and not row.shared and not admin):
        raise LayoutNotFoundError(layout_id)
    if row.owner != caller and not admin:
        raise LayoutForbiddenError(layout_id, row.owner)
    out = layout_out(row)
    session.delete(row)
    return out

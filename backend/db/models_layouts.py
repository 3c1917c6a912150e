"""Table of named wall layouts (backend.layouts; issue 8 §3): what a video wall shows and where.

A layout belongs to ``owner`` (the backend user name that created it) and is private to that owner unless
``shared`` (then every user may open it; only the owner or an admin changes or deletes it). ``name_key`` is the
name folded to lower case: one owner cannot have two layouts of the same name. ``grid`` is the GUI's layout name
(``2x2``, ``1+5``, ...), ``cameras`` the camera id per tile (``""`` for an empty tile), ``screen`` the screen's
identity as Qt reports it (``{"name", "model", "manufacturer", "serial"}``, any may be empty), ``geometry``
``{"x", "y", "width", "height"}`` in logical pixels of the virtual desktop (or null), ``carousel_s`` the seconds
between carousel steps (0: off). Times are integer UTC µs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.models import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class WallLayout(Base):
    """A named wall layout; see the module docstring."""

    __tablename__ = "wall_layouts"
    __table_args__ = (
        CheckConstraint("carousel_s >= 0", name="carousel_not_negative"),
        Index("ix_wall_layouts_owner_name_key", "owner", "name_key", unique=True),
        Index("ix_wall_layouts_shared", "shared"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    owner: Mapped[str] = mapped_column(String(128))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    grid: Mapped[str] = mapped_column(String(8))
    cameras: Mapped[list[str]] = mapped_column(JSON)
    screen: Mapped[dict[str, Any]] = mapped_column(JSON)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    full_screen: Mapped[bool] = mapped_column(Boolean, default=False)
    carousel_s: Mapped[int] = mapped_column(Integer, default=0)
    created_us: Mapped[int]
    updated_us: Mapped[int]

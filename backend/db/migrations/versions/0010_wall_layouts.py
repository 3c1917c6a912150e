"""named wall layouts (backend.layouts; issue 8 §3)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 (written for backend/db/models_layouts.py WallLayout; checked against autogenerate).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "wall_layouts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("grid", sa.String(length=8), nullable=False),
        sa.Column("cameras", sa.JSON(), nullable=False),
        sa.Column("screen", sa.JSON(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=True),
        sa.Column("full_screen", sa.Boolean(), nullable=False),
        sa.Column("carousel_s", sa.Integer(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("carousel_s >= 0", name=op.f("ck_wall_layouts_carousel_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wall_layouts")),
    )
    with op.batch_alter_table("wall_layouts", schema=None) as batch_op:
        batch_op.create_index("ix_wall_layouts_owner_name_key", ["owner", "name_key"], unique=True)
        batch_op.create_index("ix_wall_layouts_shared", ["shared"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wall_layouts", schema=None) as batch_op:
        batch_op.drop_index("ix_wall_layouts_shared")
        batch_op.drop_index("ix_wall_layouts_owner_name_key")
    op.drop_table("wall_layouts")

"""recording outages (gap reasons of the recordings query)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 (written for backend/db/models.py RecordingOutage; checked against autogenerate)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recording_outages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("end_us IS NULL OR end_us >= start_us", name=op.f("ck_recording_outages_end_after_start")),
        sa.CheckConstraint(
            "kind IN ('camera_offline', 'recorder_down', 'quota_denied', 'upload_failed')",
            name=op.f("ck_recording_outages_kind"),
        ),
        sa.CheckConstraint(
            "source IN ('recorder', 'backend', 'quota', 'admin')", name=op.f("ck_recording_outages_source")
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_recording_outages_camera_id_cameras"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_outages")),
    )
    with op.batch_alter_table("recording_outages", schema=None) as batch_op:
        batch_op.create_index("ix_recording_outages_camera_time", ["camera_id", "start_us"], unique=False)
        batch_op.create_index("ix_recording_outages_open", ["end_us"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recording_outages", schema=None) as batch_op:
        batch_op.drop_index("ix_recording_outages_open")
        batch_op.drop_index("ix_recording_outages_camera_time")

    op.drop_table("recording_outages")

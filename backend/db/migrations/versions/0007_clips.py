"""clips (evidence locks), their cameras, and the S3 legal holds the backend placed (backend.storage.clips)

Revision ID: 0007
Revises: 0005 (the lead chains it after 0006 at merge)
Create Date: 2026-11-29 (written for backend/db/models_clips.py Clip, ClipCamera, LegalHold; checked against
autogenerate).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clips",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("end_us > start_us", name=op.f("ck_clips_end_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clips")),
    )
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.create_index("ix_clips_created", ["created_us"], unique=False)
        batch_op.create_index("ix_clips_incident", ["incident_id"], unique=False)
    op.create_table(
        "clip_cameras",
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("end_us > start_us", name=op.f("ck_clip_cameras_end_after_start")),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_clip_cameras_camera_id_cameras"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["clip_id"], ["clips.id"], name=op.f("fk_clip_cameras_clip_id_clips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("clip_id", "camera_id", name=op.f("pk_clip_cameras")),
    )
    with op.batch_alter_table("clip_cameras", schema=None) as batch_op:
        batch_op.create_index("ix_clip_cameras_camera_time", ["camera_id", "start_us", "end_us"], unique=False)
    op.create_table(
        "legal_holds",
        sa.Column("object_key", sa.String(length=1024), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("held_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("object_key", name=op.f("pk_legal_holds")),
    )


def downgrade() -> None:
    op.drop_table("legal_holds")
    with op.batch_alter_table("clip_cameras", schema=None) as batch_op:
        batch_op.drop_index("ix_clip_cameras_camera_time")
    op.drop_table("clip_cameras")
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.drop_index("ix_clips_incident")
        batch_op.drop_index("ix_clips_created")
    op.drop_table("clips")

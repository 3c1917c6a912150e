"""detections and detection_runs (backend.detection: objects found in recorded frames, and what the pipeline
did with each segment)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 (written for backend/db/models.py Detection, DetectionRun; checked against autogenerate)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("detector", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("x1", sa.Double(), nullable=False),
        sa.Column("y1", sa.Double(), nullable=False),
        sa.Column("x2", sa.Double(), nullable=False),
        sa.Column("y2", sa.Double(), nullable=False),
        sa.Column("frame_width", sa.Integer(), nullable=False),
        sa.Column("frame_height", sa.Integer(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_detections_camera_id_cameras"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segments.id"], name=op.f("fk_detections_segment_id_segments"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detections")),
    )
    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.create_index("ix_detections_camera_label_time", ["camera_id", "label", "at_us"], unique=False)
        batch_op.create_index("ix_detections_camera_time", ["camera_id", "at_us"], unique=False)
        batch_op.create_index("ix_detections_label_time", ["label", "at_us"], unique=False)
    op.create_table(
        "detection_runs",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("detections", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("finished_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("state IN ('done', 'failed', 'skipped')", name=op.f("ck_detection_runs_state")),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segments.id"], name=op.f("fk_detection_runs_segment_id_segments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("segment_id", name=op.f("pk_detection_runs")),
    )


def downgrade() -> None:
    op.drop_table("detection_runs")
    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.drop_index("ix_detections_label_time")
        batch_op.drop_index("ix_detections_camera_time")
        batch_op.drop_index("ix_detections_camera_label_time")
    op.drop_table("detections")

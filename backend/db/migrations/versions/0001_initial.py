"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 (generated from backend/db/models.py by alembic autogenerate)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cameras",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("milestone_device_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_ar", sa.String(length=255), nullable=True),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("recording_server_id", sa.String(length=64), nullable=True),
        sa.Column("recording_server_name", sa.String(length=255), nullable=True),
        sa.Column("recording_server_uri", sa.String(length=512), nullable=True),
        sa.Column("stream_id", sa.String(length=64), nullable=True),
        sa.Column("rtsp_url", sa.String(length=1024), nullable=True),
        sa.Column("storage_mode", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("ptz_enabled", sa.Boolean(), nullable=False),
        sa.Column("removed_from_milestone", sa.Boolean(), nullable=False),
        sa.Column("manual_recording_timeout_minutes", sa.Integer(), nullable=True),
        sa.Column("milestone_metadata", sa.JSON(), nullable=True),
        sa.Column("last_sync_us", sa.BigInteger(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("agency IN ('DUBAI_POLICE', 'METRO', 'BUS', 'OTHER')", name=op.f("ck_cameras_agency")),
        sa.CheckConstraint("storage_mode IN ('MILESTONE', 'LOCAL', 'BOTH')", name=op.f("ck_cameras_storage_mode")),
        sa.CheckConstraint(
            "milestone_device_id IS NOT NULL OR rtsp_url IS NOT NULL", name=op.f("ck_cameras_has_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cameras")),
        sa.UniqueConstraint("milestone_device_id", name=op.f("uq_cameras_milestone_device_id")),
    )
    op.create_table(
        "garbage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=True),
        sa.Column("local_path", sa.String(length=1024), nullable=True),
        sa.Column("object_key", sa.String(length=1024), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('delete', 'quarantine')", name=op.f("ck_garbage_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_garbage")),
    )
    op.create_table(
        "sync_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("finished_us", sa.BigInteger(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("triggered_by", sa.String(length=255), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name=op.f("ck_sync_history_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_history")),
    )
    op.create_table(
        "recording_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("storage_mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("duration_s", sa.BigInteger(), nullable=False),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("scheduled_end_us", sa.BigInteger(), nullable=False),
        sa.Column("stopped_us", sa.BigInteger(), nullable=True),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column("started_by", sa.String(length=255), nullable=True),
        sa.Column("milestone_started", sa.Boolean(), nullable=False),
        sa.Column("local_started", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=255), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "state IN ('recording', 'stopping', 'stopped', 'failed')", name=op.f("ck_recording_sessions_state")
        ),
        sa.CheckConstraint(
            "storage_mode IN ('MILESTONE', 'LOCAL', 'BOTH')", name=op.f("ck_recording_sessions_storage_mode")
        ),
        sa.CheckConstraint("duration_s > 0", name=op.f("ck_recording_sessions_positive_duration")),
        sa.CheckConstraint("scheduled_end_us > started_us", name=op.f("ck_recording_sessions_end_after_start")),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_recording_sessions_camera_id_cameras"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_sessions")),
    )
    with op.batch_alter_table("recording_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_recording_sessions_active", ["camera_id", "state"], unique=False)

    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=False),
        sa.Column("media_duration_us", sa.BigInteger(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("key_frames", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("container", sa.String(length=16), nullable=False),
        sa.Column("codec", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("storage_state", sa.String(length=16), nullable=False),
        sa.Column("local_path", sa.String(length=1024), nullable=True),
        sa.Column("object_key", sa.String(length=1024), nullable=True),
        sa.Column("etag", sa.String(length=128), nullable=True),
        sa.Column("thumbnail_key", sa.String(length=1024), nullable=True),
        sa.Column("upload_attempts", sa.Integer(), nullable=False),
        sa.Column("last_upload_error", sa.Text(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_us", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "storage_state != 'uploaded' OR object_key IS NOT NULL", name=op.f("ck_segments_uploaded_has_key")
        ),
        sa.CheckConstraint(
            "storage_state = 'uploaded' OR local_path IS NOT NULL", name=op.f("ck_segments_local_has_path")
        ),
        sa.CheckConstraint(
            "storage_state IN ('local', 'uploading', 'uploaded')", name=op.f("ck_segments_storage_state")
        ),
        sa.CheckConstraint("end_us > start_us", name=op.f("ck_segments_end_after_start")),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_segments_positive_size")),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_segments_camera_id_cameras"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["recording_sessions.id"],
            name=op.f("fk_segments_session_id_recording_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("camera_id", "start_us", name="uq_segments_camera_start"),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index("ix_segments_camera_time", ["camera_id", "start_us", "end_us"], unique=False)
        batch_op.create_index("ix_segments_state", ["storage_state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_state")
        batch_op.drop_index("ix_segments_camera_time")

    op.drop_table("segments")
    with op.batch_alter_table("recording_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_recording_sessions_active")

    op.drop_table("recording_sessions")
    op.drop_table("sync_history")
    op.drop_table("garbage")
    op.drop_table("cameras")

"""stream quotas (agency limits and stream reservations of backend.quotas)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 (written for backend/db/models.py AgencyQuotaLimit, StreamReservation; checked against
autogenerate)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency_quota_limits",
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("stream_limit", sa.Integer(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("stream_limit >= 0", name=op.f("ck_agency_quota_limits_non_negative_limit")),
        sa.PrimaryKeyConstraint("agency", name=op.f("pk_agency_quota_limits")),
    )
    op.create_table(
        "stream_reservations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('live', 'recording')", name=op.f("ck_stream_reservations_kind")),
        sa.CheckConstraint("expires_us > created_us", name=op.f("ck_stream_reservations_expires_after_created")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_reservations")),
    )
    with op.batch_alter_table("stream_reservations", schema=None) as batch_op:
        batch_op.create_index("ix_stream_reservations_agency_expiry", ["agency", "expires_us"], unique=False)
        batch_op.create_index("ix_stream_reservations_expiry", ["expires_us"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stream_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_stream_reservations_expiry")
        batch_op.drop_index("ix_stream_reservations_agency_expiry")

    op.drop_table("stream_reservations")
    op.drop_table("agency_quota_limits")

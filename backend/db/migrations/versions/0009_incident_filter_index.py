"""covering index of the incident filter columns by id, for filtered full-text search (backend.metadata.search)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 (written for backend/db/models_metadata.py Incident ix_incidents_filters; checked against
autogenerate).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["id", "severity", "status", "created_by", "assignee", "start_us", "end_us"]


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_filters", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_filters")

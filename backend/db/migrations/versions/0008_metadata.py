"""tags, tagged ranges, annotations and incidents with their full-text index (backend.metadata)

Revision ID: 0008
Revises: 0005 (the lead chains it after 0007 at merge)
Create Date: 2026-11-21 (written for backend/db/models_metadata.py; checked against autogenerate and the DDL
SQLite stores for ``metadata.create_all``, FTS5 tables and triggers included).

By dialect: SQLite gets FTS5 external-content tables over ``search_text`` kept in step by triggers; PostgreSQL
a stored generated ``search_vector tsvector`` ('simple' configuration) with a GIN index. The statements are
repeated here (not imported from the models) so that this revision stays what it was when models change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {"incidents": "incidents_fts", "annotations": "annotations_fts"}


def _sqlite_fts(table: str, fts: str) -> list[str]:
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    delete = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN {delete} {insert} END",
    ]


def _postgres_fts(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
        f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)",
    ]


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    for table, fts in SEARCHED.items():
        statements = (
            _sqlite_fts(table, fts) if dialect == "sqlite" else _postgres_fts(table) if dialect == "postgresql" else []
        )
        for sql in statements:
            op.execute(sql)


def _drop_search_index() -> None:
    dialect = op.get_bind().dialect.name
    for table, fts in SEARCHED.items():
        if dialect == "sqlite":
            for suffix in ("au", "ad", "ai"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.Column("closed_us", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name=op.f("ck_incidents_severity")),
        sa.CheckConstraint(
            "status IN ('open', 'investigating', 'resolved', 'closed')", name=op.f("ck_incidents_status")
        ),
        sa.CheckConstraint("end_us > start_us", name=op.f("ck_incidents_end_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_assignee", ["assignee"], unique=False)
        batch_op.create_index("ix_incidents_created_by", ["created_by"], unique=False)
        batch_op.create_index("ix_incidents_severity", ["severity"], unique=False)
        batch_op.create_index("ix_incidents_start_end", ["start_us", "end_us"], unique=False)
        batch_op.create_index("ix_incidents_status", ["status"], unique=False)

    op.create_table(
        "tags",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name_key", name=op.f("uq_tags_name_key")),
    )
    op.create_table(
        "annotations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("time_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("end_us IS NULL OR end_us > time_us", name=op.f("ck_annotations_end_after_time")),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_annotations_camera_id_cameras"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index("ix_annotations_camera_time", ["camera_id", "time_us"], unique=False)
        batch_op.create_index("ix_annotations_created_by_time", ["created_by", "time_us"], unique=False)
        batch_op.create_index("ix_annotations_time", ["time_us"], unique=False)

    op.create_table(
        "incident_cameras",
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_incident_cameras_camera_id_cameras"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_cameras_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "camera_id", name=op.f("pk_incident_cameras")),
    )
    with op.batch_alter_table("incident_cameras", schema=None) as batch_op:
        batch_op.create_index("ix_incident_cameras_camera", ["camera_id"], unique=False)

    op.create_table(
        "incident_tags",
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_tags_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_incident_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id", "tag_id", name=op.f("pk_incident_tags")),
    )
    with op.batch_alter_table("incident_tags", schema=None) as batch_op:
        batch_op.create_index("ix_incident_tags_tag", ["tag_id"], unique=False)

    op.create_table(
        "tagged_ranges",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("tag_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=36), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("end_us > start_us", name=op.f("ck_tagged_ranges_end_after_start")),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_tagged_ranges_camera_id_cameras"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segments.id"], name=op.f("fk_tagged_ranges_segment_id_segments"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_tagged_ranges_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tagged_ranges")),
    )
    with op.batch_alter_table("tagged_ranges", schema=None) as batch_op:
        batch_op.create_index("ix_tagged_ranges_camera_start", ["camera_id", "start_us"], unique=False)
        batch_op.create_index("ix_tagged_ranges_segment_tag", ["segment_id", "tag_id"], unique=False)
        batch_op.create_index("ix_tagged_ranges_tag_start", ["tag_id", "start_us"], unique=False)
    _create_search_index()


def downgrade() -> None:
    _drop_search_index()
    with op.batch_alter_table("tagged_ranges", schema=None) as batch_op:
        batch_op.drop_index("ix_tagged_ranges_tag_start")
        batch_op.drop_index("ix_tagged_ranges_segment_tag")
        batch_op.drop_index("ix_tagged_ranges_camera_start")

    op.drop_table("tagged_ranges")
    with op.batch_alter_table("incident_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_tags_tag")

    op.drop_table("incident_tags")
    with op.batch_alter_table("incident_cameras", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_cameras_camera")

    op.drop_table("incident_cameras")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_time")
        batch_op.drop_index("ix_annotations_created_by_time")
        batch_op.drop_index("ix_annotations_camera_time")

    op.drop_table("annotations")
    op.drop_table("tags")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status")
        batch_op.drop_index("ix_incidents_start_end")
        batch_op.drop_index("ix_incidents_severity")
        batch_op.drop_index("ix_incidents_created_by")
        batch_op.drop_index("ix_incidents_assignee")

    op.drop_table("incidents")

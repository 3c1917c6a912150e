"""Tables of tags, tagged ranges, annotations and incidents (backend.metadata; issue 7 §3).

Times are integer UTC µs (``_us``). ``search_text`` of incidents and annotations is the text the full-text
index sees: the title and description (or the annotation's text) folded by ``backend.metadata.text.fold``
(Arabic harakat, tatweel and Latin accents removed), written by the service with the row.

Full-text index, by dialect (created here for ``metadata.create_all`` and by migration 0008):
- SQLite: FTS5 external-content tables ``incidents_fts`` and ``annotations_fts`` over ``search_text``
  (tokenizer ``unicode61 remove_diacritics 2``, prefix indexes of 2 and 3 characters), kept in step by
  triggers on insert, delete and update of ``search_text``.
- PostgreSQL: a stored generated column ``search_vector tsvector`` = ``to_tsvector('simple', search_text)``
  with a GIN index (not an ORM attribute: queries name it with ``literal_column``).
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.models import Base, _in

SEVERITIES = ("low", "medium", "high", "critical")
INCIDENT_STATUSES = ("open", "investigating", "resolved", "closed")
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
FTS_TABLES = {"incidents": "incidents_fts", "annotations": "annotations_fts"}
_ID = BigInteger().with_variant(Integer, "sqlite")


class Tag(Base):
    """A tag definition: ``name`` as given, unique by ``name_key`` (lower case); ``color`` ``#RRGGBB``."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    category: Mapped[str] = mapped_column(String(50), default="")
    color: Mapped[str] = mapped_column(String(7), default="#808080")
    created_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int]


class TaggedRange(Base):
    """A tag on ``[start_us, end_us)`` of a camera; ``segment_id`` set when it tags a recorded segment (the
    segment's range; SET NULL when the segment is deleted, the range stays)."""

    __tablename__ = "tagged_ranges"
    __table_args__ = (
        CheckConstraint("end_us > start_us", name="end_after_start"),
        Index("ix_tagged_ranges_camera_start", "camera_id", "start_us"),
        Index("ix_tagged_ranges_tag_start", "tag_id", "start_us"),
        Index("ix_tagged_ranges_segment_tag", "segment_id", "tag_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    tag_id: Mapped[int] = mapped_column(_ID, ForeignKey("tags.id", ondelete="CASCADE"))
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("segments.id", ondelete="SET NULL"))
    start_us: Mapped[int]
    end_us: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int]


class Annotation(Base):
    """A marker with text at ``time_us`` on a camera (``end_us`` for a marked span)."""

    __tablename__ = "annotations"
    __table_args__ = (
        CheckConstraint("end_us IS NULL OR end_us > time_us", name="end_after_time"),
        Index("ix_annotations_camera_time", "camera_id", "time_us"),
        Index("ix_annotations_time", "time_us"),
        Index("ix_annotations_created_by_time", "created_by", "time_us"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    time_us: Mapped[int]
    end_us: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int]
    updated_us: Mapped[int]


class Incident(Base):
    """An incident: what happened (title, description), how bad, where (cameras), when (``[start_us,
    end_us)``), tags and who handles it. ``closed_us``: when the status became ``closed``."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("status", INCIDENT_STATUSES), name="status"),
        CheckConstraint("end_us > start_us", name="end_after_start"),
        Index("ix_incidents_start_end", "start_us", "end_us"),
        Index("ix_incidents_severity", "severity"),
        Index("ix_incidents_status", "status"),
        Index("ix_incidents_assignee", "assignee"),
        Index("ix_incidents_created_by", "created_by"),
        # Covering the filter columns by id: a text search's filters read this narrow index for each match
        # instead of the wide row (backend.metadata.search._Match.scored; migration 0009).
        Index("ix_incidents_filters", "id", "severity", "status", "created_by", "assignee", "start_us", "end_us"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(16), default="open")
    start_us: Mapped[int]
    end_us: Mapped[int]
    assignee: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int]
    updated_us: Mapped[int]
    closed_us: Mapped[int | None]


class IncidentCamera(Base):
    """A camera of an incident."""

    __tablename__ = "incident_cameras"
    __table_args__ = (Index("ix_incident_cameras_camera", "camera_id"),)

    incident_id: Mapped[int] = mapped_column(_ID, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True)


class IncidentTag(Base):
    """A tag of an incident."""

    __tablename__ = "incident_tags"
    __table_args__ = (Index("ix_incident_tags_tag", "tag_id"),)

    incident_id: Mapped[int] = mapped_column(_ID, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(_ID, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


def sqlite_fts_ddl(table: str) -> list[str]:
    """The SQLite statements creating ``table``'s FTS5 index and the triggers keeping it in step."""
    fts = FTS_TABLES[table]
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    delete = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
        f"tokenize='{FTS_TOKENIZE}', prefix='2 3')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN {delete} {insert} END",
    ]


def sqlite_fts_drop(table: str) -> list[str]:
    fts = FTS_TABLES[table]
    return [f"DROP TRIGGER IF EXISTS {fts}_{suffix}" for suffix in ("au", "ad", "ai")] + [f"DROP TABLE IF EXISTS {fts}"]


def postgres_fts_ddl(table: str) -> list[str]:
    """The PostgreSQL statements adding ``table``'s tsvector column ('simple' configuration) and GIN index."""
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
        f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)",
    ]


for _table in (Incident.__table__, Annotation.__table__):
    assert isinstance(_table, Table)
    for _sql in sqlite_fts_ddl(_table.name):
        event.listen(_table, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
    for _sql in postgres_fts_ddl(_table.name):
        event.listen(_table, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
    event.listen(
        _table, "before_drop", DDL(f"DROP TABLE IF EXISTS {FTS_TABLES[_table.name]}").execute_if(dialect="sqlite")
    )


def include_in_autogenerate(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic ``include_object`` hook: False for the full-text objects that are not ORM models (the FTS5
    table and its shadow tables, the PostgreSQL ``search_vector`` column and its GIN index), so that
    comparing the migrated schema with the models sees only real differences."""
    if name is None:
        return True
    if type_ == "table" and any(name == fts or name.startswith(fts + "_") for fts in FTS_TABLES.values()):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name.endswith("_search_vector"))

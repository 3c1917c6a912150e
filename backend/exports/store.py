"""The ``exports`` table as the export service uses it (``backend.db.models_exports.Export``).

Functions take a SQLAlchemy ``Session`` (run them through ``Database.run``/``ReadDatabase.run``). Rows come
back as ``ExportRecord`` snapshots. Times are UTC µs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.db.models_exports import Export

ACTIVE = ("queued", "running")


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One row (see ``Export``)."""

    id: str
    status: str
    progress: float
    phase: str
    camera_ids: list[str]
    start_us: int
    end_us: int
    reason: str
    mask_faces: bool
    incident_id: int | None
    expires_days: int
    created_by: str
    created_us: int
    completed_us: int | None = None
    expires_us: int | None = None
    object_key: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    manifest_sha256: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    missing_cameras: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: Export) -> ExportRecord:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def insert_export(session: Session, record: ExportRecord) -> None:
    session.add(Export(**{f.name: getattr(record, f.name) for f in fields(ExportRecord)}))


def get_export(session: Session, export_id: str) -> ExportRecord | None:
    row = session.get(Export, export_id)
    return ExportRecord.of(row) if row is not None else None


def update_export(session: Session, export_id: str, values: dict[str, Any], only_if: tuple[str, ...] = ()) -> bool:
    """Set ``values`` on the row; with ``only_if``, only while its status is one of those. True if updated."""
    stmt = update(Export).where(Export.id == export_id)
    if only_if:
        stmt = stmt.where(Export.status.in_(only_if))
    return bool(session.execute(stmt.values(**values)).rowcount)  # type: ignore[attr-defined]


def list_exports(
    session: Session, *, status: str | None, created_by: str | None, before_us: int | None, limit: int
) -> tuple[list[ExportRecord], int | None]:
    """Newest first; the second value is the ``created_us`` to pass as ``before_us`` for the next page."""
    stmt = select(Export)
    if status is not None:
        stmt = stmt.where(Export.status == status)
    if created_by is not None:
        stmt = stmt.where(Export.created_by == created_by)
    if before_us is not None:
        stmt = stmt.where(Export.created_us < before_us)
    rows = [ExportRecord.of(r) for r in session.scalars(stmt.order_by(Export.created_us.desc()).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].created_us if more and rows else None


def expired_exports(session: Session, now_us: int) -> list[ExportRecord]:
    """Completed exports whose ``expires_us`` has passed."""
    stmt = select(Export).where(Export.status == "completed", Export.expires_us <= now_us)
    return [ExportRecord.of(r) for r in session.scalars(stmt.order_by(Export.expires_us))]


def interrupted_exports(session: Session) -> list[ExportRecord]:
    """Exports left queued or running by a previous process (failed at start-up)."""
    return [ExportRecord.of(r) for r in session.scalars(select(Export).where(Export.status.in_(ACTIVE)))]

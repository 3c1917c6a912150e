"""The ``exports`` table (``backend.exports``): one row per export job and, once completed, its package.

Imported at the end of ``backend.db.models`` so ``metadata.create_all`` and Alembic see it (migration 0006).
Times are integer UTC µs. ``camera_ids``, ``files``, ``missing_cameras`` and ``error`` are JSON (the wire
shapes of ``backend.api.schemas_exports`` in camelCase). ``incident_id`` is a plain indexed integer: the
incidents table lives in another module.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Double, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.models import Base

EXPORT_STATES = ("queued", "running", "completed", "failed", "cancelled", "expired")


class Export(Base):
    """An export: what was asked (cameras, ``[start_us, end_us)``, reason, masking), by whom, its state and, when
    ``completed``, the package in the exports bucket (``object_key``, size, SHA-256, the manifest's SHA-256,
    ``expires_us``)."""

    __tablename__ = "exports"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(repr(s) for s in EXPORT_STATES) + ")", name="status"),
        Index("ix_exports_created", "created_us"),
        Index("ix_exports_status_expires", "status", "expires_us"),
        Index("ix_exports_incident_id", "incident_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Double, default=0.0)
    phase: Mapped[str] = mapped_column(String(200), default="")
    camera_ids: Mapped[list[str]] = mapped_column(JSON)
    start_us: Mapped[int]
    end_us: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    mask_faces: Mapped[bool] = mapped_column(Boolean, default=False)
    incident_id: Mapped[int | None] = mapped_column(Integer)
    expires_days: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int]
    completed_us: Mapped[int | None]
    expires_us: Mapped[int | None]
    object_key: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    missing_cameras: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)

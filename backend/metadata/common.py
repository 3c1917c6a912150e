"""Helpers shared by the metadata modules: times, the author rule and row look-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from backend.db.models import Camera
from backend.errors import CameraNotFoundError
from backend.metadata.errors import EndNotAfterStartError, NotAuthorError
from backend.playback.ranges import require_timezone, to_us

T = TypeVar("T")


def us(moment: datetime, field: str) -> int:
    """An aware datetime -> UTC µs; 400 ``time_without_timezone`` for a naive one."""
    return to_us(require_timezone(moment, field))


def check_range(start_us: int, end_us: int) -> None:
    """400 ``end_before_start`` unless ``end_us > start_us``."""
    if end_us <= start_us:
        raise EndNotAfterStartError()


def require_cameras(session: Session, camera_ids: list[str]) -> None:
    """404 ``camera_not_found`` for the first of ``camera_ids`` not in the camera table."""
    if not camera_ids:
        return
    known = set(
        session.scalars(Camera.__table__.select().with_only_columns(Camera.id).where(Camera.id.in_(camera_ids)))
    )
    for camera_id in camera_ids:
        if camera_id not in known:
            raise CameraNotFoundError(camera_id)


def require_author(kind: str, row: Any, actor: str, moderator: bool) -> None:
    """403 unless ``actor`` wrote ``row`` (``created_by``) or ``moderator`` (holds ``incidents``)."""
    if not moderator and row.created_by != actor:
        raise NotAuthorError(kind, row.id, row.created_by)

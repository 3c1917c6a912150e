"""Annotations (markers with text at a time on a camera): synchronous functions taking a Session.

``search_text`` (the full-text index's input, ``text.fold``) is written with every change of ``text``.
Listing is by time, newest first, paged with ``beforeId`` (the next page holds the annotations after that one
in this order).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from backend.api.schemas_metadata import AnnotationCreate, AnnotationOut, AnnotationPage, AnnotationPatch
from backend.db.models_metadata import Annotation
from backend.errors import InvalidParameterError
from backend.metadata.common import check_range, require_author, require_cameras, us
from backend.metadata.errors import AnnotationNotFoundError
from backend.metadata.text import fold
from backend.playback.ranges import from_us


def annotation_out(row: Annotation) -> AnnotationOut:
    return AnnotationOut(
        id=row.id,
        camera_id=row.camera_id,
        time=from_us(row.time_us),
        end=None if row.end_us is None else from_us(row.end_us),
        text=row.text,
        created_by=row.created_by,
        created_at=from_us(row.created_us),
        updated_at=from_us(row.updated_us),
    )


def get(session: Session, annotation_id: int) -> Annotation:
    """The annotation; 404 ``annotation_not_found``."""
    row = session.get(Annotation, annotation_id)
    if row is None:
        raise AnnotationNotFoundError(annotation_id)
    return row


def create(session: Session, body: AnnotationCreate, actor: str, now_us: int) -> AnnotationOut:
    """A new annotation. 404 ``camera_not_found``; 400 for times (``end`` must be after ``time``)."""
    time_us = us(body.time, "time")
    end_us = None if body.end is None else us(body.end, "end")
    if end_us is not None:
        check_range(time_us, end_us)
    require_cameras(session, [body.camera_id])
    row = Annotation(
        camera_id=body.camera_id,
        time_us=time_us,
        end_us=end_us,
        text=body.text,
        search_text=fold(body.text),
        created_by=actor,
        created_us=now_us,
        updated_us=now_us,
    )
    session.add(row)
    session.flush()
    return annotation_out(row)


def patch(
    session: Session, annotation_id: int, body: AnnotationPatch, actor: str, moderator: bool, now_us: int
) -> AnnotationOut:
    """Change text and/or times (author rule: 403 for someone else's without ``incidents``)."""
    row = get(session, annotation_id)
    require_author("annotation", row, actor, moderator)
    fields = body.model_fields_set
    if body.text is not None:
        row.text, row.search_text = body.text, fold(body.text)
    if body.time is not None:
        row.time_us = us(body.time, "time")
    if "end" in fields:
        row.end_us = None if body.end is None else us(body.end, "end")
    if row.end_us is not None:
        check_range(row.time_us, row.end_us)
    row.updated_us = now_us
    session.flush()
    return annotation_out(row)


def delete(session: Session, annotation_id: int, actor: str, moderator: bool) -> str:
    """Delete (author rule); returns the annotation's camera id."""
    row = get(session, annotation_id)
    require_author("annotation", row, actor, moderator)
    camera_id = row.camera_id
    session.delete(row)
    return camera_id


@dataclass(frozen=True, slots=True)
class AnnotationFilter:
    """``GET /annotations``: ``[start_us, end_us)`` on the annotation's time (either bound optional)."""

    camera_id: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    created_by: str | None = None
    limit: int = 50
    before_id: int | None = None


def page(session: Session, flt: AnnotationFilter) -> AnnotationPage:
    """Annotations matching ``flt``, newest first; ``nextBeforeId`` when there may be more. 400
    ``invalid_parameter`` when ``beforeId`` names no annotation."""
    stmt = select(Annotation)
    if flt.camera_id is not None:
        stmt = stmt.where(Annotation.camera_id == flt.camera_id)
    if flt.created_by is not None:
        stmt = stmt.where(Annotation.created_by == flt.created_by)
    if flt.start_us is not None:
        stmt = stmt.where(Annotation.time_us >= flt.start_us)
    if flt.end_us is not None:
        stmt = stmt.where(Annotation.time_us < flt.end_us)
    if flt.before_id is not None:
        cursor = session.get(Annotation, flt.before_id)
        if cursor is None:
            raise InvalidParameterError(
                "beforeId", str(flt.before_id), "no such annotation", "لا توجد ملاحظة بهذا الرقم"
            )
        stmt = stmt.where(
            or_(
                Annotation.time_us < cursor.time_us,
                and_(Annotation.time_us == cursor.time_us, Annotation.id < cursor.id),
            )
        )
    rows = list(session.scalars(stmt.order_by(Annotation.time_us.desc(), Annotation.id.desc()).limit(flt.limit + 1)))
    more = len(rows) > flt.limit
    rows = rows[: flt.limit]
    return AnnotationPage(
        annotations=[annotation_out(r) for r in rows], next_before_id=rows[-1].id if more and rows else None
    )

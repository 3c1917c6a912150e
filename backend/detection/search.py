"""Searching the ``detections`` table (issue 6 §3): filtered pages newest first, per-label summaries, one row.

Functions take a SQLAlchemy ``Session`` of the read-only engine (``backend.db.reads.ReadDatabase``: on SQLite a
deferred ``BEGIN``, so searches never take the write lock the pipeline's inserts need); callers run them in a
worker thread (``ReadDatabase.run``). SQL is SQLAlchemy Core, portable between SQLite and PostgreSQL.

Every query walks one of the table's indexes in time order and stops after ``limit + 1`` matching rows:
- camera and label: ``(camera_id, label, at_us)``; camera only: ``(camera_id, at_us)``; label only:
  ``(label, at_us)``;
- neither: the labels present are listed with a skip scan of ``(label, at_us)`` (one index seek per label, a
  recursive CTE) and the page is the newest rows of a ``UNION ALL`` of one ``(label, at_us)`` range per label,
  each branch limited to the page size.
Order is ``at_us`` descending then ``id`` descending (the id is the tie-breaker of frames with several
objects; on SQLite the rowid is the last column of every index, so no sort is needed). Paging by ``beforeId``
continues strictly after that row in this order: ``at_us <= t AND (at_us < t OR id < beforeId)``, where the
first half bounds the index range. ``minScore`` and ``detector`` are checked on the rows the index yields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from backend.db.models import Camera, Detection
from backend.errors import BilingualError, CameraNotFoundError


class DetectionNotFoundError(BilingualError):
    """404: no detection with this id (deleted with its camera, or never stored)."""

    code, status = "detection_not_found", 404

    def __init__(self, detection_id: str) -> None:
        super().__init__(
            "No such detection.",
            "لا يوجد اكتشاف بهذا المعرّف.",
            {"detectionId": detection_id[:64]},
        )


class UnknownBeforeIdError(BilingualError):
    """400: ``beforeId`` names no stored detection (the page it came from was deleted)."""

    code, status = "invalid_before_id", 400

    def __init__(self, before_id: int) -> None:
        super().__init__(
            "beforeId names no stored detection; start again from the first page.",
            "المعرّف beforeId لا يشير إلى اكتشاف محفوظ؛ ابدأ من الصفحة الأولى مرة أخرى.",
            {"beforeId": before_id},
        )


@dataclass(frozen=True, slots=True)
class DetectionFilter:
    """A search: every field optional except ``limit`` (1..1000). Times are UTC µs, ``[start_us, end_us)``."""

    camera_id: str | None = None
    label: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    min_score: float | None = None
    detector: str | None = None
    limit: int = 100
    before_id: int | None = None


@dataclass(frozen=True, slots=True)
class DetectionRow:
    """One stored detection (box normalised to 0..1 of the frame)."""

    id: int
    camera_id: str
    segment_id: int | None
    at_us: int
    detector: str
    label: str
    class_id: int
    score: float
    x1: float
    y1: float
    x2: float
    y2: float
    frame_width: int
    frame_height: int


@dataclass(frozen=True, slots=True)
class LabelCount:
    """One label of a summary: ``count`` rows, first and last ``at_us`` (UTC µs), best score."""

    label: str
    count: int
    first_us: int
    last_us: int
    max_score: float


@dataclass(frozen=True, slots=True)
class Page:
    """A page newest first; ``next_before_id`` None on the last page."""

    rows: list[DetectionRow]
    next_before_id: int | None


_COLUMNS = (
    Detection.id,
    Detection.camera_id,
    Detection.segment_id,
    Detection.at_us,
    Detection.detector,
    Detection.label,
    Detection.class_id,
    Detection.score,
    Detection.x1,
    Detection.y1,
    Detection.x2,
    Detection.y2,
    Detection.frame_width,
    Detection.frame_height,
)


def _conditions(f: DetectionFilter, cursor_us: int | None) -> list[Any]:
    out: list[Any] = []
    if f.camera_id is not None:
        out.append(Detection.camera_id == f.camera_id)
    if f.start_us is not None:
        out.append(Detection.at_us >= f.start_us)
    if f.end_us is not None:
        out.append(Detection.at_us < f.end_us)
    if cursor_us is not None and f.before_id is not None:
        out.append(Detection.at_us <= cursor_us)
        out.append(or_(Detection.at_us < cursor_us, Detection.id < f.before_id))
    if f.min_score is not None:
        out.append(Detection.score >= f.min_score)
    if f.detector is not None:
        out.append(Detection.detector == f.detector)
    return out


def _newest(stmt: Select[*tuple[Any, ...]], limit: int) -> Select[*tuple[Any, ...]]:
    return stmt.order_by(Detection.at_us.desc(), Detection.id.desc()).limit(limit)


def present_labels(session: Session) -> list[str]:
    """The distinct labels in the table, sorted: a skip scan of ``(label, at_us)``, one seek per label."""
    step = select(func.min(Detection.label)).scalar_subquery()
    walk = select(step.label("label")).cte("labels", recursive=True)
    nxt = select(func.min(Detection.label)).where(Detection.label > walk.c.label).scalar_subquery()
    walk = walk.union_all(select(nxt.label("label")).where(walk.c.label.is_not(None)))
    return [label for label in session.scalars(select(walk.c.label)) if label is not None]


def search_statement(session: Session, f: DetectionFilter) -> Select[*tuple[Any, ...]]:
    """The SELECT of a page (``limit + 1`` rows, to know whether another page follows). Raises
    UnknownBeforeIdError. Public for EXPLAIN in tests."""
    cursor_us: int | None = None
    if f.before_id is not None:
        cursor_us = session.scalar(select(Detection.at_us).where(Detection.id == f.before_id))
        if cursor_us is None:
            raise UnknownBeforeIdError(f.before_id)
    conditions = _conditions(f, cursor_us)
    n = f.limit + 1
    if f.label is not None or f.camera_id is not None:
        label = [Detection.label == f.label] if f.label is not None else []
        return _newest(select(*_COLUMNS).where(*label, *conditions), n)
    labels = present_labels(session)
    if not labels:
        return select(*_COLUMNS).where(literal_column("1") == 0)
    branches = [
        _newest(select(*_COLUMNS).where(Detection.label == label, *conditions), n).subquery(f"l{i}")
        for i, label in enumerate(labels)
    ]
    merged = union_all(*(select(branch) for branch in branches)).subquery("merged")
    return select(merged).order_by(merged.c.at_us.desc(), merged.c.id.desc()).limit(n)


def search(session: Session, f: DetectionFilter) -> Page:
    """One page of detections matching ``f``, newest first. Raises UnknownBeforeIdError."""
    rows = [DetectionRow(**row._asdict()) for row in session.execute(search_statement(session, f))]
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return Page(rows, rows[-1].id if more and rows else None)


def summary(session: Session, camera_id: str, start_us: int, end_us: int) -> list[LabelCount]:
    """Per label (sorted by label) the count, first and last time and best score of ``camera_id``'s detections
    in ``[start_us, end_us)``. Raises CameraNotFoundError."""
    if session.scalar(select(Camera.id).where(Camera.id == camera_id)) is None:
        raise CameraNotFoundError(camera_id)
    stmt = (
        select(
            Detection.label,
            func.count(),
            func.min(Detection.at_us),
            func.max(Detection.at_us),
            func.max(Detection.score),
        )
        .where(Detection.camera_id == camera_id, Detection.at_us >= start_us, Detection.at_us < end_us)
        .group_by(Detection.label)
        .order_by(Detection.label)
    )
    rows = session.execute(stmt)
    return [LabelCount(label, int(count), int(lo), int(hi), float(best)) for label, count, lo, hi, best in rows]


def get_detection(session: Session, detection_id: int) -> DetectionRow | None:
    """The detection ``detection_id``, or None."""
    row = session.execute(select(*_COLUMNS).where(Detection.id == detection_id)).first()
    return DetectionRow(**row._asdict()) if row is not None else None

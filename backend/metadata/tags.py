"""Tag definitions and tagged ranges (segment tags are tagged ranges with ``segment_id``): synchronous
functions taking a SQLAlchemy Session (run through ``Database.run`` / ``ReadDatabase.run``).

Times are UTC µs inside, aware datetimes on the wire (``backend.api.schemas_metadata``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.api.schemas_metadata import TagCreate, TaggedRangeCreate, TaggedRangeOut, TagOut, TagPatch
from backend.db.models import Segment
from backend.db.models_metadata import Tag, TaggedRange
from backend.metadata.common import check_range, require_author, require_cameras, us
from backend.metadata.errors import SegmentNotFoundError, TagExistsError, TaggedRangeNotFoundError, TagNotFoundError
from backend.playback.ranges import from_us


def tag_out(tag: Tag) -> TagOut:
    return TagOut(
        id=tag.id,
        name=tag.name,
        category=tag.category,
        color=tag.color.upper(),
        created_by=tag.created_by,
        created_at=from_us(tag.created_us),
    )


def range_out(row: TaggedRange, tag: Tag) -> TaggedRangeOut:
    return TaggedRangeOut(
        id=row.id,
        tag=tag_out(tag),
        camera_id=row.camera_id,
        start=from_us(row.start_us),
        end=from_us(row.end_us),
        segment_id=row.segment_id,
        note=row.note,
        created_by=row.created_by,
        created_at=from_us(row.created_us),
    )


def _key(name: str) -> str:
    return name.strip().casefold()


def get_tag(session: Session, tag_id: int) -> Tag:
    """The tag; 404 ``tag_not_found``."""
    tag = session.get(Tag, tag_id)
    if tag is None:
        raise TagNotFoundError(tag_id)
    return tag


def list_tags(session: Session) -> list[TagOut]:
    """Every tag by category, then name."""
    return [tag_out(t) for t in session.scalars(select(Tag).order_by(Tag.category, Tag.name_key, Tag.id))]


def _unique(session: Session, name: str, tag_id: int | None = None) -> None:
    other = session.scalar(select(Tag).where(Tag.name_key == _key(name)))
    if other is not None and other.id != tag_id:
        raise TagExistsError(name.strip())


def create_tag(session: Session, body: TagCreate, actor: str, now_us: int) -> TagOut:
    """A new tag; 409 ``tag_exists`` when the name is taken (case-insensitively)."""
    _unique(session, body.name)
    tag = Tag(
        name=body.name.strip(),
        name_key=_key(body.name),
        category=body.category.strip(),
        color=body.color.upper(),
        created_by=actor,
        created_us=now_us,
    )
    session.add(tag)
    session.flush()
    return tag_out(tag)


def patch_tag(session: Session, tag_id: int, body: TagPatch) -> TagOut:
    """Rename, recolour or recategorise a tag; 404 / 409 as for create."""
    tag = get_tag(session, tag_id)
    if body.name is not None:
        _unique(session, body.name, tag_id)
        tag.name, tag.name_key = body.name.strip(), _key(body.name)
    if body.category is not None:
        tag.category = body.category.strip()
    if body.color is not None:
        tag.color = body.color.upper()
    session.flush()
    return tag_out(tag)


def delete_tag(session: Session, tag_id: int) -> None:
    """Delete a tag; its tagged ranges and incident links go with it (foreign keys ON DELETE CASCADE)."""
    session.delete(get_tag(session, tag_id))


def create_range(session: Session, body: TaggedRangeCreate, actor: str, now_us: int) -> TaggedRangeOut:
    """Tag ``[start, end)`` of a camera. 404 ``tag_not_found`` / ``camera_not_found``, 400 for times."""
    start_us, end_us = us(body.start, "start"), us(body.end, "end")
    check_range(start_us, end_us)
    tag = get_tag(session, body.tag_id)
    require_cameras(session, [body.camera_id])
    row = TaggedRange(
        tag_id=tag.id,
        camera_id=body.camera_id,
        start_us=start_us,
        end_us=end_us,
        note=body.note,
        created_by=actor,
        created_us=now_us,
    )
    session.add(row)
    session.flush()
    return range_out(row, tag)


def tag_segment(session: Session, segment_id: int, tag_id: int, actor: str, now_us: int) -> TaggedRangeOut:
    """Tag a recorded segment (its camera and range); the existing range when the segment already has the tag.
    404 ``segment_not_found`` / ``tag_not_found``."""
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise SegmentNotFoundError(segment_id)
    tag = get_tag(session, tag_id)
    row = session.scalar(
        select(TaggedRange).where(TaggedRange.segment_id == segment_id, TaggedRange.tag_id == tag_id).limit(1)
    )
    if row is None:
        row = TaggedRange(
            tag_id=tag.id,
            camera_id=segment.camera_id,
            segment_id=segment.id,
            start_us=segment.start_us,
            end_us=segment.end_us,
            note="",
            created_by=actor,
            created_us=now_us,
        )
        session.add(row)
        session.flush()
    return range_out(row, tag)


def untag_segment(session: Session, segment_id: int, tag_id: int, actor: str, moderator: bool) -> None:
    """Remove ``tag_id`` from a segment (author rule). 404 ``segment_not_found`` / ``tag_not_found`` (also
    when the segment does not carry the tag)."""
    if session.get(Segment, segment_id) is None:
        raise SegmentNotFoundError(segment_id)
    rows = list(
        session.scalars(select(TaggedRange).where(TaggedRange.segment_id == segment_id, TaggedRange.tag_id == tag_id))
    )
    if not rows:
        raise TagNotFoundError(tag_id)
    for row in rows:
        require_author("tagged range", row, actor, moderator)
        session.delete(row)


def delete_range(session: Session, range_id: int, actor: str, moderator: bool) -> None:
    """Delete a tagged range (author rule); 404 ``tagged_range_not_found``."""
    row = session.get(TaggedRange, range_id)
    if row is None:
        raise TaggedRangeNotFoundError(range_id)
    require_author("tagged range", row, actor, moderator)
    session.delete(row)


@dataclass(frozen=True, slots=True)
class RangeFilter:
    """``GET /tagged-ranges``: ranges overlapping ``[start_us, end_us)`` (either bound optional)."""

    camera_id: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    tag_id: int | None = None
    limit: int = 50


def list_ranges(session: Session, flt: RangeFilter) -> list[TaggedRangeOut]:
    """Tagged ranges matching ``flt``, by start."""
    stmt = select(TaggedRange, Tag).join(Tag, Tag.id == TaggedRange.tag_id)
    if flt.camera_id is not None:
        stmt = stmt.where(TaggedRange.camera_id == flt.camera_id)
    if flt.tag_id is not None:
        stmt = stmt.where(TaggedRange.tag_id == flt.tag_id)
    if flt.end_us is not None:
        stmt = stmt.where(TaggedRange.start_us < flt.end_us)
    if flt.start_us is not None:
        stmt = stmt.where(TaggedRange.end_us > flt.start_us)
    stmt = stmt.order_by(TaggedRange.start_us, TaggedRange.id).limit(flt.limit)
    return [range_out(row, tag) for row, tag in session.execute(stmt).all()]

"""Incidents with their cameras and tags: synchronous functions taking a Session.

``search_text`` = ``fold(title + "\\n" + description)`` is written with every change of either. ``closed_us``
is set when the status becomes ``closed`` and cleared when it leaves it. Listing and search are in
``backend.metadata.search``.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.api.schemas_metadata import IncidentCreate, IncidentOut, IncidentPatch
from backend.db.models import Camera, User
from backend.db.models_clips import Clip
from backend.db.models_exports import Export
from backend.db.models_metadata import Incident, IncidentCamera, IncidentTag, Tag
from backend.metadata.common import check_range, require_cameras, us
from backend.metadata.errors import IncidentNotFoundError, TagNotFoundError, UnknownUserError
from backend.metadata.tags import tag_out
from backend.metadata.text import fold
from backend.playback.ranges import from_us


def get(session: Session, incident_id: int) -> Incident:
    """The incident; 404 ``incident_not_found``."""
    row = session.get(Incident, incident_id)
    if row is None:
        raise IncidentNotFoundError(incident_id)
    return row


def outs(session: Session, ids: list[int]) -> list[IncidentOut]:
    """IncidentOut of each of ``ids`` that exists, in the order of ``ids`` (five queries for the page: rows,
    cameras, tags, and the clips and exports made for them, oldest first)."""
    if not ids:
        return []
    rows = {r.id: r for r in session.scalars(select(Incident).where(Incident.id.in_(ids)))}
    cameras: dict[int, list[tuple[str, str]]] = defaultdict(list)
    stmt = (
        select(IncidentCamera.incident_id, Camera.id, Camera.agency)
        .join(Camera, Camera.id == IncidentCamera.camera_id)
        .where(IncidentCamera.incident_id.in_(ids))
        .order_by(Camera.id)
    )
    for incident_id, camera_id, agency in session.execute(stmt).all():
        cameras[incident_id].append((camera_id, agency))
    tags: dict[int, list[Tag]] = defaultdict(list)
    tag_stmt = (
        select(IncidentTag.incident_id, Tag)
        .join(Tag, Tag.id == IncidentTag.tag_id)
        .where(IncidentTag.incident_id.in_(ids))
        .order_by(Tag.category, Tag.name_key)
    )
    for incident_id, tag in session.execute(tag_stmt).all():
        tags[incident_id].append(tag)
    clips: dict[int, list[int]] = defaultdict(list)
    for owner, clip_id in session.execute(
        select(Clip.incident_id, Clip.id).where(Clip.incident_id.in_(ids)).order_by(Clip.id)
    ).all():
        clips[int(owner or 0)].append(clip_id)
    exports: dict[int, list[str]] = defaultdict(list)
    for owner, export_id in session.execute(
        select(Export.incident_id, Export.id).where(Export.incident_id.in_(ids)).order_by(Export.created_us)
    ).all():
        exports[int(owner or 0)].append(export_id)
    return [
        _out(rows[i], cameras[i], tags[i]).model_copy(update={"clip_ids": clips[i], "export_ids": exports[i]})
        for i in ids
        if i in rows
    ]


def _out(row: Incident, cameras: list[tuple[str, str]], tags: list[Tag]) -> IncidentOut:
    return IncidentOut(
        id=row.id,
        title=row.title,
        description=row.description,
        severity=row.severity,  # type: ignore[arg-type]  # CHECK constraint keeps it a Severity
        status=row.status,  # type: ignore[arg-type]
        camera_ids=[c for c, _ in cameras],
        agencies=sorted({a for _, a in cameras}),
        start=from_us(row.start_us),
        end=from_us(row.end_us),
        tags=[tag_out(t) for t in tags],
        assignee=row.assignee,
        created_by=row.created_by,
        created_at=from_us(row.created_us),
        updated_at=from_us(row.updated_us),
        closed_at=None if row.closed_us is None else from_us(row.closed_us),
    )


def _require_tags(session: Session, tag_ids: list[int]) -> None:
    known = set(session.scalars(select(Tag.id).where(Tag.id.in_(tag_ids)))) if tag_ids else set()
    for tag_id in tag_ids:
        if tag_id not in known:
            raise TagNotFoundError(tag_id)


def _require_user(session: Session, username: str | None) -> str | None:
    if username is None:
        return None
    name = username.strip().lower()
    if session.get(User, name) is None:
        raise UnknownUserError(username)
    return name


def _set_links(session: Session, incident_id: int, camera_ids: list[str] | None, tag_ids: list[int] | None) -> None:
    if camera_ids is not None:
        session.execute(sql_delete(IncidentCamera).where(IncidentCamera.incident_id == incident_id))
        session.add_all(IncidentCamera(incident_id=incident_id, camera_id=c) for c in dict.fromkeys(camera_ids))
    if tag_ids is not None:
        session.execute(sql_delete(IncidentTag).where(IncidentTag.incident_id == incident_id))
        session.add_all(IncidentTag(incident_id=incident_id, tag_id=t) for t in dict.fromkeys(tag_ids))


def create(session: Session, body: IncidentCreate, actor: str, now_us: int) -> IncidentOut:
    """A new incident. 404 ``camera_not_found`` / ``tag_not_found``, 422 ``unknown_user`` (assignee), 400
    for times."""
    start_us, end_us = us(body.start, "start"), us(body.end, "end")
    check_range(start_us, end_us)
    require_cameras(session, body.camera_ids)
    _require_tags(session, body.tag_ids)
    row = Incident(
        title=body.title,
        description=body.description,
        search_text=fold(f"{body.title}\n{body.description}"),
        severity=body.severity,
        status=body.status,
        start_us=start_us,
        end_us=end_us,
        assignee=_require_user(session, body.assignee),
        created_by=actor,
        created_us=now_us,
        updated_us=now_us,
        closed_us=now_us if body.status == "closed" else None,
    )
    session.add(row)
    session.flush()
    _set_links(session, row.id, body.camera_ids, body.tag_ids)
    session.flush()
    return outs(session, [row.id])[0]


def patch(session: Session, incident_id: int, body: IncidentPatch, now_us: int) -> IncidentOut:
    """Change the fields given (``assignee: null`` unassigns); errors as for create."""
    row = get(session, incident_id)
    fields = body.model_fields_set
    if body.title is not None:
        row.title = body.title
    if body.description is not None:
        row.description = body.description
    if body.title is not None or body.description is not None:
        row.search_text = fold(f"{row.title}\n{row.description}")
    if body.severity is not None:
        row.severity = body.severity
    if body.status is not None and body.status != row.status:
        row.closed_us = now_us if body.status == "closed" else None
        row.status = body.status
    if body.start is not None:
        row.start_us = us(body.start, "start")
    if body.end is not None:
        row.end_us = us(body.end, "end")
    check_range(row.start_us, row.end_us)
    if "assignee" in fields:
        row.assignee = _require_user(session, body.assignee)
    if body.camera_ids is not None:
        require_cameras(session, body.camera_ids)
    if body.tag_ids is not None:
        _require_tags(session, body.tag_ids)
    _set_links(session, row.id, body.camera_ids, body.tag_ids)
    row.updated_us = now_us
    session.flush()
    return outs(session, [row.id])[0]


def delete(session: Session, incident_id: int) -> list[str]:
    """Delete the incident (its camera and tag links go with it); returns its camera ids."""
    row = get(session, incident_id)
    camera_ids = list(session.scalars(select(IncidentCamera.camera_id).where(IncidentCamera.incident_id == row.id)))
    session.delete(row)
    return camera_ids

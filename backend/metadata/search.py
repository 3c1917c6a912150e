"""Full-text search over incidents and annotations, and the filtered incident list (issue 7 §3).

The text query is the user's words (``text.search_words``), each quoted and prefix-matched, all required:
- SQLite: ``<table>_fts MATCH :match`` on the FTS5 external-content tables, ranked by ``bm25`` (best first;
  ``rank`` = -bm25), snippets by FTS5 ``snippet()``.
- PostgreSQL: ``search_vector @@ to_tsquery('simple', :query)`` (GIN index), ranked by ``ts_rank``, snippets
  by ``ts_headline``.
The match text is always a bound parameter. Snippets show the folded text (``text.fold``) with the matches
between ``[`` and ``]``.

Filters (all optional, ANDed): camera, agency (through ``cameras.agency``), tag, severity, status, assignee,
creator, user (creator or assignee), time overlap with ``[start_us, end_us)``. Tags, severity and status are
incident properties: a search with any of them finds incidents only. ``total`` is exact up to ``cap`` and
``cap`` above it (counting a huge match set costs more than the page itself).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from backend.api.schemas_metadata import IncidentPage, SearchHit, SearchPage
from backend.db.models import Camera
from backend.db.models_metadata import Annotation, Incident, IncidentCamera, IncidentTag
from backend.metadata import incidents
from backend.metadata.text import fts5_match, tsquery_text
from backend.playback.ranges import from_us

TITLE_CHARS = 120


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """What to find. ``words``: folded search words (None: no text query); ``kind``: incident | annotation |
    None (both); times UTC µs; ``user`` matches the creator or the assignee."""

    words: list[str] | None = None
    kind: str | None = None
    camera_id: str | None = None
    agency: str | None = None
    tag_id: int | None = None
    severity: str | None = None
    status: str | None = None
    assignee: str | None = None
    created_by: str | None = None
    user: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    limit: int = 50
    offset: int = 0

    @property
    def incident_only(self) -> bool:
        return self.tag_id is not None or self.severity is not None or self.status is not None


class _Match:
    """The dialect's text-match pieces for one searched table (``incidents`` or ``annotations``)."""

    def __init__(self, dialect: str, model: Any, words: list[str], snippet_words: int) -> None:
        name = model.__tablename__
        if dialect == "sqlite":
            fts: ColumnElement[Any] = literal_column(f"{name}_fts")
            self.source: Any = table(f"{name}_fts", column("rowid"))
            self.join_on: Any = model.id == self.source.c.rowid
            self.where: ColumnElement[Any] = fts.op("MATCH")(bindparam("match", fts5_match(words)))
            bm25 = func.bm25(fts)
            self.order: ColumnElement[Any] = bm25
            self.rank: ColumnElement[Any] = -bm25
            self.snippet: ColumnElement[Any] = func.snippet(fts, 0, "[", "]", "…", snippet_words)
        else:
            query = func.to_tsquery(literal_column("'simple'::regconfig"), bindparam("query", tsquery_text(words)))
            vector: ColumnElement[Any] = literal_column(f"{name}.search_vector")
            self.source = None
            self.join_on = None
            self.where = vector.op("@@")(query)
            rank = func.ts_rank(vector, query)
            self.order = rank.desc()
            self.rank = rank
            options = f"StartSel=[, StopSel=], MaxWords={snippet_words}, MinWords={max(2, snippet_words // 3)}"
            self.snippet = func.ts_headline(literal_column("'simple'::regconfig"), model.search_text, query, options)

    def apply(self, stmt: Select[Any], model: Any) -> Select[Any]:
        if self.source is not None:
            stmt = stmt.select_from(self.source).join(model, self.join_on)
        return stmt.where(self.where)


def _incident_filters(flt: SearchFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if flt.camera_id is not None:
        out.append(exists().where(IncidentCamera.incident_id == Incident.id, IncidentCamera.camera_id == flt.camera_id))
    if flt.agency is not None:
        out.append(
            exists()
            .where(IncidentCamera.incident_id == Incident.id)
            .where(Camera.id == IncidentCamera.camera_id, Camera.agency == flt.agency)
        )
    if flt.tag_id is not None:
        out.append(exists().where(IncidentTag.incident_id == Incident.id, IncidentTag.tag_id == flt.tag_id))
    if flt.severity is not None:
        out.append(Incident.severity == flt.severity)
    if flt.status is not None:
        out.append(Incident.status == flt.status)
    if flt.assignee is not None:
        out.append(Incident.assignee == flt.assignee)
    if flt.created_by is not None:
        out.append(Incident.created_by == flt.created_by)
    if flt.user is not None:
        out.append(or_(Incident.created_by == flt.user, Incident.assignee == flt.user))
    if flt.end_us is not None:
        out.append(Incident.start_us < flt.end_us)
    if flt.start_us is not None:
        out.append(Incident.end_us > flt.start_us)
    return out


def _annotation_filters(flt: SearchFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if flt.camera_id is not None:
        out.append(Annotation.camera_id == flt.camera_id)
    if flt.agency is not None:
        out.append(exists().where(Camera.id == Annotation.camera_id, Camera.agency == flt.agency))
    user = flt.user if flt.user is not None else flt.created_by
    if user is not None:
        out.append(Annotation.created_by == user)
    if flt.assignee is not None:
        out.append(literal(False))
    if flt.end_us is not None:
        out.append(Annotation.time_us < flt.end_us)
    if flt.start_us is not None:
        out.append(
            or_(
                Annotation.time_us >= flt.start_us,
                and_(Annotation.end_us.is_not(None), Annotation.end_us > flt.start_us),
            )
        )
    return out


def _capped_count(session: Session, stmt: Select[Any], cap: int) -> int:
    """How many rows ``stmt`` yields, counting at most ``cap``."""
    return int(session.scalar(select(func.count()).select_from(stmt.limit(cap).subquery())) or 0)


def incident_page(session: Session, flt: SearchFilter, cap: int, snippet_words: int = 16) -> IncidentPage:
    """Incidents matching ``flt``: best match first with ``words``, else newest first; ``total`` capped."""
    filters = _incident_filters(flt)
    if flt.words:
        match = _Match(session.get_bind().dialect.name, Incident, flt.words, snippet_words)
        base = match.apply(select(Incident.id), Incident).where(*filters)
        ids = list(session.scalars(base.order_by(match.order, Incident.id.desc()).offset(flt.offset).limit(flt.limit)))
    else:
        base = select(Incident.id).where(*filters)
        ids = list(session.scalars(base.order_by(Incident.id.desc()).offset(flt.offset).limit(flt.limit)))
    total = _capped_count(session, base, cap)
    return IncidentPage(incidents=incidents.outs(session, ids), total=total)


def search(session: Session, flt: SearchFilter, cap: int, snippet_words: int = 16) -> SearchPage:
    """Full-text hits over incidents and annotations (``flt.words`` required), best first, paged."""
    assert flt.words, "search needs words"
    dialect = session.get_bind().dialect.name
    want = flt.offset + flt.limit
    hits: list[SearchHit] = []
    total = 0
    if flt.kind in (None, "incident"):
        match = _Match(dialect, Incident, flt.words, snippet_words)
        base = match.apply(select(Incident.id), Incident).where(*_incident_filters(flt))
        stmt = match.apply(
            select(
                Incident.id,
                match.rank,
                match.snippet,
                Incident.title,
                Incident.start_us,
                Incident.severity,
                Incident.status,
                Incident.created_by,
            ),
            Incident,
        ).where(*_incident_filters(flt))
        rows = session.execute(stmt.order_by(match.order, Incident.id.desc()).limit(want)).all()
        cameras = _incident_cameras(session, [r[0] for r in rows])
        hits += [
            SearchHit(kind="incident", id=r[0], rank=float(r[1]), snippet=r[2] or "", title=r[3], time=from_us(r[4]),
                      camera_ids=cameras[r[0]], severity=r[5], status=r[6], created_by=r[7])
            for r in rows
        ]  # fmt: skip
        total += _capped_count(session, base, cap)
    if flt.kind in (None, "annotation") and not flt.incident_only:
        match = _Match(dialect, Annotation, flt.words, snippet_words)
        filters = _annotation_filters(flt)
        base = match.apply(select(Annotation.id), Annotation).where(*filters)
        stmt = match.apply(
            select(Annotation.id, match.rank, match.snippet, Annotation.text, Annotation.time_us,
                   Annotation.camera_id, Annotation.created_by),
            Annotation,
        ).where(*filters)  # fmt: skip
        rows = session.execute(stmt.order_by(match.order, Annotation.id.desc()).limit(want)).all()
        hits += [
            SearchHit(kind="annotation", id=r[0], rank=float(r[1]), snippet=r[2] or "", title=_first_line(r[3]),
                      time=from_us(r[4]), camera_ids=[r[5]], created_by=r[6])
            for r in rows
        ]  # fmt: skip
        total += _capped_count(session, base, cap)
    hits.sort(key=lambda h: (-h.rank, -h.time.timestamp(), h.kind, -h.id))
    return SearchPage(hits=hits[flt.offset : want], total=min(total, cap))


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


def _incident_cameras(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if ids:
        stmt = select(IncidentCamera.incident_id, IncidentCamera.camera_id).where(IncidentCamera.incident_id.in_(ids))
        for incident_id, camera_id in session.execute(stmt.order_by(IncidentCamera.camera_id)).all():
            out[incident_id].append(camera_id)
    return out

"""Wire contract of tags, tagged ranges, annotations, incidents and search (issue 7 §3; seeds' metadata API).

The GUI imports this module. camelCase on the wire; times ISO 8601 with a timezone in requests (400
``time_without_timezone`` otherwise), UTC in answers. Text fields are stored as given (Arabic or English);
user names are the backend's log-in names.

Routes (``/api/v1/metadata``). Reading needs ``view``; writing tags' definitions and incidents needs
``incidents``; annotating and tagging footage needs ``annotate`` (operators have it). An annotation or tagged
range can be changed or deleted by its author, or by anyone with ``incidents``.

- ``GET /tags`` -> TagList (by category, then name). ``POST /tags`` TagCreate -> 201 TagOut (409
  ``tag_exists``); ``PATCH /tags/{id}`` TagPatch -> TagOut; ``DELETE /tags/{id}`` -> 204 (removes it from
  ranges and incidents). 404 ``tag_not_found``.
- ``POST /segments/{id}/tags`` SegmentTagCreate -> 201 TaggedRangeOut (the segment's range, ``segmentId`` set;
  404 ``segment_not_found``); ``DELETE /segments/{id}/tags/{tagId}`` -> 204.
- ``GET /tagged-ranges?cameraId=&start=&end=&tagId=&limit=`` -> TaggedRangeList (overlapping the range, by
  start). ``POST /tagged-ranges`` TaggedRangeCreate -> 201 TaggedRangeOut; ``DELETE /tagged-ranges/{id}`` -> 204.
- ``GET /annotations?cameraId=&start=&end=&createdBy=&limit=&beforeId=`` -> AnnotationPage (by time, newest
  first). ``POST /annotations`` AnnotationCreate -> 201 AnnotationOut; ``GET|PATCH|DELETE /annotations/{id}``.
  404 ``annotation_not_found``.
- ``GET /incidents?q=&severity=&status=&cameraId=&agency=&tagId=&assignee=&createdBy=&start=&end=&limit=&offset=``
  -> IncidentPage (best match first when ``q`` is given, else newest first). ``POST /incidents`` IncidentCreate
  -> 201 IncidentOut; ``GET|PATCH /incidents/{id}`` (404 ``incident_not_found``); ``DELETE`` (``incidents``).
- ``GET /search?q=&kind=&cameraId=&agency=&tagId=&severity=&user=&start=&end=&limit=&offset=`` -> SearchPage:
  full-text over incident titles and descriptions and annotation texts (SQLite FTS5 / PostgreSQL tsvector),
  words matched as typed or as prefixes, any script; ``q`` is plain words: quotes, operators and SQL in it are
  searched for as text, never interpreted. 422 ``bad_query`` for an empty or over-long ``q``.
- WebSocket events ``annotation_changed`` and ``incident_changed`` (data: ``{"id": ..., "change":
  "created|updated|deleted", "cameraIds": [...]}``) so other workstations refresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from backend.api.schemas import ApiModel, ApiRequest

Severity = Literal["low", "medium", "high", "critical"]
IncidentStatus = Literal["open", "investigating", "resolved", "closed"]
SearchKind = Literal["incident", "annotation"]

SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
INCIDENT_STATUSES: tuple[str, ...] = ("open", "investigating", "resolved", "closed")
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
MAX_QUERY_CHARS = 200
MAX_PAGE = 200
DEFAULT_PAGE = 50


# ---------------------------------------------------------------------------------------------- tags


class TagCreate(ApiRequest):
    name: str = Field(min_length=1, max_length=100, description="unique, case-insensitively")
    category: str = Field("", max_length=50)
    color: str = Field("#808080", pattern=COLOR_PATTERN)


class TagPatch(ApiRequest):
    name: str | None = Field(None, min_length=1, max_length=100)
    category: str | None = Field(None, max_length=50)
    color: str | None = Field(None, pattern=COLOR_PATTERN)


class TagOut(ApiModel):
    id: int
    name: str
    category: str
    color: str = Field(description="#RRGGBB")
    created_by: str
    created_at: datetime


class TagList(ApiModel):
    tags: list[TagOut]


class SegmentTagCreate(ApiRequest):
    tag_id: int


class TaggedRangeCreate(ApiRequest):
    tag_id: int
    camera_id: str
    start: datetime
    end: datetime
    note: str = Field("", max_length=1000)


class TaggedRangeOut(ApiModel):
    """A tag on a camera's time range (a segment's range when ``segmentId`` is set)."""

    id: int
    tag: TagOut
    camera_id: str
    start: datetime
    end: datetime
    segment_id: int | None = None
    note: str = ""
    created_by: str
    created_at: datetime


class TaggedRangeList(ApiModel):
    ranges: list[TaggedRangeOut]


# ---------------------------------------------------------------------------------------------- annotations


class AnnotationCreate(ApiRequest):
    """A marker with text at ``time`` on a camera (``end`` for a marked span)."""

    camera_id: str
    time: datetime
    end: datetime | None = None
    text: str = Field(min_length=1, max_length=4000)


class AnnotationPatch(ApiRequest):
    text: str | None = Field(None, min_length=1, max_length=4000)
    time: datetime | None = None
    end: datetime | None = None


class AnnotationOut(ApiModel):
    id: int
    camera_id: str
    time: datetime
    end: datetime | None = None
    text: str
    created_by: str
    created_at: datetime
    updated_at: datetime


class AnnotationPage(ApiModel):
    annotations: list[AnnotationOut]
    next_before_id: int | None = None


# ---------------------------------------------------------------------------------------------- incidents


class IncidentCreate(ApiRequest):
    title: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=20000)
    severity: Severity = "medium"
    status: IncidentStatus = "open"
    camera_ids: list[str] = Field(default_factory=list)
    start: datetime
    end: datetime
    tag_ids: list[int] = Field(default_factory=list)
    assignee: str | None = Field(None, description="a user name; 422 unknown_user if there is no such user")


class IncidentPatch(ApiRequest):
    title: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=20000)
    severity: Severity | None = None
    status: IncidentStatus | None = None
    camera_ids: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    tag_ids: list[int] | None = None
    assignee: str | None = None


class IncidentOut(ApiModel):
    id: int
    title: str
    description: str
    severity: Severity
    status: IncidentStatus
    camera_ids: list[str]
    agencies: list[str] = Field(description="agencies of the cameras, sorted")
    start: datetime
    end: datetime
    tags: list[TagOut]
    assignee: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = Field(None, description="set when the status became closed")
    clip_ids: list[int] = Field(default_factory=list)
    export_ids: list[str] = Field(default_factory=list)


class IncidentPage(ApiModel):
    incidents: list[IncidentOut]
    total: int = Field(description="incidents matching the filters")


# ---------------------------------------------------------------------------------------------- search


class SearchHit(ApiModel):
    kind: SearchKind
    id: int
    title: str = Field(description="incident title, or the annotation's first line")
    snippet: str = Field(description="the matching text with matches between [ and ]")
    time: datetime = Field(description="incident start or annotation time")
    camera_ids: list[str]
    severity: Severity | None = None
    status: IncidentStatus | None = None
    created_by: str
    rank: float = Field(description="higher is a better match")


class SearchPage(ApiModel):
    hits: list[SearchHit]
    total: int

"""Tags, tagged ranges, annotations, incidents and full-text search (issue 7 §3); wire contract in
``schemas_metadata``, logic in ``backend.metadata`` (the service on ``app.state.metadata``).

Permissions (registered under ``API_ROUTERS``, so every route needs ``view``): tag definitions and incidents
need ``incidents``; annotations, tagged ranges and segment tags need ``annotate``, and changing or deleting one
needs its author or ``incidents`` (403 ``forbidden`` otherwise). Bad input: 400 ``time_without_timezone`` /
``invalid_time`` / ``end_before_start``, 422 ``validation_error`` (bodies, ids, enumerations, limit/offset),
422 ``bad_query`` (search text empty, over-long or without words). State changes are audited by the
middleware (the route adds the object's id).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from backend.api.audit_middleware import audit_note
from backend.api.auth import require_permission
from backend.api.deps import error_responses
from backend.api.schemas_metadata import (
    DEFAULT_PAGE,
    MAX_PAGE,
    MAX_QUERY_CHARS,
    AnnotationCreate,
    AnnotationOut,
    AnnotationPage,
    AnnotationPatch,
    IncidentCreate,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    IncidentStatus,
    SearchKind,
    SearchPage,
    SegmentTagCreate,
    Severity,
    TagCreate,
    TaggedRangeCreate,
    TaggedRangeList,
    TaggedRangeOut,
    TagList,
    TagOut,
    TagPatch,
)
from backend.auth.permissions import ANNOTATE, INCIDENTS
from backend.auth.principal import Principal
from backend.errors import BilingualError
from backend.metadata.annotations import AnnotationFilter
from backend.metadata.search import SearchFilter
from backend.metadata.service import MetadataService
from backend.metadata.tags import RangeFilter
from backend.metadata.text import search_words
from backend.playback.errors import EndBeforeStartError
from backend.playback.ranges import parse_time, to_us

router = APIRouter(prefix="/metadata", tags=["metadata"], responses=error_responses(400, 401, 403, 404, 422))

MAX_ID = 2**63 - 1
MAX_OFFSET = 10_000
TIME_DOC = "ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z"
NO_CONTENT = status.HTTP_204_NO_CONTENT


class MetadataUnavailableError(BilingualError):
    code, status = "metadata_unavailable", 503

    def __init__(self) -> None:
        super().__init__(
            "Tags, annotations and incidents are not available: the metadata component is not running.",
            "الوسوم والملاحظات والحوادث غير متاحة: مكوّن البيانات الوصفية لا يعمل.",
        )


def _service(request: Request) -> MetadataService:
    service = getattr(request.app.state, "metadata", None)
    if service is None:
        raise MetadataUnavailableError()
    return service


Service = Annotated[MetadataService, Depends(_service)]
Annotator = Annotated[Principal, Depends(require_permission(ANNOTATE))]
Supervisor = Annotated[Principal, Depends(require_permission(INCIDENTS))]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"1..{MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Start = Annotated[str | None, Query(description=f"inclusive; {TIME_DOC}")]
End = Annotated[str | None, Query(description=f"exclusive; {TIME_DOC}")]
CameraId = Annotated[str | None, Query(alias="cameraId", max_length=64)]


def _moderator(caller: Principal) -> bool:
    return caller.can(INCIDENTS)


def _time(text: str | None, field: str) -> int | None:
    return None if text is None else to_us(parse_time(text, field))


def _window(start: str | None, end: str | None) -> tuple[int | None, int | None]:
    start_us, end_us = _time(start, "start"), _time(end, "end")
    if start_us is not None and end_us is not None and end_us <= start_us:
        raise EndBeforeStartError()
    return start_us, end_us


# ---------------------------------------------------------------------------------------------- tags


@router.get("/tags", response_model=TagList, summary="Every tag, by category then name")
async def list_tags(service: Service) -> TagList:
    return TagList(tags=await service.list_tags())


@router.post("/tags", response_model=TagOut, status_code=201, summary="Define a tag", responses=error_responses(409))
async def create_tag(service: Service, caller: Supervisor, body: TagCreate, request: Request) -> TagOut:
    out = await service.create_tag(body, caller.name)
    audit_note(request, tagId=out.id, name=out.name)
    return out


@router.patch("/tags/{tag_id}", response_model=TagOut, summary="Rename, recolour or recategorise a tag")
async def patch_tag(service: Service, _caller: Supervisor, tag_id: Id, body: TagPatch) -> TagOut:
    return await service.patch_tag(tag_id, body)


@router.delete(
    "/tags/{tag_id}", status_code=NO_CONTENT, summary="Delete a tag (and remove it from ranges and incidents)"
)
async def delete_tag(service: Service, _caller: Supervisor, tag_id: Id) -> Response:
    await service.delete_tag(tag_id)
    return Response(status_code=NO_CONTENT)


@router.post(
    "/segments/{segment_id}/tags",
    response_model=TaggedRangeOut,
    status_code=201,
    summary="Tag a recorded segment (a tagged range over the segment's range)",
)
async def tag_segment(service: Service, caller: Annotator, segment_id: Id, body: SegmentTagCreate) -> TaggedRangeOut:
    return await service.tag_segment(segment_id, body.tag_id, caller.name)


@router.delete("/segments/{segment_id}/tags/{tag_id}", status_code=NO_CONTENT, summary="Remove a tag from a segment")
async def untag_segment(service: Service, caller: Annotator, segment_id: Id, tag_id: Id) -> Response:
    await service.untag_segment(segment_id, tag_id, caller.name, _moderator(caller))
    return Response(status_code=NO_CONTENT)


@router.get("/tagged-ranges", response_model=TaggedRangeList, summary="Tagged ranges overlapping a range, by start")
async def list_ranges(
    service: Service,
    camera_id: CameraId = None,
    start: Start = None,
    end: End = None,
    tag_id: Annotated[int | None, Query(alias="tagId", ge=1, le=MAX_ID)] = None,
    limit: Limit = DEFAULT_PAGE,
) -> TaggedRangeList:
    start_us, end_us = _window(start, end)
    flt = RangeFilter(camera_id=camera_id, start_us=start_us, end_us=end_us, tag_id=tag_id, limit=limit)
    return TaggedRangeList(ranges=await service.list_ranges(flt))


@router.post("/tagged-ranges", response_model=TaggedRangeOut, status_code=201, summary="Tag a camera's time range")
async def create_range(service: Service, caller: Annotator, body: TaggedRangeCreate) -> TaggedRangeOut:
    return await service.create_range(body, caller.name)


@router.delete(
    "/tagged-ranges/{range_id}", status_code=NO_CONTENT, summary="Delete a tagged range (author or supervisor)"
)
async def delete_range(service: Service, caller: Annotator, range_id: Id) -> Response:
    await service.delete_range(range_id, caller.name, _moderator(caller))
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------------------------------------- annotations


@router.get("/annotations", response_model=AnnotationPage, summary="Annotations by time, newest first, paged")
async def list_annotations(
    service: Service,
    camera_id: CameraId = None,
    start: Start = None,
    end: End = None,
    created_by: Annotated[str | None, Query(alias="createdBy", max_length=128)] = None,
    limit: Limit = DEFAULT_PAGE,
    before_id: Annotated[int | None, Query(alias="beforeId", ge=1, le=MAX_ID)] = None,
) -> AnnotationPage:
    start_us, end_us = _window(start, end)
    flt = AnnotationFilter(camera_id, start_us, end_us, created_by, limit, before_id)
    return await service.annotations(flt)


@router.post("/annotations", response_model=AnnotationOut, status_code=201, summary="Add an annotation")
async def create_annotation(
    service: Service, caller: Annotator, body: AnnotationCreate, request: Request
) -> AnnotationOut:
    out = await service.create_annotation(body, caller.name)
    audit_note(request, annotationId=out.id, cameraId=out.camera_id)
    return out


@router.get("/annotations/{annotation_id}", response_model=AnnotationOut, summary="One annotation")
async def get_annotation(service: Service, annotation_id: Id) -> AnnotationOut:
    return await service.annotation(annotation_id)


@router.patch("/annotations/{annotation_id}", response_model=AnnotationOut, summary="Change an annotation")
async def patch_annotation(
    service: Service, caller: Annotator, annotation_id: Id, body: AnnotationPatch
) -> AnnotationOut:
    return await service.patch_annotation(annotation_id, body, caller.name, _moderator(caller))


@router.delete("/annotations/{annotation_id}", status_code=NO_CONTENT, summary="Delete an annotation")
async def delete_annotation(service: Service, caller: Annotator, annotation_id: Id) -> Response:
    await service.delete_annotation(annotation_id, caller.name, _moderator(caller))
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------------------------------------- incidents


def _words(q: str | None) -> list[str] | None:
    return None if q is None else search_words(q, MAX_QUERY_CHARS)


@router.get(
    "/incidents",
    response_model=IncidentPage,
    summary="Incidents by text and filters: best match first with q, else newest first",
)
async def list_incidents(
    service: Service,
    q: Annotated[str | None, Query(description="words (prefix-matched, all required)")] = None,
    severity: Severity | None = None,
    status_: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    camera_id: CameraId = None,
    agency: Annotated[str | None, Query(max_length=32)] = None,
    tag_id: Annotated[int | None, Query(alias="tagId", ge=1, le=MAX_ID)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    created_by: Annotated[str | None, Query(alias="createdBy", max_length=128)] = None,
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
) -> IncidentPage:
    start_us, end_us = _window(start, end)
    flt = SearchFilter(
        words=_words(q),
        camera_id=camera_id,
        agency=agency,
        tag_id=tag_id,
        severity=severity,
        status=status_,
        assignee=assignee.strip().lower() if assignee else None,
        created_by=created_by,
        start_us=start_us,
        end_us=end_us,
        limit=limit,
        offset=offset,
    )
    return await service.incidents(flt)


@router.post("/incidents", response_model=IncidentOut, status_code=201, summary="Open an incident")
async def create_incident(service: Service, caller: Supervisor, body: IncidentCreate, request: Request) -> IncidentOut:
    out = await service.create_incident(body, caller.name)
    audit_note(request, incidentId=out.id, cameraIds=out.camera_ids)
    return out


@router.get("/incidents/{incident_id}", response_model=IncidentOut, summary="One incident")
async def get_incident(service: Service, incident_id: Id) -> IncidentOut:
    return await service.incident(incident_id)


@router.patch("/incidents/{incident_id}", response_model=IncidentOut, summary="Change an incident")
async def patch_incident(service: Service, _caller: Supervisor, incident_id: Id, body: IncidentPatch) -> IncidentOut:
    return await service.patch_incident(incident_id, body)


@router.delete("/incidents/{incident_id}", status_code=NO_CONTENT, summary="Delete an incident")
async def delete_incident(service: Service, _caller: Supervisor, incident_id: Id) -> Response:
    await service.delete_incident(incident_id)
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------------------------------------- search


@router.get(
    "/search",
    response_model=SearchPage,
    summary="Full-text search over incident titles and descriptions and annotation texts, best first",
)
async def search(
    service: Service,
    q: Annotated[str | None, Query(description="plain words in any script; prefix-matched, all required")] = None,
    kind: SearchKind | None = None,
    camera_id: CameraId = None,
    agency: Annotated[str | None, Query(max_length=32)] = None,
    tag_id: Annotated[int | None, Query(alias="tagId", ge=1, le=MAX_ID)] = None,
    severity: Severity | None = None,
    user: Annotated[str | None, Query(max_length=128, description="creator or assignee")] = None,
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
) -> SearchPage:
    words = search_words(q or "", MAX_QUERY_CHARS)
    start_us, end_us = _window(start, end)
    flt = SearchFilter(
        words=words,
        kind=kind,
        camera_id=camera_id,
        agency=agency,
        tag_id=tag_id,
        severity=severity,
        user=user.strip() if user else None,
        start_us=start_us,
        end_us=end_us,
        limit=limit,
        offset=offset,
    )
    return await service.search(flt)
